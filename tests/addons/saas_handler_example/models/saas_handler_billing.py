# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SaasHandlerBilling(models.AbstractModel):
    """A company's own rules on top of the suite's invoice building."""

    _inherit = "saas.handler.billing"

    def _prepare_invoice_values(self, ctx, move_type, external_id, lines, extra=None):
        values = super()._prepare_invoice_values(ctx, move_type, external_id, lines, extra=extra)
        terms = ctx.company.saas_example_invoice_terms
        if terms and move_type == "out_invoice":
            values["narration"] = terms
        return values

    def _apply_invoice_issued(self, event, message):
        """After the suite issued the invoice: one above the company's review
        threshold gets a review activity."""
        result = super()._apply_invoice_issued(event, message)
        if result is None or not result.ignored:
            invoice = self.env["saas.binding"].find_record(
                event.system_id, "account.move", message["data"]["invoice_id"]
            )
            threshold = invoice.company_id.saas_example_review_above
            if threshold and invoice.amount_total > threshold:
                invoice.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Review invoice %s", invoice.name),
                )
        return result
