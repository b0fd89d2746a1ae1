# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_amount

from odoo.addons.saas_sync.const import REVIEWER_GROUP


class ResCompany(models.Model):
    _inherit = "res.company"

    saas_revenue_tieout_alert_open = fields.Boolean(
        readonly=True, help="The deferred revenue tie-out differs: an alert is open."
    )


class SaasMonitor(models.AbstractModel):
    _inherit = "saas.monitor"

    @api.model
    def _revenue_tieout(self, day=None, company_ids=None):
        """Per company: the deferred revenue accounts' balance and the amount the
        schedules still held at the end of ``day`` (default today): the lines in the
        books by then (``origin_date``: the invoice's date, a credit note's for its
        adjustments and reversals; cancelled months with their adjustments net to
        zero) not recognized by an entry dated on or before it. The same rule as
        ``lib.recognition.unrecognized_at``."""
        day = day or fields.Date.context_today(self)
        company_ids = company_ids or self.env.companies.ids
        self.env["account.move.line"].flush_model()
        self.env["saas.revenue.schedule.line"].flush_model()
        self.env["saas.revenue.schedule"].flush_model()
        self.env.cr.execute(
            SQL(
                """WITH accounts AS (
                       SELECT DISTINCT company_id, deferred_account_id AS account_id
                         FROM saas_revenue_schedule WHERE company_id = ANY(%(companies)s)
                       UNION
                       SELECT id, saas_revenue_deferred_account_id FROM res_company
                        WHERE id = ANY(%(companies)s)
                          AND saas_revenue_deferred_account_id IS NOT NULL
                   ), ledger AS (
                       SELECT a.company_id, -SUM(aml.balance) AS deferred
                         FROM account_move_line aml
                         JOIN accounts a ON a.account_id = aml.account_id
                                        AND a.company_id = aml.company_id
                        WHERE aml.parent_state = 'posted' AND aml.date <= %(day)s
                     GROUP BY 1
                   ), schedules AS (
                       SELECT l.company_id, SUM(l.amount_company) AS unrecognized
                         FROM saas_revenue_schedule_line l
                    LEFT JOIN account_move rec ON rec.id = l.move_id
                        WHERE l.company_id = ANY(%(companies)s) AND l.origin_date <= %(day)s
                          AND (l.move_id IS NULL OR rec.date > %(day)s)
                     GROUP BY 1
                   )
                   SELECT c.id, COALESCE(ledger.deferred, 0), COALESCE(schedules.unrecognized, 0)
                     FROM res_company c
                LEFT JOIN ledger ON ledger.company_id = c.id
                LEFT JOIN schedules ON schedules.company_id = c.id
                    WHERE c.id = ANY(%(companies)s)
                      AND (ledger.company_id IS NOT NULL OR schedules.company_id IS NOT NULL)
                 ORDER BY c.id""",
                companies=list(company_ids),
                day=day,
            )
        )
        result = []
        for company_id, deferred, unrecognized in self.env.cr.fetchall():
            company = self.env["res.company"].browse(company_id)
            currency = company.currency_id
            row = {
                "company_id": company_id,
                "company": company.name,
                "deferred": currency.round(deferred),
                "unrecognized": currency.round(unrecognized),
                "difference": currency.round(deferred - unrecognized),
                "balanced": currency.is_zero(deferred - unrecognized),
            }
            # what the screens and messages show: the company's format and currency
            for key in ("deferred", "unrecognized", "difference"):
                row[f"{key}_display"] = format_amount(self.env, row[key], currency)
            result.append(row)
        return result

    @api.model
    def get_dashboard_data(self):
        data = super().get_dashboard_data()
        data["revenue_tieout"] = self._revenue_tieout()
        return data

    @api.model
    def _cron_check_alerts(self):
        result = super()._cron_check_alerts()
        self._check_revenue_tieout()
        return result

    @api.model
    def _check_revenue_tieout(self):
        """Alert the reviewers once per incident when a company's deferred revenue
        accounts and its schedules differ; close the alert when they agree again."""
        companies = self.env["res.company"].sudo().search([("active", "=", True)])
        rows = {row["company_id"]: row for row in self._revenue_tieout(company_ids=companies.ids)}
        for company in companies:
            row = rows.get(company.id)
            firing = bool(row) and not row["balanced"]
            if firing and not company.saas_revenue_tieout_alert_open:
                company.saas_revenue_tieout_alert_open = True
                message = self.env._(
                    "Deferred revenue of %(company)s does not tie out: the accounts hold "
                    "%(deferred)s, the schedules %(unrecognized)s (difference %(diff)s).",
                    company=company.name,
                    deferred=row["deferred_display"],
                    unrecognized=row["unrecognized_display"],
                    diff=row["difference_display"],
                )
                target = company.partner_id
                target.message_post(body=message, subtype_xmlid="mail.mt_note")
                for user in self.env.ref(REVIEWER_GROUP).users.filtered(lambda u: not u.share):
                    target.activity_schedule(
                        "saas_sync.mail_activity_saas_alert",
                        summary=self.env._("SaaS alert: deferred revenue tie-out"),
                        note=message,
                        user_id=user.id,
                    )
            elif not firing and company.saas_revenue_tieout_alert_open:
                company.saas_revenue_tieout_alert_open = False
                message = self.env._("Deferred revenue of %s ties out again.", company.name)
                company.partner_id.message_post(body=message, subtype_xmlid="mail.mt_note")
                company.partner_id.activity_ids.filtered(
                    lambda a: a.summary == self.env._("SaaS alert: deferred revenue tie-out")
                ).action_feedback(feedback=message)
