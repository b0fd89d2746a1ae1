# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.recognition import month_end


class SaasRevenueReport(models.TransientModel):
    """Deferred revenue report, one row per schedule, for a period: Total,
    Not started, Recognized before, Recognized this period and Later (company
    currency), as Odoo Enterprise's deferred revenue report shows them.

    The schedules are read as they stood at the end of the period: a line
    counts from its ``origin_date`` (the invoice's, a credit note's for its
    adjustments and reversals), so a credit note issued later does not change
    a past period's report."""

    _name = "saas.revenue.report"
    _description = "Deferred revenue report"
    _rec_name = "schedule_id"

    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(required=True, readonly=True)
    schedule_id = fields.Many2one("saas.revenue.schedule", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    subscription_id = fields.Many2one("saas.subscription", readonly=True)
    total = fields.Monetary(readonly=True)
    not_started = fields.Monetary(readonly=True)
    before = fields.Monetary(string="Recognized before", readonly=True)
    current = fields.Monetary(string="Recognized this period", readonly=True)
    later = fields.Monetary(readonly=True)

    @api.model
    def _generate(self, date_from, date_to, company_ids=None):
        """Insert the rows of the period in one statement; returns their domain."""
        date_to = month_end(date_to)
        company_ids = company_ids or self.env.companies.ids
        self.env["saas.revenue.schedule.line"].flush_model()
        self.env["saas.revenue.schedule"].flush_model()
        self.env.cr.execute(
            SQL(
                """INSERT INTO saas_revenue_report
                          (create_uid, write_uid, create_date, write_date, date_from, date_to,
                           schedule_id, company_id, currency_id, partner_id, product_id,
                           subscription_id, total, not_started, before, current, later)
                   SELECT %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC',
                          %(from)s, %(to)s, s.id, s.company_id, c.currency_id, s.partner_id,
                          s.product_id, s.subscription_id, SUM(l.amount_company),
                          CASE WHEN s.date_start > %(to)s THEN SUM(l.amount_company) ELSE 0 END,
                          SUM(CASE WHEN s.date_start <= %(to)s AND l.date < %(from)s
                                   THEN l.amount_company ELSE 0 END),
                          SUM(CASE WHEN s.date_start <= %(to)s
                                    AND l.date BETWEEN %(from)s AND %(to)s
                                   THEN l.amount_company ELSE 0 END),
                          SUM(CASE WHEN s.date_start <= %(to)s AND l.date > %(to)s
                                   THEN l.amount_company ELSE 0 END)
                     FROM saas_revenue_schedule s
                     JOIN res_company c ON c.id = s.company_id
                     JOIN saas_revenue_schedule_line l ON l.schedule_id = s.id
                    WHERE s.company_id = ANY(%(companies)s) AND l.origin_date <= %(to)s
                 GROUP BY s.id, c.currency_id
                RETURNING id""",
                uid=self.env.uid,
                companies=list(company_ids),
                **{"from": date_from, "to": date_to},
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return [("id", "in", ids)]


class SaasRevenueReportWizard(models.TransientModel):
    _name = "saas.revenue.report.wizard"
    _description = "Deferred revenue report period"

    date_from = fields.Date(
        required=True, default=lambda s: fields.Date.context_today(s).replace(day=1)
    )
    date_to = fields.Date(required=True, default=lambda s: month_end(fields.Date.context_today(s)))

    def action_open(self):
        self.ensure_one()
        domain = self.env["saas.revenue.report"]._generate(self.date_from, self.date_to)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_revenue.action_saas_revenue_report_rows"
        )
        action["domain"] = domain
        action["name"] = self.env._(
            "Deferred revenue %(start)s .. %(end)s", start=self.date_from, end=self.date_to
        )
        return action
