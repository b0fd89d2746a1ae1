# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

SETTLED_STATES = ("paid", "in_payment", "reversed")


class SaasPaymentFailure(models.Model):
    """One failed payment attempt, kept after its collection to-do is done:
    the collections figures of a past month read which failures were still
    open at that month's end (failed on or before it, settled after it or not
    at all)."""

    _name = "saas.payment.failure"
    _description = "Failed payment"
    _order = "date desc, id desc"
    _rec_name = "payment_key"

    payment_key = fields.Char(
        string="Payment", required=True, readonly=True, help="The payment's id in the platform."
    )
    date = fields.Date(required=True, readonly=True, index=True, help="When the payment failed.")
    system_id = fields.Many2one("saas.system", readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    subscription_id = fields.Many2one(
        "saas.subscription", readonly=True, index="btree_not_null", ondelete="cascade"
    )
    invoice_id = fields.Many2one("account.move", readonly=True, index="btree_not_null")
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    settled_date = fields.Date(
        readonly=True,
        index=True,
        help="When the invoice was settled (by this payment or a later one), or the payment "
        "itself succeeded; empty while the failure is open.",
    )

    @api.model
    def _settle_invoices(self, invoices):
        """Close the failures of ``invoices`` that are now settled, and their to-dos."""
        invoices = invoices.filtered(lambda move: move.payment_state in SETTLED_STATES)
        if not invoices:
            return self
        failures = self.sudo().search(
            [("invoice_id", "in", invoices.ids), ("settled_date", "=", False)]
        )
        for failure in failures:
            failure._settle(
                failure.invoice_id._saas_settled_date() or fields.Date.context_today(self)
            )
        return failures

    @api.model
    def _settle_payment_keys(self, system, keys, day):
        """Close the failures whose own payment (same platform id) succeeded."""
        failures = self.sudo().search(
            [
                ("system_id", "=", system.id),
                ("payment_key", "in", list(keys)),
                ("settled_date", "=", False),
            ]
        )
        for failure in failures:
            failure._settle(day)
        return failures

    def _settle(self, day):
        self.ensure_one()
        self.settled_date = day
        if self.activity_id:
            self.activity_id.action_feedback(
                feedback=self.env._("The invoice is settled.")
                if self.invoice_id
                else self.env._("The payment succeeded.")
            )

    @api.model
    def _open_at(self, day, companies):
        """The failures open at the end of ``day``."""
        return self.sudo().search(
            [
                ("company_id", "in", companies.ids),
                ("date", "<=", day),
                "|",
                ("settled_date", "=", False),
                ("settled_date", ">", day),
            ]
        )
