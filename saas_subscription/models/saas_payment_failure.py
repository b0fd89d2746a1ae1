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
    def _backfill(self):
        """Failed payments recorded before this model (an upgrade): one per
        chatter message bound to a failed payment's id, with its to-do, the
        invoice whose chatter got the same message, and closed at once when
        that invoice is settled already."""
        bindings = (
            self.env["saas.binding"].sudo().search([("res_model", "=", "mail.message")], order="id")
        )
        known = {
            (system.id, key)
            for system, key in self.sudo()._read_group([], ["system_id", "payment_key"])
        }
        Activity = self.env["mail.activity"].sudo()
        Message = self.env["mail.message"].sudo()
        invoices = self.env["account.move"]
        for binding in bindings:
            if (binding.system_id.id, binding.external_id) in known:
                continue
            message = Message.browse(binding.res_id).exists()
            if not message or message.model not in ("saas.subscription", "account.move"):
                continue
            subscription = invoice = None
            if message.model == "saas.subscription":
                subscription = self.env["saas.subscription"].sudo().browse(message.res_id)
                invoice = (
                    self.env["account.move"]
                    .sudo()
                    .browse(
                        Message.search(
                            [
                                ("model", "=", "account.move"),
                                ("body", "=", message.body),
                                ("date", ">=", message.date),
                            ],
                            limit=1,
                        ).res_id
                    )
                )
            else:
                invoice = self.env["account.move"].sudo().browse(message.res_id)
                subscription = invoice.saas_subscription_id
            target = subscription or invoice
            if not target.exists():
                continue
            activity = Activity.search(
                [
                    ("res_model", "=", target._name),
                    ("res_id", "=", target.id),
                    ("summary", "=like", f"Collect failed payment {binding.external_id}"),
                ],
                limit=1,
            )
            self.sudo().create(
                {
                    "payment_key": binding.external_id,
                    "date": (binding.source_updated_at or message.date).date(),
                    "system_id": binding.system_id.id,
                    "company_id": target.company_id.id or binding.system_id.company_id.id,
                    "partner_id": (subscription or invoice).partner_id.commercial_partner_id.id,
                    "subscription_id": subscription.id if subscription else False,
                    "invoice_id": invoice.id if invoice else False,
                    "activity_id": activity.id,
                }
            )
            invoices |= invoice or self.env["account.move"]
        return self._settle_invoices(invoices)

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
