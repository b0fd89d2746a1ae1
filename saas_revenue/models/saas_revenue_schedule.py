# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_amount

from odoo.addons.saas_sync.const import REVIEWER_GROUP
from odoo.addons.saas_sync.tools import check_group

from ..lib.recognition import (
    allocate,
    credit_adjustments,
    in_place_reductions,
    month_end,
    quantize,
    schedule,
    split_credit,
    to_decimal,
)
from .res_company import METHODS

STATES = [
    ("running", "Running"),
    ("stopped", "Stopped"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]


class SaasRevenueSchedule(models.Model):
    _name = "saas.revenue.schedule"
    _description = "Revenue recognition schedule"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Invoice line", index=True, ondelete="set null", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, readonly=True)
    subscription_id = fields.Many2one(
        "saas.subscription", index="btree_not_null", readonly=True, ondelete="set null"
    )
    product_id = fields.Many2one("product.product", index=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    amount = fields.Monetary(
        required=True, readonly=True, help="Amount to recognize, invoice currency."
    )
    amount_company = fields.Monetary(
        currency_field="company_currency_id", required=True, readonly=True
    )
    date_start = fields.Date(string="Service start", required=True, readonly=True)
    date_end = fields.Date(string="Service end", required=True, readonly=True)
    method = fields.Selection(METHODS, required=True, readonly=True)
    journal_id = fields.Many2one("account.journal", required=True, readonly=True)
    income_account_id = fields.Many2one("account.account", required=True, readonly=True)
    deferred_account_id = fields.Many2one("account.account", required=True, readonly=True)
    analytic_distribution = fields.Json(readonly=True)
    state = fields.Selection(STATES, default="running", required=True, index=True, tracking=True)
    line_ids = fields.One2many("saas.revenue.schedule.line", "schedule_id", readonly=True)
    credit_move_ids = fields.Many2many(
        "account.move",
        "saas_revenue_schedule_credit_rel",
        "schedule_id",
        "move_id",
        string="Credit notes",
        readonly=True,
    )
    amount_recognized = fields.Monetary(compute="_compute_amounts")
    amount_remaining = fields.Monetary(compute="_compute_amounts", string="Still deferred")

    @api.depends("move_id.name", "product_id", "date_start", "date_end")
    def _compute_name(self):
        for schedule_ in self:
            product = schedule_.product_id.display_name or schedule_.move_line_id.name or ""
            schedule_.name = (
                f"{schedule_.move_id.name or '/'} - {product} "
                f"({schedule_.date_start} .. {schedule_.date_end})"
            )

    @api.depends("line_ids.amount", "line_ids.state")
    def _compute_amounts(self):
        sums = {
            (schedule_, state): amount
            for schedule_, state, amount in self.env["saas.revenue.schedule.line"]._read_group(
                [("schedule_id", "in", self.ids)], ["schedule_id", "state"], ["amount:sum"]
            )
        }
        for schedule_ in self:
            schedule_.amount_recognized = sums.get((schedule_, "posted"), 0.0)
            schedule_.amount_remaining = sums.get((schedule_, "pending"), 0.0) + sums.get(
                (schedule_, "stopped"), 0.0
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_recognized(self):
        """Deleting a schedule would erase its recognized lines (the audit trail)."""
        if any(line.state == "posted" for line in self.line_ids):
            raise UserError(
                self.env._(
                    "Revenue of this schedule was already recognized: the schedule is part of "
                    "the audit trail and cannot be deleted."
                )
            )

    # ------------------------------------------------------------ creation
    @api.model
    def _values_for_line(self, line, deferred_account, income_account):
        """The schedule of one posted invoice or credit note line."""
        move = line.move_id
        company = move.company_id
        product = line.product_id
        method = product.saas_revenue_method or company.saas_revenue_method
        amount = to_decimal(-line.amount_currency)
        amount_company = to_decimal(-line.balance)
        currency = line.currency_id
        start, end = line.saas_period_start, line.saas_period_end
        lines = schedule(
            quantize(amount, currency.decimal_places),
            start,
            end,
            method,
            currency.decimal_places,
            not_before=move.date,
        )
        company_shares = allocate(
            quantize(amount_company, company.currency_id.decimal_places),
            [abs(share) for _day, share in lines] if amount else [1] * len(lines),
            company.currency_id.decimal_places,
        )
        return {
            "company_id": company.id,
            "move_id": move.id,
            "move_line_id": line.id,
            "partner_id": move.commercial_partner_id.id,
            "subscription_id": move.saas_subscription_id.id,
            "product_id": product.id,
            "currency_id": currency.id,
            "amount": float(amount),
            "amount_company": float(amount_company),
            "date_start": start,
            "date_end": end,
            "method": method,
            "journal_id": company._saas_revenue_journal().id,
            "income_account_id": income_account.id,
            "deferred_account_id": deferred_account.id,
            "analytic_distribution": line.analytic_distribution,
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "date": day,
                        "origin_date": move.date,
                        "amount": float(share),
                        "amount_company": float(share_company),
                    },
                )
                for (day, share), share_company in zip(lines, company_shares, strict=True)
            ],
        }

    # ------------------------------------------------------------- credits
    def _apply_credit(self, credit, credit_company, credit_move):
        """Reduce this schedule by a credit (same sign as the schedule): pro rata
        over the months still to recognize; the share matching what was already
        recognized is reversed as contra revenue by the next batch.

        Nothing already in the schedule changes: the reduction of each month is
        a new adjustment line and the reversal a new line, both dated by the
        credit note (``origin_date``), so the schedule at a date before the
        credit note is still what it was then."""
        self.ensure_one()
        digits = self.currency_id.decimal_places
        company_digits = self.company_currency_id.decimal_places
        lines = self.line_ids.filtered(lambda line: line.state != "cancelled")
        months = self._open_months(lines)
        total = sum(to_decimal(line.amount) for line in lines)
        total_company = sum(to_decimal(line.amount_company) for line in lines)
        remaining = sum(sum(to_decimal(x.amount) for x in group) for _k, group in months)
        remaining_company = sum(
            sum(to_decimal(x.amount_company) for x in group) for _k, group in months
        )
        credit, credit_company = quantize(credit, digits), quantize(credit_company, company_digits)
        if abs(credit) > abs(total) or credit * total < 0:
            raise UserError(
                self.env._(
                    "The credit note %(move)s credits %(credit)s, more than the %(total)s "
                    "left on schedule %(schedule)s.",
                    move=credit_move.display_name,
                    credit=self._format_amount(credit),
                    total=self._format_amount(total),
                    schedule=self.display_name,
                )
            )
        from_remaining, reversed_ = split_credit(credit, total, remaining, digits)
        from_remaining_company, reversed_company = split_credit(
            credit_company, total_company, remaining_company, company_digits
        )
        values = []
        if months:
            values += self._credit_adjustment_values(
                months,
                remaining - from_remaining,
                remaining_company - from_remaining_company,
                credit_move,
            )
        if reversed_ or reversed_company:
            values.append(
                {
                    "schedule_id": self.id,
                    "date": month_end(credit_move.date),
                    "origin_date": credit_move.date,
                    "amount": float(-reversed_),
                    "amount_company": float(-reversed_company),
                    "kind": "reversal",
                    "credit_move_id": credit_move.id,
                }
            )
        self.env["saas.revenue.schedule.line"].create(values)
        self.credit_move_ids = [(4, credit_move.id)]
        if credit == total:
            self.state = "cancelled"
        self.message_post(
            body=self.env._(
                "%(move)s credits %(credit)s: %(remaining)s off the months still to "
                "recognize, %(reversed)s of recognized revenue reversed.",
                move=credit_move.display_name,
                credit=self._format_amount(credit),
                remaining=self._format_amount(from_remaining),
                reversed=self._format_amount(reversed_),
            )
        )

    def _format_amount(self, amount):
        """``amount`` (in the schedule's currency) as the user reads money."""
        return format_amount(self.env, float(amount), self.currency_id)

    def _open_months(self, lines):
        """The months still to recognize: ``[((date, state, batch), lines)]``, the
        pending or held lines (planned months and their adjustments) of one
        date, state and batch, whose net still has the schedule's sign. A
        pending adjustment of a month already recognized (the credit note came
        after its batch) is not revenue to come: it stays as it is."""
        sign = -1 if self.amount < 0 else 1
        open_lines = lines.filtered(
            lambda line: line.state in ("pending", "stopped") and line.kind != "reversal"
        )
        groups = open_lines.grouped(lambda line: (line.date, line.state, line.batch_id))
        return [
            (key, group)
            for key, group in groups.items()
            if sum(to_decimal(x.amount) for x in group) * sign > 0
            or sum(to_decimal(x.amount_company) for x in group) * sign > 0
        ]

    def _credit_adjustment_values(self, months, new_total, new_total_company, credit_move):
        """One adjustment line per month still to recognize (``_open_months``),
        bringing the months to ``new_total`` pro rata. A month brought to zero is
        cancelled with its adjustment (they net to zero and leave any draft
        batch)."""
        current = [sum(to_decimal(line.amount) for line in group) for _key, group in months]
        current_company = [
            sum(to_decimal(line.amount_company) for line in group) for _key, group in months
        ]
        deltas = credit_adjustments(current, new_total, self.currency_id.decimal_places)
        deltas_company = credit_adjustments(
            current_company, new_total_company, self.company_currency_id.decimal_places
        )
        values, emptied = [], self.env["saas.revenue.schedule.line"]
        for (key, group), amount, amount_company, delta, delta_company in zip(
            months, current, current_company, deltas, deltas_company, strict=True
        ):
            if not delta and not delta_company:
                continue
            day, state, batch = key
            cleared = not (amount + delta) and not (amount_company + delta_company)
            if cleared:
                emptied |= group
            values.append(
                {
                    "schedule_id": self.id,
                    "date": day,
                    "origin_date": credit_move.date,
                    "amount": float(delta),
                    "amount_company": float(delta_company),
                    "kind": "adjustment",
                    "state": "cancelled" if cleared else state,
                    "batch_id": False if cleared else batch.id,
                    "credit_move_id": credit_move.id,
                }
            )
        emptied.write({"state": "cancelled", "batch_id": False})
        return values

    # ------------------------------------------------------------- policy
    def _stop_after(self, day):
        """A cancelled subscription: hold the months after ``day``."""
        lines = self.line_ids.filtered(
            lambda line: line.state == "pending" and line.date > month_end(day)
        )
        lines.write({"state": "stopped", "batch_id": False})
        self.filtered(lambda s: s.state == "running").state = "stopped"

    def _recognize_rest_at(self, day):
        """Recognize what is left by the month of ``day``: later months move into
        it, held months are released."""
        last = month_end(day)
        for schedule_ in self:
            lines = schedule_.line_ids.filtered(lambda line: line.state in ("pending", "stopped"))
            lines.filtered(lambda line: line.date > last).write({"date": last})
            lines.filtered(lambda line: line.state == "stopped").write({"state": "pending"})
            if schedule_.state == "stopped":
                schedule_.state = "running"

    def action_recognize_rest(self):
        """Button: recognize what a stopped schedule still holds in the next batch."""
        check_group(
            self.env, REVIEWER_GROUP, self.env._("Only a Finance Reviewer recognizes held revenue.")
        )
        self._recognize_rest_at(fields.Date.context_today(self))

    def action_view_entries(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recognition entries"),
            "res_model": "account.move",
            "domain": [("id", "in", self.line_ids.move_id.ids)],
            "views": [(False, "list"), (False, "form")],
        }

    def _refresh_state(self):
        """Running schedules with nothing left to recognize are done."""
        Line = self.env["saas.revenue.schedule.line"]
        open_counts = dict(
            Line._read_group(
                [("schedule_id", "in", self.ids), ("state", "in", ("pending", "stopped"))],
                ["schedule_id"],
                ["__count"],
            )
        )
        self.filtered(lambda s: s.state == "running" and not open_counts.get(s)).write(
            {"state": "done"}
        )

    # ------------------------------------------------------------ migration
    @api.model
    def _repair_credits_in_place(self):
        """Schedules credited before 18.0.1.1.0 had their months reduced in
        place. Give each such month back the amount its invoice planned and
        add each credit note's reduction as a *Credit adjustment* line dated
        by that credit note (same state, batch and entry as the month, so
        totals and recognized amounts do not change): the tie-out and the
        report at a date before a credit note are exact again. The split of
        a month between several credit notes is found by replaying the old
        reduction; when the replay does not give the months as they are,
        the reductions are dated by the last credit note and the schedule
        says so. Returns the schedules repaired; a second call changes
        nothing."""
        Line = self.env["saas.revenue.schedule.line"]
        repaired = self.browse()
        for schedule_ in self.search([("credit_move_ids", "!=", False)]):
            credits = schedule_.credit_move_ids.sorted(lambda m: (m.date, m.id))
            values, exact = schedule_._in_place_credit_values(credits)
            if not values:
                continue
            Line.create(values)
            repaired |= schedule_
            if not exact:
                schedule_.message_post(
                    body=self.env._(
                        "Months reduced before version 18.0.1.1.0 by %(credits)s: the split "
                        "between them could not be found again, the reductions are dated by "
                        "%(last)s.",
                        credits=", ".join(credits.mapped("display_name")),
                        last=credits[-1].display_name,
                    )
                )
        return repaired

    def _in_place_credit_values(self, credits):
        """``(adjustment lines restoring this schedule's months to the amounts
        its invoice planned, whether each is dated by its own credit note)``;
        no lines when the months have their planned amounts, or when the plan
        cannot be read again (invoice line gone, recognition method changed
        since, months not one to one)."""
        self.ensure_one()
        invoice_line = self.move_line_id
        if not invoice_line or not credits:
            return [], True
        plan_values = self._values_for_line(
            invoice_line, self.deferred_account_id, self.income_account_id
        )
        planned = [plan for _c, _i, plan in plan_values["line_ids"]]
        months = self.line_ids.filtered(lambda line: line.kind == "recognition").sorted("id")
        # The plan read again must be the schedule's own: same method (the
        # product's or company's may have changed since) and months.
        if plan_values["method"] != self.method or len(months) != len(planned):
            return [], True
        current = [to_decimal(m.amount) for m in months]
        current_company = [to_decimal(m.amount_company) for m in months]
        planned_amounts = [to_decimal(p["amount"]) for p in planned]
        planned_company = [to_decimal(p["amount_company"]) for p in planned]
        if current == planned_amounts and current_company == planned_company:
            return [], True
        split = self._in_place_credit_split(credits, months, planned_amounts, planned_company)
        exact = split is not None
        if not exact:
            split = [
                (
                    credits[-1],
                    [c - p for c, p in zip(current, planned_amounts, strict=True)],
                    [c - p for c, p in zip(current_company, planned_company, strict=True)],
                )
            ]
        # The months keep their recognition; only their amounts go back to the
        # plan. Written in SQL: a recognized line refuses changes through the
        # ORM (the audit trail), and this upgrade runs before the financial
        # lane seals these rows for the first time.
        for month, plan in zip(months, planned, strict=True):
            self.env.cr.execute(
                SQL(
                    "UPDATE saas_revenue_schedule_line SET amount = %s, amount_company = %s"
                    " WHERE id = %s",
                    plan["amount"],
                    plan["amount_company"],
                    month.id,
                )
            )
        months.invalidate_recordset(["amount", "amount_company"])
        values = []
        for credit_move, deltas, deltas_company in split:
            for month, delta, delta_company in zip(months, deltas, deltas_company, strict=True):
                if not delta and not delta_company:
                    continue
                values.append(
                    {
                        "schedule_id": self.id,
                        "date": month.date,
                        "origin_date": credit_move.date,
                        "amount": float(delta),
                        "amount_company": float(delta_company),
                        "kind": "adjustment",
                        "state": month.state,
                        "batch_id": month.batch_id.id,
                        "move_id": month.move_id.id,
                        "credit_move_id": credit_move.id,
                    }
                )
        return values, exact

    def _in_place_credit_split(self, credits, months, planned, planned_company):
        """``[(credit note, deltas, company deltas)]``: each credit note's
        reduction of each month, replayed from the planned months (a month
        was open to a credit note unless recognized by an entry dated before
        it); None when a credit note's share cannot be read or the replay
        does not end on the months as they are."""
        Line = self.env["saas.revenue.schedule.line"]
        taken, taken_company = [], []
        for credit_move in credits:
            share = self._credit_share(credit_move)
            if share is None:
                return None
            reversal = Line.search(
                [
                    ("schedule_id", "=", self.id),
                    ("kind", "=", "reversal"),
                    ("credit_move_id", "=", credit_move.id),
                ]
            )
            open_months = [
                not month.move_id or month.move_id.date >= credit_move.date for month in months
            ]
            taken.append((share[0] + sum(to_decimal(x.amount) for x in reversal), open_months))
            taken_company.append(
                (share[1] + sum(to_decimal(x.amount_company) for x in reversal), open_months)
            )
        deltas, final = in_place_reductions(planned, taken, self.currency_id.decimal_places)
        deltas_company, final_company = in_place_reductions(
            planned_company, taken_company, self.company_currency_id.decimal_places
        )
        current = [to_decimal(m.amount) for m in months]
        current_company = [to_decimal(m.amount_company) for m in months]
        if final != current or final_company != current_company:
            return None
        return list(zip(credits, deltas, deltas_company, strict=True))

    def _credit_share(self, credit_move):
        """``(amount, company amount)`` a credit note credited to this schedule
        (same sign as the schedule), or None when it split a line over several
        schedules (the split was not recorded)."""
        amount = amount_company = to_decimal(0)
        schedules = credit_move.reversed_entry_id.saas_revenue_schedule_ids
        for line in credit_move.invoice_line_ids.filtered(
            lambda line: line.account_id == self.deferred_account_id
        ):
            credited = schedules.filtered(lambda s, line=line: s.product_id == line.product_id)
            credited = credited or schedules
            if self not in credited:
                continue
            if len(credited) > 1:
                return None
            amount += to_decimal(line.amount_currency)
            amount_company += to_decimal(line.balance)
        return amount, amount_company
