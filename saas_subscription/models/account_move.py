# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    saas_subscription_id = fields.Many2one(
        "saas.subscription", string="SaaS subscription", index="btree_not_null", copy=False
    )
    saas_event_id = fields.Many2one(
        "saas.event",
        string="Source event",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The integration event that created this entry.",
    )
    saas_source_number = fields.Char(
        string="Source number",
        copy=False,
        readonly=True,
        help="Number of the document in the billing system.",
    )

    def action_view_saas_event(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "saas.event",
            "res_id": self.saas_event_id.id,
            "views": [(False, "form")],
        }

    def _saas_settled_date(self):
        """The day the last reconciliation of the receivable settled this document."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        partials = lines.matched_debit_ids | lines.matched_credit_ids
        return max(partials.mapped("max_date"), default=False)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    saas_period_start = fields.Date(string="Service start", copy=False)
    saas_period_end = fields.Date(string="Service end", copy=False)

    def _reconcile_plan(self, reconciliation_plan):
        """Whatever reconciles an invoice (an event, the payment wizard, a
        manual matching), its failed payments close once it is settled."""
        result = super()._reconcile_plan(reconciliation_plan)
        moves = self.env["account.move"]
        stack = list(reconciliation_plan)
        while stack:
            item = stack.pop()
            if isinstance(item, models.BaseModel):
                moves |= item.move_id
            else:
                stack.extend(item)
        invoices = moves.filtered(lambda move: move.is_invoice(include_receipts=True))
        if invoices:
            self.env["saas.payment.failure"]._settle_invoices(invoices)
        return result


class AccountPayment(models.Model):
    _inherit = "account.payment"

    saas_event_id = fields.Many2one(
        "saas.event", string="Source event", index="btree_not_null", copy=False, readonly=True
    )
    saas_invoice_ids = fields.Many2many(
        "account.move",
        "saas_payment_reported_invoice_rel",
        "payment_id",
        "move_id",
        string="Invoices reported paid",
        copy=False,
        readonly=True,
        help="The invoices the source's reports of this payment say it pays: when a later "
        "report raises the payment's amount, it is applied to them again.",
    )
