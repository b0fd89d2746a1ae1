# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.saas_sync.const import REVIEWER_GROUP
from odoo.addons.saas_sync.tools import check_group

from ..lib.recognition import month_end, month_start


def _last_month_end(wizard):
    return fields.Date.context_today(wizard).replace(day=1) - timedelta(days=1)


class SaasRevenueBatchBuild(models.TransientModel):
    _name = "saas.revenue.batch.build"
    _description = "Build a revenue recognition batch"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda s: s.env.company, readonly=True
    )
    date = fields.Date(
        string="Month",
        required=True,
        default=_last_month_end,
        help="Recognizes what is due up to the end of this date's month.",
    )
    month_open = fields.Boolean(
        compute="_compute_warnings",
        help="The month has not ended: its revenue is not fully earned yet.",
    )
    confirm_open_month = fields.Boolean(
        string="Recognize a month that has not ended",
        help="Tick to build the batch of the current (or a future) month all the same.",
    )
    earlier_months = fields.Char(
        compute="_compute_warnings",
        help="Earlier months with revenue due and no batch: one batch would sweep them in.",
    )

    @api.depends("date", "company_id")
    def _compute_warnings(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            wizard.month_open = bool(wizard.date) and month_end(wizard.date) >= today
            months = wizard._earlier_months() if wizard.date and wizard.company_id else []
            wizard.earlier_months = ", ".join(month.strftime("%Y-%m") for month in months)

    def _earlier_months(self):
        """The months before the chosen one whose due revenue is in no batch
        yet (a line is due in the month of its date, or of its document's date
        when that is later)."""
        self.ensure_one()
        end = month_end(self.date)
        self.env["saas.revenue.schedule.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT date_trunc('month', GREATEST(date, origin_date))::date
                     FROM saas_revenue_schedule_line
                    WHERE company_id = %s AND state = 'pending' AND batch_id IS NULL
                      AND date <= %s AND origin_date <= %s
                      AND GREATEST(date, origin_date) < %s
                 ORDER BY 1""",
                self.company_id.id,
                end,
                end,
                month_start(self.date),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _check_can_build(self):
        self.ensure_one()
        check_group(
            self.env, REVIEWER_GROUP, self.env._("Only a Finance Reviewer builds revenue batches.")
        )
        if self.month_open and not self.confirm_open_month:
            raise UserError(
                self.env._(
                    '%(month)s has not ended: its revenue is not earned yet. Tick "Recognize a '
                    'month that has not ended" to build its batch all the same.',
                    month=self.date.strftime("%Y-%m"),
                )
            )

    def action_build(self):
        """One batch for everything due up to the month's end (earlier months
        with no batch included)."""
        self._check_can_build()
        earlier = self.earlier_months
        batch = self.env["saas.revenue.batch"].sudo()._build(self.company_id, self.date)
        if batch and earlier:
            batch.message_post(
                body=self.env._(
                    "Also recognizes the revenue due in %(months)s, months with no batch of "
                    "their own, on the entry of %(month)s.",
                    months=earlier,
                    month=self.date.strftime("%Y-%m"),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return self._open(batch)

    def action_build_per_month(self):
        """One batch per month: each earlier month with no batch gets its own,
        dated at its own end, then the chosen month."""
        self._check_can_build()
        Batch = self.env["saas.revenue.batch"].sudo()
        batches = Batch.browse()
        for month in [*self._earlier_months(), self.date]:
            batches |= Batch._build(self.company_id, month)
        return self._open(batches)

    def _open(self, batches):
        if not batches:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._("Nothing is due: no batch was created."),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        if len(batches) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "saas.revenue.batch",
                "res_id": batches.id,
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recognition batches"),
            "res_model": "saas.revenue.batch",
            "domain": [("id", "in", batches.ids)],
            "views": [(False, "list"), (False, "form")],
        }
