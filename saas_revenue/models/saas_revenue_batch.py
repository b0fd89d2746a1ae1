# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import threading
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.saas_sync.const import REVIEWER_GROUP
from odoo.addons.saas_sync.tools import check_group

from ..lib.recognition import month_end, to_decimal

_logger = logging.getLogger(__name__)

STATES = [
    ("draft", "Draft"),
    ("approved", "Approved"),
    ("posted", "Posted"),
    ("cancelled", "Cancelled"),
]
CHUNK_PARAM = "saas_revenue.batch_chunk_size"
DEFAULT_CHUNK = 20000
LOCK_LABELS = {
    "fiscalyear_lock_date": "fiscal year lock date",
    "tax_lock_date": "tax lock date",
    "sale_lock_date": "sales lock date",
    "purchase_lock_date": "purchase lock date",
    "hard_lock_date": "hard lock date",
}
# The lock dates a recognition entry respects, whatever its journal (a
# miscellaneous one, which Odoo checks against the fiscal year and hard lock
# dates only): recognized revenue is sales revenue, so the sales lock date
# closes it too; the tax lock date as well (the closed tax periods stay
# untouched); the purchase lock date is not about revenue.
RECOGNITION_LOCKS = {"fiscalyear": True, "sale": True, "tax": True, "hard": True, "purchase": False}


class SaasRevenueBatch(models.Model):
    _name = "saas.revenue.batch"
    _description = "Revenue recognition batch"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True, default=lambda s: s.env.company
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        string="Month end", required=True, readonly=True, help="Recognizes what is due up to it."
    )
    accounting_date = fields.Date(
        readonly=True, help="Date of the entries: the month end, or the first open month."
    )
    lock_note = fields.Char(string="Lock date", readonly=True)
    state = fields.Selection(STATES, default="draft", required=True, tracking=True, index=True)
    line_ids = fields.One2many("saas.revenue.schedule.line", "batch_id", readonly=True)
    line_count = fields.Integer(compute="_compute_totals")
    amount_company = fields.Monetary(
        compute="_compute_totals", currency_field="company_currency_id", string="Recognized"
    )
    move_ids = fields.One2many("account.move", "saas_revenue_batch_id", readonly=True)
    error = fields.Text(readonly=True, help="Why the last posting attempt failed.")
    approved_by_id = fields.Many2one("res.users", readonly=True)

    def _compute_totals(self):
        totals = {
            batch: (count, amount)
            for batch, count, amount in self.env["saas.revenue.schedule.line"]._read_group(
                [("batch_id", "in", self.ids)], ["batch_id"], ["__count", "amount_company:sum"]
            )
        }
        for batch in self:
            batch.line_count, batch.amount_company = totals.get(batch, (0, 0.0))

    # ---------------------------------------------------------------- build
    @api.model
    def _build(self, company, day, limit=None):
        """The batch of ``company`` recognizing what is due up to the end of the
        month of ``day`` (at most ``limit`` schedule lines, the earliest first:
        the cron's chunk); an empty recordset when nothing is due (a second run).
        A line is due once its month has come and its document is in the books
        (``origin_date``), so a batch never recognizes a credit note's
        adjustment before the credit note's date."""
        day = month_end(day)
        Line = self.env["saas.revenue.schedule.line"]
        Line.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM saas_revenue_schedule_line
                    WHERE company_id = %s AND state = 'pending' AND batch_id IS NULL
                      AND date <= %s AND origin_date <= %s
                 ORDER BY date, id
                    LIMIT %s""",
                company.id,
                day,
                day,
                limit,
            )
        )
        line_ids = [row[0] for row in self.env.cr.fetchall()]
        if not line_ids:
            return self.browse()
        batch = self.sudo().create(
            {
                "name": self.env._("Revenue %(month)s", month=day.strftime("%Y-%m")),
                "company_id": company.id,
                "date": day,
            }
        )
        self.env.cr.execute(
            SQL(
                "UPDATE saas_revenue_schedule_line SET batch_id = %s WHERE id = ANY(%s)",
                batch.id,
                line_ids,
            )
        )
        Line.invalidate_model(["batch_id"])
        batch.invalidate_recordset(["line_ids"])
        batch._compute_accounting_date()
        return batch

    def _compute_accounting_date(self):
        """The month end, unless a lock date closes it: then the end of the first
        open month, and the batch says why."""
        for batch in self:
            day, reasons = batch.date, []
            while True:
                locks = batch.company_id._get_lock_date_violations(day, **RECOGNITION_LOCKS)
                if not locks:
                    break
                lock_day, field = max(locks)
                reasons.append((lock_day, field))
                day = month_end(lock_day + timedelta(days=1))
            note = False
            if day != batch.date:
                lock_day, field = reasons[-1]
                note = self.env._(
                    "%(month)s is locked (%(lock)s %(date)s): recognized on %(day)s.",
                    month=batch.date.strftime("%Y-%m"),
                    lock=LOCK_LABELS.get(field, field),
                    date=lock_day,
                    day=day,
                )
            batch.write({"accounting_date": day, "lock_note": note})

    @api.model
    def _cron_build_batches(self, day=None):
        """Monthly: build (and, where the company says so, post) the batches of
        the month that just ended, in chunks committed one by one."""
        day = day or (fields.Date.context_today(self).replace(day=1) - timedelta(days=1))
        companies = self.env["res.company"].search(
            [("saas_revenue_deferred_account_id", "!=", False)]
        )
        testing = getattr(threading.current_thread(), "testing", False)
        self._recognize_due(companies, day, commit=not testing)
        return True

    @api.model
    def _chunk_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param(CHUNK_PARAM)
        try:
            size = int(value or DEFAULT_CHUNK)
        except ValueError:
            _logger.warning("%s is not a number (%r): using %s", CHUNK_PARAM, value, DEFAULT_CHUNK)
            return DEFAULT_CHUNK
        return max(size, 1)

    @api.model
    def _count_due(self, companies, day):
        self.env["saas.revenue.schedule.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT COUNT(*) FROM saas_revenue_schedule_line
                    WHERE company_id = ANY(%s) AND state = 'pending' AND batch_id IS NULL
                      AND date <= %s AND origin_date <= %s""",
                companies.ids,
                month_end(day),
                month_end(day),
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _recognize_due(self, companies, day, chunk_size=None, commit=False):
        """Build the batches of ``companies`` for the month of ``day``, a chunk
        of at most ``chunk_size`` schedule lines at a time: each chunk is a whole
        batch (built, and posted when the company auto-posts) or nothing. With
        ``commit`` (the cron's own cursor) each chunk is committed and the
        cron's progress notified, so an interrupted run keeps what it finished
        and a new run carries on from there: lines already in a batch are never
        taken again. A batch that fails to post stops its company's run (the
        batch says why and the reviewers have an activity). Returns the batches."""
        chunk_size = chunk_size or self._chunk_size()
        Cron = self.env["ir.cron"]
        batches, done = self.browse(), 0
        for company in companies:
            while True:
                batch = self._build(company, day, limit=chunk_size)
                if not batch:
                    break
                batches |= batch
                if company.saas_revenue_auto_post:
                    batch.with_context(saas_revenue_auto=True)._approve()
                    batch._post_batch()
                done += batch.line_count
                Cron._notify_progress(done=done, remaining=self._count_due(companies, day))
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                if batch.state == "approved":  # posting failed: leave the rest for later
                    break
        return batches

    # ------------------------------------------------------------- actions
    def _check_reviewer(self):
        check_group(
            self.env,
            REVIEWER_GROUP,
            self.env._("Only a Finance Reviewer approves or posts revenue batches."),
        )
        # Posting and cancelling run with sudo or SQL: the batches must be the
        # reviewer's to change (their companies').
        self.check_access("write")

    def action_approve(self):
        self._check_reviewer()
        self._approve()

    def _approve(self):
        for batch in self:
            if batch.state != "draft":
                raise UserError(self.env._("Only a draft batch is approved."))
        self.write({"state": "approved", "approved_by_id": self.env.uid})

    def action_post(self):
        self._check_reviewer()
        if any(batch.state != "approved" for batch in self):
            raise UserError(self.env._("Approve the batch before posting it."))
        self._post_batch()

    def action_approve_and_post(self):
        self.action_approve()
        self._post_batch()

    def action_cancel(self):
        self._check_reviewer()
        if any(batch.state == "posted" for batch in self):
            raise UserError(
                self.env._("A posted batch is reversed through its entries, not cancelled.")
            )
        self.env.cr.execute(
            SQL(
                "UPDATE saas_revenue_schedule_line SET batch_id = NULL WHERE batch_id = ANY(%s)",
                self.ids,
            )
        )
        self.env["saas.revenue.schedule.line"].invalidate_model(["batch_id"])
        self.write({"state": "cancelled"})

    def action_view_entries(self):
        self.ensure_one()
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Recognition entries"),
            "res_model": "account.move",
            "domain": [("id", "in", self.move_ids.ids)],
            "views": [(False, "list"), (False, "form")],
        }
        if len(self.move_ids) == 1:
            action.update(res_id=self.move_ids.id, views=[(False, "form")])
        return action

    def action_view_journal_items(self):
        """The journal items of the batch's entries, in a list: Community hides
        the Journal Items tab of an entry's form."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Journal items of %s", self.name),
            "res_model": "account.move.line",
            "domain": [("move_id", "in", self.move_ids.ids)],
            "views": [(False, "list"), (False, "form")],
            "context": {"search_default_group_by_move": len(self.move_ids) > 1},
        }

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_revenue.action_saas_revenue_schedule_line"
        )
        action["domain"] = [("batch_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------- posting
    def _post_batch(self):
        """Post the grouped entries; on failure nothing is posted, the batch says
        why and the reviewers get an activity."""
        for batch in self.sudo():
            try:
                with self.env.cr.savepoint():
                    batch._compute_accounting_date()
                    moves = batch._create_entries()
                    moves._post(soft=False)
                    batch._mark_recognized(moves)
                    batch.write({"state": "posted", "error": False})
            except (UserError, ValueError) as error:
                batch._fail(error)

    def _aggregate(self):
        """One row per (journal, income account, analytic, currency) and per
        (journal, deferred account, currency), summed in SQL."""
        self.ensure_one()
        self.env["saas.revenue.schedule.line"].flush_model()
        self.env["saas.revenue.schedule"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT s.journal_id, s.income_account_id, s.deferred_account_id,
                          s.analytic_distribution::text, l.currency_id,
                          SUM(l.amount), SUM(l.amount_company), COUNT(*)
                     FROM saas_revenue_schedule_line l
                     JOIN saas_revenue_schedule s ON s.id = l.schedule_id
                    WHERE l.batch_id = %s AND l.state = 'pending'
                 GROUP BY s.journal_id, s.income_account_id, s.deferred_account_id,
                          s.analytic_distribution::text, l.currency_id
                 ORDER BY 1, 2, 3, 4, 5""",
                self.id,
            )
        )
        return self.env.cr.fetchall()

    def _create_entries(self):
        self.ensure_one()
        rows = self._aggregate()
        if not rows:
            raise UserError(self.env._("The batch has nothing left to recognize."))
        by_journal = {}
        for journal_id, income, deferred, analytic, currency_id, amount, amount_co, count in rows:
            entry = by_journal.setdefault(journal_id, {"income": {}, "deferred": {}, "count": 0})
            entry["count"] += count
            key = (income, analytic, currency_id)
            entry["income"][key] = [
                a + to_decimal(b)
                for a, b in zip(entry["income"].get(key, [0, 0]), (amount, amount_co), strict=True)
            ]
            dkey = (deferred, currency_id)
            entry["deferred"][dkey] = [
                a + to_decimal(b)
                for a, b in zip(
                    entry["deferred"].get(dkey, [0, 0]), (amount, amount_co), strict=True
                )
            ]
        values = []
        for journal_id, entry in by_journal.items():
            lines = []
            for (income, analytic, currency_id), (amount, amount_co) in entry["income"].items():
                if amount or amount_co:
                    lines.append(
                        {
                            "name": self.env._(
                                "Recognized revenue %s", self.date.strftime("%Y-%m")
                            ),
                            "account_id": income,
                            "currency_id": currency_id,
                            "amount_currency": float(-amount),
                            "balance": float(-amount_co),
                            "analytic_distribution": json.loads(analytic) if analytic else False,
                        }
                    )
            for (deferred, currency_id), (amount, amount_co) in entry["deferred"].items():
                if amount or amount_co:
                    lines.append(
                        {
                            "name": self.env._(
                                "Deferred revenue released %s", self.date.strftime("%Y-%m")
                            ),
                            "account_id": deferred,
                            "currency_id": currency_id,
                            "amount_currency": float(amount),
                            "balance": float(amount_co),
                        }
                    )
            values.append(
                {
                    "move_type": "entry",
                    "journal_id": journal_id,
                    "company_id": self.company_id.id,
                    "date": self.accounting_date,
                    "ref": " - ".join(filter(None, [self.name, self.lock_note])),
                    "saas_revenue_batch_id": self.id,
                    "line_ids": [(0, 0, line) for line in lines],
                }
            )
        return self.env["account.move"].create(values)

    def _mark_recognized(self, moves):
        """Set-based: each schedule line links to the entry of its journal."""
        for move in moves:
            self.env.cr.execute(
                SQL(
                    """UPDATE saas_revenue_schedule_line l
                          SET state = 'posted', move_id = %s
                         FROM saas_revenue_schedule s
                        WHERE s.id = l.schedule_id AND l.batch_id = %s
                          AND l.state = 'pending' AND s.journal_id = %s""",
                    move.id,
                    self.id,
                    move.journal_id.id,
                )
            )
        # Schedules whose lines are all recognized (or cancelled) are done: one
        # pass over the lines of the batch's schedules, grouped (a correlated
        # NOT EXISTS probes the state index once per schedule, which a planner
        # without fresh statistics turns into minutes on 10,000 schedules).
        self.env.cr.execute(
            SQL(
                """UPDATE saas_revenue_schedule s SET state = 'done'
                     FROM (SELECT l.schedule_id
                             FROM saas_revenue_schedule_line l
                            WHERE l.schedule_id IN (SELECT schedule_id
                                                      FROM saas_revenue_schedule_line
                                                     WHERE batch_id = %s)
                         GROUP BY l.schedule_id
                           HAVING COUNT(*) FILTER (WHERE l.state IN ('pending', 'stopped')) = 0
                          ) finished
                    WHERE s.id = finished.schedule_id AND s.state = 'running'""",
                self.id,
            )
        )
        self.env["saas.revenue.schedule.line"].invalidate_model(["state", "move_id"])
        self.env["saas.revenue.schedule"].invalidate_model(
            ["state", "amount_recognized", "amount_remaining"]
        )

    def _fail(self, error):
        message = str(error.args[0] if error.args else error)
        self.write({"error": message})
        self.message_post(
            body=self.env._("Posting failed, nothing was posted: %s", message),
            subtype_xmlid="mail.mt_note",
        )
        reviewers = self.env.ref(REVIEWER_GROUP).users.filtered(lambda u: not u.share)
        for user in reviewers:
            self.activity_schedule(
                "saas_revenue.mail_activity_revenue_batch_failed",
                summary=self.env._("Revenue batch %s failed", self.name),
                note=message,
                user_id=user.id,
            )
        _logger.warning("Revenue batch %s failed: %s", self.name, message)
