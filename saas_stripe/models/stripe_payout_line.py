# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A balance transaction of a Stripe payout, and its match with an Odoo payment."""

from odoo import api, fields, models

from ..lib.payouts import (
    FEE_TYPES,
    PAYMENT_TYPES,
    object_id,
    payment_candidates,
    transaction_amounts,
)
from .stripe_payout import changed_values

LINE_TYPES = [
    ("charge", "Charge"),
    ("payment", "Payment"),
    ("refund", "Refund"),
    ("payment_refund", "Payment refund"),
    ("adjustment", "Adjustment"),
    ("stripe_fee", "Stripe fee"),
    ("stripe_fx_fee", "Stripe FX fee"),
    ("application_fee", "Application fee"),
    ("application_fee_refund", "Application fee refund"),
    ("payment_failure_refund", "Payment failure refund"),
    ("payout_cancel", "Payout cancel"),
    ("payout_failure", "Payout failure"),
    ("transfer", "Transfer"),
    ("tax", "Tax"),
    ("other", "Other"),
]
GAPS = [
    ("missing_payment", "Missing payment"),
    ("amount_mismatch", "Amount mismatch"),
    ("currency_mismatch", "Currency mismatch"),
]


class SaasStripePayoutLine(models.Model):
    _name = "saas.stripe.payout.line"
    _description = "Stripe payout balance transaction"
    _order = "payout_id, id"
    _rec_name = "balance_transaction"

    payout_id = fields.Many2one(
        "saas.stripe.payout", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="payout_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="payout_id.currency_id", store=True)
    arrival_date = fields.Date(related="payout_id.arrival_date")
    balance_transaction = fields.Char(required=True, readonly=True, index=True)
    type = fields.Selection(LINE_TYPES, required=True, readonly=True)
    stripe_type = fields.Char(readonly=True, help="The balance transaction type as Stripe says.")
    source_ref = fields.Char(string="Source", readonly=True, index=True)
    description = fields.Char(readonly=True)
    amount = fields.Monetary(currency_field="currency_id", readonly=True, help="Gross amount.")
    fee = fields.Monetary(currency_field="currency_id", readonly=True)
    net = fields.Monetary(currency_field="currency_id", readonly=True)
    transaction_currency = fields.Char(readonly=True)
    payment_id = fields.Many2one(
        "account.payment", string="Odoo payment", readonly=True, ondelete="set null", index=True
    )
    gap = fields.Selection(GAPS, readonly=True, index=True)
    gap_note = fields.Char(readonly=True)

    _sql_constraints = [
        (
            "payout_transaction_unique",
            "unique(payout_id, balance_transaction)",
            "A balance transaction appears once in a payout.",
        ),
    ]

    def _write_changed(self, values):
        """Write only what differs from what is stored."""
        self.ensure_one()
        changed = changed_values(self, values)
        if changed:
            self.write(changed)

    # ------------------------------------------------------------------ match
    @api.model
    def _values_from_stripe(self, payout, txn):
        """The values of the line of balance transaction ``txn`` (a dict) in
        ``payout``: its amounts, and its Odoo payment or its gap."""
        code = txn.get("currency") or ""
        stripe_type = txn.get("type") or "other"
        line_type = stripe_type if stripe_type in dict(LINE_TYPES) else "other"
        amounts = transaction_amounts(txn)
        values = {
            "type": line_type,
            "stripe_type": stripe_type,
            "source_ref": object_id(txn.get("source")) or False,
            "description": txn.get("description") or False,
            "amount": float(amounts["amount"]),
            "fee": float(amounts["fee"]),
            "net": float(amounts["net"]),
            "transaction_currency": code.upper(),
            "payment_id": False,
            "gap": False,
            "gap_note": False,
        }
        if code.upper() != payout.currency_id.name:
            values.update(
                gap="currency_mismatch",
                gap_note=self.env._(
                    "The transaction is in %(txn)s, the payout in %(payout)s.",
                    txn=code.upper(),
                    payout=payout.currency_id.name,
                ),
            )
            return values
        direction = PAYMENT_TYPES.get(line_type)
        if direction:
            values.update(self._match_payment(payout, txn, direction, values["amount"]))
        elif line_type not in FEE_TYPES:
            values.update(
                gap="missing_payment",
                gap_note=self.env._(
                    "Odoo has no counterpart for a Stripe %s: book it, then reconcile the "
                    "payout again.",
                    stripe_type,
                ),
            )
        return values

    @api.model
    def _settling_payout(self, payment, payout):
        """The other payout whose posted entry already cleared ``payment``."""
        return self.search(
            [
                ("payment_id", "=", payment.id),
                ("payout_id", "!=", payout.id),
                ("payout_id.move_id.state", "=", "posted"),
            ],
            limit=1,
        ).payout_id

    @api.model
    def _match_payment(self, payout, txn, direction, amount):
        """The Odoo payment of a charge or refund, or the gap that says why not."""
        system = payout.system_id
        Binding = self.env["saas.binding"]
        candidates = payment_candidates(txn.get("source"), direction)
        payment = self.env["account.payment"]
        for candidate in candidates:
            payment = Binding.find_record(system, "account.payment", candidate).filtered(
                lambda pay: pay.payment_type == direction and pay.state in ("in_process", "paid")
            )
            if payment:
                break
        if not payment:
            return {
                "gap": "missing_payment",
                "gap_note": self.env._(
                    "No posted Odoo %(direction)s payment is bound to %(ids)s.",
                    direction=direction,
                    ids=", ".join(candidates) or "?",
                ),
            }
        values = {"payment_id": payment.id}
        code = (txn.get("currency") or "").upper()
        settled = self._settling_payout(payment, payout)
        if settled:
            values.update(
                gap="missing_payment",
                gap_note=self.env._(
                    "Payment %(payment)s was already settled by payout %(payout)s.",
                    payment=payment.name,
                    payout=settled.stripe_id,
                ),
            )
        elif payment.currency_id.name != code:
            values.update(
                gap="currency_mismatch",
                gap_note=self.env._(
                    "Stripe settled %(stripe)s, payment %(payment)s is in %(odoo)s.",
                    stripe=code,
                    payment=payment.name,
                    odoo=payment.currency_id.name,
                ),
            )
        elif payment.currency_id.compare_amounts(payment.amount, abs(amount)):
            values.update(
                gap="amount_mismatch",
                gap_note=self.env._(
                    "Stripe says %(stripe)s, payment %(payment)s is %(odoo)s.",
                    stripe=abs(amount),
                    payment=payment.name,
                    odoo=payment.amount,
                ),
            )
        return values
