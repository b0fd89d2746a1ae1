# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SaasHandlerBilling(models.AbstractModel):
    """A company's own rule on top of the suite's invoice handler."""

    _inherit = "saas.handler.billing"

    def _apply_invoice_issued(self, event, message):
        result = super()._apply_invoice_issued(event, message)
        created = event.record_ids.filtered(
            lambda r: r.res_model == "account.move" and r.operation == "create"
        )
        for move in self.env["account.move"].browse(created.mapped("res_id")):
            if move.company_id.saas_example_invoice_terms:
                move.narration = move.company_id.saas_example_invoice_terms
        return result
