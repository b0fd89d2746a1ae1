# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..lib.recognition import allocate, spans_months, to_decimal


class AccountMove(models.Model):
    _inherit = "account.move"

    saas_revenue_schedule_ids = fields.One2many(
        "saas.revenue.schedule", "move_id", string="Revenue schedules", readonly=True
    )
    saas_revenue_schedule_count = fields.Integer(compute="_compute_saas_revenue_schedule_count")
    saas_revenue_batch_id = fields.Many2one(
        "saas.revenue.batch",
        string="Recognition batch",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )

    def _compute_saas_revenue_schedule_count(self):
        counts = dict(
            self.env["saas.revenue.schedule"]._read_group(
                [("move_id", "in", self.ids)], ["move_id"], ["__count"]
            )
        )
        for move in self:
            move.saas_revenue_schedule_count = counts.get(move, 0)

    def action_view_saas_revenue_schedules(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_revenue.action_saas_revenue_schedule"
        )
        action["domain"] = [("move_id", "=", self.id)]
        if self.saas_revenue_schedule_count == 1:
            action.update(res_id=self.saas_revenue_schedule_ids.id, views=[(False, "form")])
        return action

    def action_view_saas_revenue_lines(self):
        """Drill down from a recognition entry to the schedule lines it recognized
        (by product, customer, subscription)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_revenue.action_saas_revenue_schedule_line"
        )
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {"search_default_group_subscription": 1}
        return action

    # ------------------------------------------------------------ posting
    def _post(self, soft=True):
        self._saas_revenue_check_reversal()
        self._saas_revenue_defer_lines()
        posted = super()._post(soft=soft)
        posted._saas_revenue_after_post()
        posted._saas_revenue_undo_recognitions()
        return posted

    def _saas_revenue_check_reversal(self):
        """Refuse reversing a recognition entry twice, or reversing the entry
        that reversed one: its months are recognized again by the next batch."""
        Line = self.env["saas.revenue.schedule.line"].sudo()
        for move in self.filtered(lambda m: m.state == "draft" and m.reversed_entry_id):
            origin = move.reversed_entry_id
            if Line.search_count([("move_id", "=", origin.id), ("kind", "=", "undone")], limit=1):
                raise UserError(
                    self.env._(
                        "%s reversed a revenue recognition entry: its months are recognized "
                        "again by the next recognition batch; it is not reversed.",
                        origin.display_name,
                    )
                )
            if origin.saas_revenue_batch_id and not Line.search_count(
                [("move_id", "=", origin.id), ("undone_by_id", "=", False)], limit=1
            ):
                raise UserError(
                    self.env._(
                        "The revenue recognition entry %s was already reversed.",
                        origin.display_name,
                    )
                )

    def _saas_revenue_undo_recognitions(self):
        """A posted reversal of a recognition entry (the Reverse wizard): the
        months that entry recognized are due again from the reversal's date
        (:meth:`saas.revenue.schedule.line._undo_recognition`)."""
        Line = self.env["saas.revenue.schedule.line"].sudo()
        for move in self.filtered(lambda m: m.reversed_entry_id.saas_revenue_batch_id):
            origin = move.reversed_entry_id
            lines = Line.search([("move_id", "=", origin.id), ("undone_by_id", "=", False)])
            lines._undo_recognition(move)
            origin.saas_revenue_batch_id.sudo().message_post(
                body=self.env._(
                    "%(entry)s reversed %(origin)s: its %(count)s schedule lines are recognized "
                    "again by the next batch.",
                    entry=move.display_name,
                    origin=origin.display_name,
                    count=len(lines),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _saas_revenue_credited_schedules(self, line):
        """Schedules of the invoice a credit note line credits (same product first)."""
        schedules = self.reversed_entry_id.saas_revenue_schedule_ids.filtered(
            lambda s: s.state != "cancelled"
        )
        same = schedules.filtered(lambda s: s.product_id == line.product_id)
        return same or schedules

    def _saas_revenue_defer_lines(self):
        """Before posting: book the revenue of lines with a service period beyond
        the invoice's month on the deferred revenue account."""
        for move in self.filtered(
            lambda m: m.state == "draft" and m.move_type in ("out_invoice", "out_refund")
        ):
            for line in move.invoice_line_ids.filtered(lambda line: line.display_type == "product"):
                if move.move_type == "out_refund" and move.reversed_entry_id:
                    credited = move._saas_revenue_credited_schedules(line)
                    if credited:
                        if line.account_id not in credited.deferred_account_id:
                            line.saas_revenue_income_account_id = line.account_id
                            line.account_id = credited[0].deferred_account_id
                        continue
                if not spans_months(line.saas_period_start, line.saas_period_end, move.date):
                    continue
                deferred = line._saas_revenue_deferred_account()
                if deferred and line.account_id != deferred:
                    line.saas_revenue_income_account_id = line.account_id
                    line.account_id = deferred

    def _saas_revenue_after_post(self):
        Schedule = self.env["saas.revenue.schedule"].sudo()
        values = []
        for move in self.filtered(lambda m: m.move_type in ("out_invoice", "out_refund")):
            lines = move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            if move.move_type == "out_refund" and move.reversed_entry_id:
                credit_lines = lines.filtered(
                    lambda line, m=move: (
                        line.account_id
                        in m._saas_revenue_credited_schedules(line).deferred_account_id
                    )
                )
                for line in credit_lines:
                    move._saas_revenue_apply_credit(line)
                lines -= credit_lines
            existing = Schedule.search([("move_line_id", "in", lines.ids)]).move_line_id
            for line in lines - existing:
                income = line.saas_revenue_income_account_id
                if not income or line.account_id == income:
                    continue
                values.append(Schedule._values_for_line(line, line.account_id, income))
        if values:
            Schedule.create(values)

    def _saas_revenue_apply_credit(self, line):
        """A credit note line against the schedules of the invoice it credits,
        split over them in proportion to what they still hold."""
        schedules = self._saas_revenue_credited_schedules(line)
        credit = to_decimal(line.amount_currency)
        credit_company = to_decimal(line.balance)
        weights = [
            abs(to_decimal(s.amount_remaining) + to_decimal(s.amount_recognized)) for s in schedules
        ]
        shares = allocate(credit, weights, line.currency_id.decimal_places)
        company_shares = allocate(
            credit_company, weights, self.company_id.currency_id.decimal_places
        )
        for schedule_, share, share_company in zip(schedules, shares, company_shares, strict=True):
            if share or share_company:
                schedule_._apply_credit(share, share_company, self)

    # ------------------------------------------------------------ draft
    def button_draft(self):
        posted_batches = self.saas_revenue_batch_id.filtered(lambda b: b.state == "posted")
        if posted_batches:
            raise UserError(
                self.env._(
                    "%(entries)s recognized the revenue of batch %(batches)s: it stays posted "
                    "(the schedule lines point to it). Reverse it instead.",
                    entries=", ".join(
                        self.filtered(lambda m: m.saas_revenue_batch_id in posted_batches).mapped(
                            "display_name"
                        )
                    ),
                    batches=", ".join(posted_batches.mapped("name")),
                )
            )
        undoing = (
            self.env["saas.revenue.schedule.line"]
            .sudo()
            .search([("move_id", "in", self.ids), ("kind", "=", "undone")])
        )
        if undoing:
            raise UserError(
                self.env._(
                    "%s reversed a revenue recognition entry (its months are recognized again "
                    "by the next batch): it stays posted.",
                    ", ".join(undoing.move_id.mapped("display_name")),
                )
            )
        schedules = self.saas_revenue_schedule_ids
        recognized = schedules.line_ids.filtered(lambda line: line.state == "posted")
        if recognized:
            raise UserError(
                self.env._(
                    "Revenue of %s was already recognized: issue a credit note instead of "
                    "resetting it to draft.",
                    ", ".join(recognized.schedule_id.move_id.mapped("display_name")),
                )
            )
        result = super().button_draft()
        schedules.sudo().unlink()
        for line in self.line_ids.filtered("saas_revenue_income_account_id"):
            line.account_id = line.saas_revenue_income_account_id
            line.saas_revenue_income_account_id = False
        return result


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    saas_revenue_income_account_id = fields.Many2one(
        "account.account",
        string="Income account (deferred)",
        copy=False,
        readonly=True,
        help="The income account this line's revenue is recognized to, month by month.",
    )

    def _saas_revenue_deferred_account(self):
        """Deferred revenue account of this line: its product category's, else the
        source system's ``account`` mapping ``deferred_revenue``, else the company's."""
        self.ensure_one()
        company = self.move_id.company_id
        account = self.product_id.categ_id.with_company(company).saas_revenue_deferred_account_id
        if account:
            return account
        system = self.move_id.saas_event_id.system_id
        if system:
            mapping = self.env["saas.mapping"]._find_approved(system, "account", "deferred_revenue")
            if mapping.target_ref and mapping.target_ref._name == "account.account":
                return mapping.target_ref
        return company.saas_revenue_deferred_account_id

    def _saas_revenue_adopt(self, deferred_account):
        """Give already posted invoice lines (posted before this addon or before a
        deferred account was set) their schedules: one entry moves their revenue
        from income to the deferred account at the invoice date."""
        Schedule = self.env["saas.revenue.schedule"].sudo()
        lines = self - Schedule.search([("move_line_id", "in", self.ids)]).move_line_id
        values = []
        for line in lines:
            move = line.move_id
            reclass = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "journal_id": move.company_id._saas_revenue_journal().id,
                    "date": move.date,
                    "ref": self.env._("Deferral of %s", move.name),
                    "line_ids": [
                        Command.create(
                            {
                                "name": line.name,
                                "account_id": line.account_id.id,
                                "currency_id": line.currency_id.id,
                                "amount_currency": -line.amount_currency,
                                "balance": -line.balance,
                                "analytic_distribution": line.analytic_distribution,
                            }
                        ),
                        Command.create(
                            {
                                "name": line.name,
                                "account_id": deferred_account.id,
                                "currency_id": line.currency_id.id,
                                "amount_currency": line.amount_currency,
                                "balance": line.balance,
                            }
                        ),
                    ],
                }
            )
            reclass.action_post()
            values.append(Schedule._values_for_line(line, deferred_account, line.account_id))
        return Schedule.create(values)

    @api.model
    def _saas_revenue_past_lines(self, company, day):
        """Invoice lines of the suite's subscriptions posted by ``day`` with a
        service period beyond their invoice's month that kept their revenue in
        income (posted before a deferred revenue account was set) and have no
        schedule. An invoice already credited is left out: its credit note
        booked its reduction in income too."""
        lines = self.search(
            [
                ("company_id", "=", company.id),
                ("date", "<=", day),
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "=", "out_invoice"),
                ("move_id.saas_subscription_id", "!=", False),
                ("display_type", "=", "product"),
                ("saas_period_start", "!=", False),
                ("saas_period_end", "!=", False),
                ("saas_revenue_income_account_id", "=", False),
            ]
        )
        scheduled = (
            self.env["saas.revenue.schedule"].sudo().search([("move_line_id", "in", lines.ids)])
        )
        return (lines - scheduled.move_line_id).filtered(
            lambda line: (
                spans_months(line.saas_period_start, line.saas_period_end, line.date)
                and not line.move_id.reversal_move_ids.filtered(lambda m: m.state == "posted")
            )
        )

    def _saas_revenue_defer_past(self, day):
        """Defer the part of these posted lines not yet earned at ``day``: their
        schedules (the months after ``day``, in the books from the entry's
        date) and one entry moving that part from income to the deferred
        revenue account, dated ``day`` or the first open date after the lock
        dates. Lines with a schedule, no deferred account or nothing left to
        earn are left as they are. Returns ``(entry, schedules)``."""
        Schedule = self.env["saas.revenue.schedule"].sudo()
        if not self:
            return self.env["account.move"], Schedule
        company = self.company_id
        company.ensure_one()
        entry_date, lock = company._saas_revenue_first_open_date(day)
        lines = self - Schedule.search([("move_line_id", "in", self.ids)]).move_line_id
        values, entry_lines = [], []
        for line in lines:
            deferred = line._saas_revenue_deferred_account()
            if not deferred or deferred == line.account_id:
                continue
            vals = Schedule._values_for_line(line, deferred, line.account_id)
            months = [
                {**month, "origin_date": entry_date}
                for _c, _i, month in vals["line_ids"]
                if month["date"] > day
            ]
            if not months:
                continue
            amount = sum(to_decimal(month["amount"]) for month in months)
            amount_company = sum(to_decimal(month["amount_company"]) for month in months)
            vals.update(
                amount=float(amount),
                amount_company=float(amount_company),
                date_start=max(vals["date_start"], day + timedelta(days=1)),
                line_ids=[Command.create(month) for month in months],
            )
            values.append(vals)
            common = {"name": line.name, "currency_id": line.currency_id.id}
            entry_lines += [
                Command.create(
                    {
                        **common,
                        "account_id": line.account_id.id,
                        "partner_id": line.partner_id.id,
                        "amount_currency": float(amount),
                        "balance": float(amount_company),
                        "analytic_distribution": line.analytic_distribution,
                    }
                ),
                Command.create(
                    {
                        **common,
                        "account_id": deferred.id,
                        "partner_id": line.partner_id.id,
                        "amount_currency": float(-amount),
                        "balance": float(-amount_company),
                    }
                ),
            ]
        if not values:
            return self.env["account.move"], Schedule
        ref = self.env._("Deferral of revenue invoiced before %s not yet earned", day)
        if lock:
            ref = self.env._(
                "%(ref)s (locked until %(lock)s: dated %(date)s)",
                ref=ref,
                lock=lock[0],
                date=entry_date,
            )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": company._saas_revenue_journal().id,
                "company_id": company.id,
                "date": entry_date,
                "ref": ref,
                "line_ids": entry_lines,
            }
        )
        entry.action_post()
        return entry, Schedule.create(values)
