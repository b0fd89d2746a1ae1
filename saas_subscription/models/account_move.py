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


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    saas_period_start = fields.Date(string="Service start", copy=False)
    saas_period_end = fields.Date(string="Service end", copy=False)


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
