# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payout reconciliation: what Stripe paid out, line by line, against Odoo.

Per payout, the balance transactions it settles are stored as lines; each
charge and refund is matched to the Odoo payment bound to it, and anything
Odoo cannot account for is a gap. A payout without gaps gets one entry that
clears the matched payments' outstanding accounts, expenses Stripe's fees and
moves the net to the bank journal's outstanding receipts, where the bank
statement line of the payout meets it.
"""

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import stripe
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.saas_sync.exceptions import SaasSyncError, TransientError

from ..lib.amounts import to_major
from .stripe_sync import as_dict

_logger = logging.getLogger(__name__)

# Balance transaction types settled against an Odoo payment, and its direction.
PAYMENT_TYPES = {
    "charge": "inbound",
    "payment": "inbound",
    "refund": "outbound",
    "payment_refund": "outbound",
}
# Types that are Stripe's own charges to the account: they go to the fee account.
FEE_TYPES = ("stripe_fee", "stripe_fx_fee")
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
PAYOUT_STATUSES = [
    ("pending", "Pending"),
    ("in_transit", "In transit"),
    ("paid", "Paid"),
    ("failed", "Failed"),
    ("canceled", "Canceled"),
]
UNPAID_STATUSES = ("failed", "canceled")
LOOKBACK_DAYS = 14


def _id(value):
    """An expandable Stripe field: an id or the expanded object."""
    if isinstance(value, dict):
        return value.get("id")
    return value


def _stripe_date(seconds):
    if not seconds:
        return False
    return datetime.fromtimestamp(int(seconds), tz=UTC).date()


def _dec(value):
    return Decimal(str(value or 0))


class SaasStripePayout(models.Model):
    _name = "saas.stripe.payout"
    _description = "Stripe payout"
    _inherit = ["mail.thread"]
    _order = "arrival_date desc, id desc"
    _rec_name = "stripe_id"

    system_id = fields.Many2one(
        "saas.system",
        required=True,
        ondelete="cascade",
        index=True,
        domain=[("kind", "=", "stripe")],
        readonly=True,
    )
    company_id = fields.Many2one(related="system_id.company_id", store=True, index=True)
    stripe_id = fields.Char(string="Stripe payout", required=True, readonly=True, index=True)
    amount = fields.Monetary(currency_field="currency_id", readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    arrival_date = fields.Date(readonly=True, index=True)
    status = fields.Selection(PAYOUT_STATUSES, string="Stripe status", readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("reconciled", "Reconciled"), ("gaps", "Gaps")],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    move_id = fields.Many2one(
        "account.move", string="Journal entry", readonly=True, copy=False, ondelete="set null"
    )
    line_ids = fields.One2many(
        "saas.stripe.payout.line", "payout_id", string="Balance transactions", readonly=True
    )
    lines_net_total = fields.Monetary(
        compute="_compute_totals", store=True, currency_field="currency_id", string="Lines net"
    )
    fee_total = fields.Monetary(
        compute="_compute_totals",
        store=True,
        currency_field="currency_id",
        string="Fees",
        help="Stripe's fees on the payout's transactions, and its own fee transactions.",
    )
    sum_mismatch = fields.Boolean(
        compute="_compute_totals",
        store=True,
        help="The net of the lines differs from the payout amount.",
    )
    gap_count = fields.Integer(compute="_compute_gap_count", store=True, string="Gaps")
    gap_note = fields.Text(
        readonly=True, help="What is wrong with the payout as a whole (lines not summing to it)."
    )
    hold_reason = fields.Char(readonly=True, help="Why a payout without gaps was not posted (yet).")

    _sql_constraints = [
        (
            "system_stripe_id_unique",
            "unique(system_id, stripe_id)",
            "A Stripe payout is recorded once per system.",
        ),
    ]

    @api.depends("amount", "currency_id", "line_ids.net", "line_ids.fee", "line_ids.type")
    def _compute_totals(self):
        for payout in self:
            net = sum((_dec(line.net) for line in payout.line_ids), Decimal(0))
            fees = sum(
                (
                    -_dec(line.net) if line.type in FEE_TYPES else _dec(line.fee)
                    for line in payout.line_ids
                ),
                Decimal(0),
            )
            payout.lines_net_total = float(net)
            payout.fee_total = float(fees)
            payout.sum_mismatch = bool(payout.currency_id) and not payout.currency_id.is_zero(
                float(net - _dec(payout.amount))
            )

    @api.depends("line_ids.gap", "sum_mismatch")
    def _compute_gap_count(self):
        for payout in self:
            payout.gap_count = len(payout.line_ids.filtered("gap")) + int(payout.sum_mismatch)

    def action_view_gap_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_stripe.action_saas_stripe_payout_gaps"
        )
        action["domain"] = [("payout_id", "=", self.id), ("gap", "!=", False)]
        return action

    def action_reconcile(self):
        """Read the payout and its balance transactions from Stripe again and
        reconcile (administrators)."""
        for payout in self:
            system = payout.system_id
            system._check_admin()
            if not system._stripe_client():
                raise UserError(self.env._("Enter the Stripe secret key of %s first.", system.name))
            try:
                data = system._stripe_retrieve("payouts", payout.stripe_id)
                if not data:
                    raise UserError(self.env._("Stripe does not know payout %s.", payout.stripe_id))
                system._stripe_reconcile_payout(
                    data, system._stripe_balance_transactions(payout.stripe_id)
                )
            except (TransientError, stripe.StripeError) as exc:
                raise system._stripe_user_error(self.env._("Reconcile again"), exc) from exc
        return True


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


class SaasSystem(models.Model):  # pylint: disable=consider-merging-classes-inherited
    _inherit = "saas.system"

    stripe_payout_count = fields.Integer(compute="_compute_stripe_payout_count")
    stripe_last_payout_sync = fields.Datetime(readonly=True)

    def _compute_stripe_payout_count(self):
        groups = self.env["saas.stripe.payout"]._read_group(
            [("system_id", "in", self.ids)], ["system_id"], ["__count"]
        )
        counts = {system.id: count for system, count in groups}
        for system in self:
            system.stripe_payout_count = counts.get(system.id, 0)

    def action_view_stripe_payouts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_stripe.action_saas_stripe_payout"
        )
        action["domain"] = [("system_id", "=", self.id)]
        return action

    def action_stripe_reconcile_payouts(self):
        self.ensure_one()
        self._check_admin()
        if not self._stripe_client():
            raise UserError(self.env._("Enter the Stripe secret key first."))
        try:
            payouts = self._stripe_reconcile_payouts()
        except (TransientError, stripe.StripeError) as exc:
            raise self._stripe_user_error(self.env._("Reconcile payouts now"), exc) from exc
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "%(count)s payouts read, %(gaps)s with gaps.",
                    count=len(payouts),
                    gaps=len(payouts.filtered(lambda payout: payout.state == "gaps")),
                ),
            },
        }

    # ------------------------------------------------------------------- API
    def _stripe_call(self, call):
        try:
            return call()
        except (stripe.RateLimitError, stripe.APIConnectionError) as exc:
            raise TransientError(self.env._("Stripe is unreachable: %s", exc)) from exc

    def _stripe_payouts(self, since=None):
        """Payouts created since ``since`` (a datetime), as dicts; [] without a key."""
        self.ensure_one()
        client = self._stripe_client()
        if not client:
            return []
        params = {"limit": 100}
        if since:
            params["created"] = {"gte": int(since.replace(tzinfo=UTC).timestamp())}
        return self._stripe_call(
            lambda: [
                as_dict(payout)
                for payout in client.v1.payouts.list(params=params).auto_paging_iter()
            ]
        )

    def _stripe_balance_transactions(self, payout_id):
        """The balance transactions a payout settles, as dicts, with their source
        expanded (so a charge tells its payment intent)."""
        self.ensure_one()
        client = self._stripe_client()
        if not client:
            return []
        params = {"payout": payout_id, "limit": 100, "expand": ["data.source"]}
        return self._stripe_call(
            lambda: [
                as_dict(txn)
                for txn in client.v1.balance_transactions.list(params=params).auto_paging_iter()
            ]
        )

    # ------------------------------------------------------------ reconcile
    def _stripe_currency(self, code):
        code = (code or "").upper()
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if currency and currency.active:
            return currency
        return self.env["saas.mapping"].resolve(self, "currency", code)

    def _stripe_reconcile_payout(self, payout_dict, transactions):
        """Record a payout and its balance transactions (dicts as Stripe sends
        them), match them to Odoo payments, and post the payout entry when
        nothing is missing. Idempotent: a posted payout is left as it is."""
        self.ensure_one()
        payout = self._stripe_upsert_payout(payout_dict)
        if payout.move_id.state == "posted":
            return payout
        self._stripe_sync_payout_lines(payout, payout_dict, transactions)
        payout.flush_recordset()
        gap_note = self._stripe_payout_gap_note(payout, payout_dict)
        if payout.gap_count:
            self._stripe_payout_set(payout, state="gaps", gap_note=gap_note, hold_reason=False)
            return payout
        hold_reason, fee_account = self._stripe_payout_hold_reason(payout)
        if hold_reason:
            self._stripe_payout_set(payout, state="draft", gap_note=False, hold_reason=hold_reason)
            return payout
        self._stripe_payout_set(payout, gap_note=False)
        self._stripe_post_payout(payout, fee_account)
        return payout

    def _stripe_payout_gap_note(self, payout, payout_dict):
        if not payout.sum_mismatch:
            return False
        note = self.env._(
            "The balance transactions net to %(net)s %(currency)s, the payout is "
            "%(amount)s %(currency)s (difference %(diff)s).",
            net=payout.lines_net_total,
            amount=payout.amount,
            currency=payout.currency_id.name,
            diff=payout.currency_id.round(payout.amount - payout.lines_net_total),
        )
        if payout_dict.get("automatic") is False:
            note += " " + self.env._(
                "This is a manual payout: Stripe does not tell which transactions it "
                "settles; reconcile it by hand."
            )
        return note

    @staticmethod
    def _stripe_payout_set(payout, **values):
        changed = {key: value for key, value in values.items() if payout[key] != value}
        if changed:
            payout.write(changed)

    def _stripe_upsert_payout(self, payout_dict):
        Payout = self.env["saas.stripe.payout"]
        currency = self._stripe_currency(payout_dict.get("currency"))
        status = payout_dict.get("status")
        values = {
            "amount": float(to_major(payout_dict.get("amount") or 0, payout_dict.get("currency"))),
            "currency_id": currency.id,
            "arrival_date": _stripe_date(payout_dict.get("arrival_date")),
            "status": status if status in dict(PAYOUT_STATUSES) else False,
        }
        payout = Payout.search(
            [("system_id", "=", self.id), ("stripe_id", "=", payout_dict["id"])], limit=1
        )
        if not payout:
            return Payout.create(dict(values, system_id=self.id, stripe_id=payout_dict["id"]))
        if payout.move_id:
            # An entry exists: only Stripe's status may still move.
            values = {"status": values["status"]}
        changed = {
            key: value
            for key, value in values.items()
            if (payout[key].id if key == "currency_id" else payout[key]) != value
        }
        if changed:
            payout.write(changed)
        return payout

    def _stripe_sync_payout_lines(self, payout, payout_dict, transactions):
        Line = self.env["saas.stripe.payout.line"]
        existing = {line.balance_transaction: line for line in payout.line_ids}
        seen = set()
        own_transaction = _id(payout_dict.get("balance_transaction"))
        for txn in transactions:
            if txn["id"] == own_transaction or (
                txn.get("type") == "payout" and _id(txn.get("source")) in (payout.stripe_id, None)
            ):
                continue  # the payout's own transaction: the payout itself
            seen.add(txn["id"])
            values = self._stripe_payout_line_values(payout, txn)
            line = existing.get(txn["id"])
            if not line:
                Line.create(dict(values, payout_id=payout.id, balance_transaction=txn["id"]))
                continue
            changed = {
                key: value
                for key, value in values.items()
                if (line[key].id if key == "payment_id" else line[key]) != value
            }
            if changed:
                line.write(changed)
        stale = payout.line_ids.filtered(lambda line: line.balance_transaction not in seen)
        if stale:
            stale.unlink()

    def _stripe_payout_line_values(self, payout, txn):
        code = txn.get("currency") or ""
        stripe_type = txn.get("type") or "other"
        line_type = stripe_type if stripe_type in dict(LINE_TYPES) else "other"
        values = {
            "type": line_type,
            "stripe_type": stripe_type,
            "source_ref": _id(txn.get("source")) or False,
            "description": txn.get("description") or False,
            "amount": float(to_major(txn.get("amount") or 0, code)),
            "fee": float(to_major(txn.get("fee") or 0, code)),
            "net": float(to_major(txn.get("net") or 0, code)),
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
            values.update(self._stripe_match_payment(payout, txn, direction, values["amount"]))
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

    def _stripe_payment_candidates(self, source, direction):
        """External ids an Odoo payment may be bound to for a transaction source:
        a charge's payment intent first (as the adapter binds it), then the id."""
        candidates = []
        if isinstance(source, dict) and direction == "inbound":
            candidates.append(_id(source.get("payment_intent")))
        candidates.append(_id(source))
        return [candidate for candidate in candidates if candidate]

    def _stripe_settled_by(self, payment, payout):
        """The other payout whose posted entry already cleared ``payment``."""
        return (
            self.env["saas.stripe.payout.line"]
            .search(
                [
                    ("payment_id", "=", payment.id),
                    ("payout_id", "!=", payout.id),
                    ("payout_id.move_id.state", "=", "posted"),
                ],
                limit=1,
            )
            .payout_id
        )

    def _stripe_match_payment(self, payout, txn, direction, amount):
        Binding = self.env["saas.binding"]
        candidates = self._stripe_payment_candidates(txn.get("source"), direction)
        payment = self.env["account.payment"]
        for candidate in candidates:
            payment = Binding.find_record(self, "account.payment", candidate).filtered(
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
        settled = self._stripe_settled_by(payment, payout)
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

    def _stripe_payout_hold_reason(self, payout):
        """(why nothing is posted, fee account): a reason blocks posting."""
        if payout.status in UNPAID_STATUSES:
            return self.env._(
                "Stripe reports this payout %s: nothing to post.", payout.status
            ), None
        if payout.move_id:
            return self.env._(
                "Its entry %s is not posted: post it, or delete it to post the payout again.",
                payout.move_id.display_name,
            ), None
        if not self._check_environment():
            return self.env._(
                "This system's environment is not the database's: nothing is posted."
            ), None
        without_entry = payout.line_ids.payment_id.filtered(
            lambda pay: not pay.move_id or not pay.outstanding_account_id
        )
        if without_entry:
            return self.env._(
                "Payments without a journal entry: %s.", ", ".join(without_entry.mapped("name"))
            ), None
        mapping = self.env["saas.mapping"]._find_approved(self, "account", "gateway_fee")
        fee_account = mapping.target_ref if mapping else None
        if not fee_account and not payout.currency_id.is_zero(payout.fee_total):
            return self.env._(
                "Approve an account mapping for gateway_fee to post the fees of this payout."
            ), None
        return False, fee_account

    # ------------------------------------------------------------------ post
    def _stripe_payout_bank(self, journal):
        """(account receiving the net, explanation when it is a fallback)."""
        mapping = self.env["saas.mapping"]._find_approved(self, "journal", "payout")
        bank = mapping.target_ref if mapping else None
        if bank:
            return self._stripe_outstanding_receipts(bank), False
        account = self._stripe_outstanding_receipts(journal)
        return account, self.env._(
            "No approved journal mapping 'payout' names the bank journal: the net went to "
            "%(account)s, the outstanding receipts account of %(journal)s.",
            account=account.display_name,
            journal=journal.display_name,
        )

    def _stripe_outstanding_receipts(self, journal):
        account = journal.inbound_payment_method_line_ids.payment_account_id[:1]
        if account:
            return account
        company = journal.company_id
        chart = self.env["account.chart.template"].with_company(company.root_id)
        return (
            chart.ref("account_journal_payment_debit_account_id", raise_if_not_found=False)
            or company.transfer_account_id
        )

    def _stripe_payout_journal(self, payout):
        payments = payout.line_ids.payment_id
        journal = payments.journal_id.sorted("id")[:1]
        if journal:
            return journal
        mapping = self.env["saas.mapping"]._find_approved(self, "journal", "payout")
        if mapping and mapping.target_ref:
            return mapping.target_ref
        return self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", payout.company_id.id)], limit=1
        )

    def _stripe_payout_date(self, payout, journal):
        """The arrival date, or the first open day after a lock date (and why)."""
        when = payout.arrival_date or fields.Date.context_today(self)
        locks = payout.company_id._get_violated_lock_dates(when, False, journal)
        if not locks:
            return when, False
        open_day = locks[-1][0] + timedelta(days=1)
        return open_day, self.env._(
            "The payout arrived on %(arrival)s, in a locked period: posted on %(date)s.",
            arrival=when,
            date=open_day,
        )

    def _stripe_payout_move_lines(self, payout, fee_account, net_account, when):
        company = payout.company_id
        currency = payout.currency_id
        company_currency = company.currency_id

        def line(name, account, amount, partner=None):
            amount = currency.round(amount)
            balance = (
                amount
                if currency == company_currency
                else currency._convert(amount, company_currency, company, when)
            )
            return {
                "name": name,
                "account_id": account.id,
                "partner_id": partner.id if partner else False,
                "currency_id": currency.id,
                "amount_currency": amount,
                "balance": balance,
            }

        values = []
        for pay_line in payout.line_ids.filtered("payment_id"):
            payment = pay_line.payment_id
            values.append(
                line(
                    self.env._(
                        "%(txn)s: %(payment)s", txn=pay_line.source_ref, payment=payment.name
                    ),
                    payment.outstanding_account_id,
                    -pay_line.amount,
                    payment.partner_id,
                )
            )
        if not currency.is_zero(payout.fee_total):
            values.append(line(self.env._("Stripe fees"), fee_account, payout.fee_total))
        net = line(self.env._("Payout %s", payout.stripe_id), net_account, payout.amount)
        # The net absorbs the company-currency rounding of the conversions.
        net["balance"] = company_currency.round(-sum(value["balance"] for value in values))
        values.append(net)
        return values

    def _stripe_post_payout(self, payout, fee_account):
        journal = self._stripe_payout_journal(payout)
        net_account, fallback_note = self._stripe_payout_bank(journal)
        when, lock_note = self._stripe_payout_date(payout, journal)
        lines = self._stripe_payout_move_lines(payout, fee_account, net_account, when)
        move = (
            self.env["account.move"]
            .with_company(payout.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "company_id": payout.company_id.id,
                    "date": when,
                    "ref": self.env._("Stripe payout %s", payout.stripe_id),
                    "narration": lock_note or False,
                    "line_ids": [fields.Command.create(values) for values in lines],
                }
            )
        )
        move.action_post()
        payout.write({"move_id": move.id, "state": "reconciled", "hold_reason": False})
        self._stripe_match_payment_lines(payout, move)
        notes = [
            self.env._("Posted %s.", move._get_html_link()),
            fallback_note,
            lock_note,
        ]
        payout.message_post(body=Markup("<br/>").join(note for note in notes if note))
        return move

    @staticmethod
    def _stripe_match_payment_lines(payout, move):
        """Reconcile each payment's outstanding line with its line of the payout
        entry: the payment has reached the bank, through the payout."""
        free = move.line_ids
        for pay_line in payout.line_ids.filtered("payment_id"):
            payment = pay_line.payment_id
            account = payment.outstanding_account_id
            counterpart = free.filtered(
                lambda aml, account=account, pay_line=pay_line: (
                    aml.account_id == account
                    and aml.partner_id == pay_line.payment_id.partner_id
                    and not pay_line.currency_id.compare_amounts(
                        aml.amount_currency, -pay_line.amount
                    )
                )
            )[:1]
            free -= counterpart
            own = payment.move_id.line_ids.filtered(
                lambda aml, account=account: aml.account_id == account and not aml.reconciled
            )
            if account.reconcile and own and counterpart:
                (own | counterpart).reconcile()

    # ------------------------------------------------------------------ cron
    def _stripe_reconcile_payouts(self, since=None):
        """Pull the payouts created since ``since`` (by default a fortnight before
        the last pull) and reconcile those not posted yet; return them."""
        self.ensure_one()
        payouts = self.env["saas.stripe.payout"]
        if since is None:
            since = (self.stripe_last_payout_sync or fields.Datetime.now()) - timedelta(
                days=LOOKBACK_DAYS
            )
        started = fields.Datetime.now()
        for data in self._stripe_payouts(since=since):
            if payouts.search_count(
                [
                    ("system_id", "=", self.id),
                    ("stripe_id", "=", data["id"]),
                    ("move_id.state", "=", "posted"),
                ],
                limit=1,
            ):
                continue
            try:
                with self.env.cr.savepoint():
                    payouts |= self._stripe_reconcile_payout(
                        data, self._stripe_balance_transactions(data["id"])
                    )
            except (SaasSyncError, UserError) as exc:
                if isinstance(exc, TransientError):
                    raise
                _logger.warning("Stripe payout %s of %s skipped: %s", data["id"], self.code, exc)
        self.stripe_last_payout_sync = started
        return payouts

    @api.model
    def _cron_stripe_reconcile_payouts(self):
        """Financial lane, daily: reconcile the payouts of every Stripe system."""
        for system in self.search([("kind", "=", "stripe"), ("active", "=", True)]):
            if not system._stripe_client() or not system._check_environment():
                continue
            try:
                system._stripe_reconcile_payouts()
            except (TransientError, stripe.StripeError) as exc:
                # Network trouble (or a refusal): the next daily run tries again.
                _logger.warning(
                    "Stripe payout reconciliation of %s postponed: %s", system.code, exc
                )
