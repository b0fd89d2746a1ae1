# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payout reconciliation: what Stripe paid out, line by line, against Odoo.

Per payout, the balance transactions it settles are stored as lines; each
charge and refund is matched to the Odoo payment bound to it, and anything
Odoo cannot account for is a gap. A payout without gaps gets one entry that
clears the matched payments' outstanding accounts, expenses Stripe's fees and
moves the net to the bank journal's outstanding receipts, where the bank
statement line of the payout meets it.

The connected system (``saas.system``) only reads Stripe and hands each payout
to :meth:`SaasStripePayout._reconcile_from_stripe`; the arithmetic is in
``lib/payouts.py``.
"""

from datetime import timedelta

import stripe
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount

from odoo.addons.saas_sync.exceptions import TransientError

from ..lib.payouts import (
    balancing_amount,
    is_own_transaction,
    major,
    net_gap,
    object_id,
    payout_totals,
    stripe_date,
)

PAYOUT_STATUSES = [
    ("pending", "Pending"),
    ("in_transit", "In transit"),
    ("paid", "Paid"),
    ("failed", "Failed"),
    ("canceled", "Canceled"),
]
UNPAID_STATUSES = ("failed", "canceled")


def changed_values(record, values):
    """The part of ``values`` that differs from what ``record`` stores (a
    many2one compared by id): writing only that leaves no needless tracking
    message or write date."""
    changed = {}
    for name, value in values.items():
        stored = record[name]
        if record._fields[name].type == "many2one":
            stored = stored.id
        if stored != value:
            changed[name] = value
    return changed


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
        [
            ("draft", "Draft"),
            ("reconciled", "Reconciled"),
            ("gaps", "Gaps"),
            ("reversed", "Reversed"),
        ],
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
            net, fees = payout_totals((line.type, line.fee, line.net) for line in payout.line_ids)
            payout.lines_net_total = float(net)
            payout.fee_total = float(fees)
            payout.sum_mismatch = bool(payout.currency_id) and not payout.currency_id.is_zero(
                float(net_gap(payout.amount, net))
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
                self.browse()._reconcile_from_stripe(
                    system, data, system._stripe_balance_transactions(payout.stripe_id)
                )
            except (TransientError, stripe.StripeError) as exc:
                raise system._stripe_user_error(self.env._("Reconcile again"), exc) from exc
        return True

    # ------------------------------------------------------------ reconcile
    @api.model
    def _reconcile_from_stripe(self, system, payout_dict, transactions):
        """Record a payout of ``system`` and its balance transactions (dicts as
        Stripe sends them), match them to Odoo payments, and post the payout
        entry when nothing is missing. Idempotent: a posted payout is left as
        it is. Returns the payout."""
        payout = self._upsert_from_stripe(system, payout_dict)
        if payout.move_id.state == "posted":
            if payout.status in UNPAID_STATUSES and payout.state != "reversed":
                payout._reverse_entry()
            return payout
        payout._reconcile_transactions(payout_dict, transactions)
        return payout

    @api.model
    def _currency_from_stripe(self, system, code):
        """The Odoo currency of a Stripe currency code: the active one, else the
        system's ``currency`` mapping."""
        code = (code or "").upper()
        currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "=", code)], limit=1)
        )
        if currency and currency.active:
            return currency
        return self.env["saas.mapping"].resolve(system, "currency", code)

    @api.model
    def _upsert_from_stripe(self, system, payout_dict):
        currency = self._currency_from_stripe(system, payout_dict.get("currency"))
        status = payout_dict.get("status")
        values = {
            "amount": float(major(payout_dict.get("amount"), payout_dict.get("currency"))),
            "currency_id": currency.id,
            "arrival_date": stripe_date(payout_dict.get("arrival_date")),
            "status": status if status in dict(PAYOUT_STATUSES) else False,
        }
        payout = self.search(
            [("system_id", "=", system.id), ("stripe_id", "=", payout_dict["id"])], limit=1
        )
        if not payout:
            return self.create(dict(values, system_id=system.id, stripe_id=payout_dict["id"]))
        if payout.move_id:
            # An entry exists: only Stripe's status may still move.
            values = {"status": values["status"]}
        payout._write_changed(values)
        return payout

    def _reconcile_transactions(self, payout_dict, transactions):
        """Store the lines, then flag the gaps, hold, or post the entry."""
        self.ensure_one()
        self._sync_lines(payout_dict, transactions)
        self.flush_recordset()
        gap_note = self._sum_gap_note(payout_dict)
        if self.gap_count:
            self._write_changed({"state": "gaps", "gap_note": gap_note, "hold_reason": False})
            return
        hold_reason, fee_account = self._hold_reason()
        if hold_reason:
            self._write_changed({"state": "draft", "gap_note": False, "hold_reason": hold_reason})
            return
        self._write_changed({"gap_note": False})
        self._post_entry(fee_account)

    def _sync_lines(self, payout_dict, transactions):
        """One line per balance transaction the payout settles (its own excepted);
        lines of transactions Stripe no longer lists are removed."""
        self.ensure_one()
        Line = self.env["saas.stripe.payout.line"]
        existing = {line.balance_transaction: line for line in self.line_ids}
        seen = set()
        own_transaction = object_id(payout_dict.get("balance_transaction"))
        for txn in transactions:
            if is_own_transaction(txn, self.stripe_id, own_transaction):
                continue  # the payout's own transaction: the payout itself
            seen.add(txn["id"])
            values = Line._values_from_stripe(self, txn)
            line = existing.get(txn["id"])
            if not line:
                Line.create(dict(values, payout_id=self.id, balance_transaction=txn["id"]))
                continue
            line._write_changed(values)
        stale = self.line_ids.filtered(lambda line: line.balance_transaction not in seen)
        if stale:
            stale.unlink()

    def _sum_gap_note(self, payout_dict):
        """Why the lines do not add up to the payout; False when they do."""
        self.ensure_one()
        if not self.sum_mismatch:
            return False
        note = self.env._(
            "The balance transactions net to %(net)s, the payout is %(amount)s "
            "(difference %(diff)s).",
            net=format_amount(self.env, self.lines_net_total, self.currency_id),
            amount=format_amount(self.env, self.amount, self.currency_id),
            diff=format_amount(
                self.env, float(net_gap(self.amount, self.lines_net_total)), self.currency_id
            ),
        )
        if payout_dict.get("automatic") is False:
            note += " " + self.env._(
                "This is a manual payout: Stripe does not tell which transactions it "
                "settles; reconcile it by hand."
            )
        return note

    def _write_changed(self, values):
        """Write only what differs (no needless tracking or write date)."""
        self.ensure_one()
        changed = changed_values(self, values)
        if changed:
            self.write(changed)

    def _hold_reason(self):
        """(why nothing is posted, fee account): a reason blocks posting."""
        self.ensure_one()
        system = self.system_id
        if self.status in UNPAID_STATUSES:
            return self.env._("Stripe reports this payout %s: nothing to post.", self.status), None
        if self.status != "paid":
            # The money is not in the bank before Stripe says the payout is paid.
            status = dict(PAYOUT_STATUSES).get(self.status) or self.env._("without a status")
            return self.env._(
                "Stripe reports this payout %s: it is posted once Stripe says it is paid.",
                status.lower(),
            ), None
        if self.move_id:
            return self.env._(
                "Its entry %s is not posted: post it, or delete it to post the payout again.",
                self.move_id.display_name,
            ), None
        if not system._check_environment():
            return self.env._(
                "This system's environment is not the database's: nothing is posted."
            ), None
        without_entry = self.line_ids.payment_id.filtered(
            lambda pay: not pay.move_id or not pay.outstanding_account_id
        )
        if without_entry:
            return self.env._(
                "Payments without a journal entry: %s.", ", ".join(without_entry.mapped("name"))
            ), None
        mapping = self.env["saas.mapping"]._find_approved(system, "account", "gateway_fee")
        fee_account = mapping.target_ref if mapping else None
        if not fee_account and not self.currency_id.is_zero(self.fee_total):
            return self.env._(
                "Approve an account mapping for gateway_fee to post the fees of this payout."
            ), None
        return False, fee_account

    # ------------------------------------------------------------------ post
    def _net_account(self, journal):
        """(account receiving the net, explanation when it is a fallback)."""
        self.ensure_one()
        mapping = self.env["saas.mapping"]._find_approved(self.system_id, "journal", "payout")
        bank = mapping.target_ref if mapping else None
        if bank:
            return self._outstanding_receipts(bank), False
        account = self._outstanding_receipts(journal)
        return account, self.env._(
            "No approved journal mapping 'payout' names the bank journal: the net went to "
            "%(account)s, the outstanding receipts account of %(journal)s.",
            account=account.display_name,
            journal=journal.display_name,
        )

    @api.model
    def _outstanding_receipts(self, journal):
        account = journal.inbound_payment_method_line_ids.payment_account_id[:1]
        if account:
            return account
        company = journal.company_id
        chart = self.env["account.chart.template"].with_company(company.root_id)
        return (
            chart.ref("account_journal_payment_debit_account_id", raise_if_not_found=False)
            or company.transfer_account_id
        )

    def _entry_journal(self):
        """The payments' journal, else the ``payout`` journal mapping, else a bank."""
        self.ensure_one()
        journal = self.line_ids.payment_id.journal_id.sorted("id")[:1]
        if journal:
            return journal
        mapping = self.env["saas.mapping"]._find_approved(self.system_id, "journal", "payout")
        if mapping and mapping.target_ref:
            return mapping.target_ref
        return self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company_id.id)], limit=1
        )

    def _entry_date(self, journal):
        """The arrival date, or the first open day after a lock date (and why)."""
        self.ensure_one()
        when = self.arrival_date or fields.Date.context_today(self)
        locks = self.company_id._get_violated_lock_dates(when, False, journal)
        if not locks:
            return when, False
        open_day = locks[-1][0] + timedelta(days=1)
        return open_day, self.env._(
            "The payout arrived on %(arrival)s, in a locked period: posted on %(date)s.",
            arrival=when,
            date=open_day,
        )

    def _entry_line_values(self, fee_account, net_account, when):
        """The entry's lines: each payment cleared, the fees, the net."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
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
        for pay_line in self.line_ids.filtered("payment_id"):
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
        if not currency.is_zero(self.fee_total):
            values.append(line(self.env._("Stripe fees"), fee_account, self.fee_total))
        net = line(self.env._("Payout %s", self.stripe_id), net_account, self.amount)
        # The net absorbs the company-currency rounding of the conversions.
        net["balance"] = company_currency.round(
            float(balancing_amount(value["balance"] for value in values))
        )
        values.append(net)
        return values

    def _post_entry(self, fee_account):
        """Post the payout's entry, match the payments it clears, say so."""
        self.ensure_one()
        journal = self._entry_journal()
        net_account, fallback_note = self._net_account(journal)
        when, lock_note = self._entry_date(journal)
        lines = self._entry_line_values(fee_account, net_account, when)
        move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "company_id": self.company_id.id,
                    "date": when,
                    "ref": self.env._("Stripe payout %s", self.stripe_id),
                    "narration": lock_note or False,
                    "line_ids": [fields.Command.create(values) for values in lines],
                }
            )
        )
        move.action_post()
        self.write({"move_id": move.id, "state": "reconciled", "hold_reason": False})
        self._match_payment_lines(move)
        notes = [
            self.env._("Posted %s.", move._get_html_link()),
            fallback_note,
            lock_note,
        ]
        self.message_post(body=Markup("<br/>").join(note for note in notes if note))
        return move

    def _reverse_entry(self):
        """Stripe reports a posted payout failed or canceled: the money never
        reached the bank. The payments it cleared are outstanding again and
        its entry is reversed (on the first open day after a lock date)."""
        self.ensure_one()
        move = self.move_id
        when, lock_note = self._entry_date(move.journal_id)
        when = max(when, fields.Date.context_today(self))
        move.line_ids.remove_move_reconcile()
        reversal = move._reverse_moves(
            [
                {
                    "date": when,
                    "ref": self.env._(
                        "Stripe payout %(payout)s %(status)s",
                        payout=self.stripe_id,
                        status=self.status,
                    ),
                }
            ],
            cancel=True,
        )
        reason = self.env._(
            "Stripe reports this payout %(status)s: its entry %(entry)s was reversed by "
            "%(reversal)s and the payments it cleared are outstanding again.",
            status=self.status,
            entry=move.name,
            reversal=reversal.name,
        )
        self.write({"state": "reversed", "hold_reason": reason})
        notes = [reason, reversal._get_html_link(), lock_note]
        self.message_post(body=Markup("<br/>").join(note for note in notes if note))
        return reversal

    def _match_payment_lines(self, move):
        """Reconcile each payment's outstanding line with its line of the payout
        entry: the payment has reached the bank, through the payout."""
        self.ensure_one()
        free = move.line_ids
        for pay_line in self.line_ids.filtered("payment_id"):
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
