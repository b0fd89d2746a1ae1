# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools


class SaasBookingMrrReport(models.Model):
    """Bookings (each contract year of the closed-won deals, in the month it
    starts: a 3-year deal books a third of its amount at its close date and
    at each anniversary) beside the new MRR the billing platform started
    (``new`` movements by date), per month and company, in the company
    currency. A deal counts once, in the month of its close date."""

    _name = "saas.booking.mrr.report"
    _rec_name = "month"
    _description = "Bookings vs new MRR"
    _auto = False
    _order = "month desc"

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    bookings = fields.Monetary(readonly=True)
    deal_count = fields.Integer(string="Deals", readonly=True)
    new_mrr = fields.Monetary(string="New MRR", readonly=True)
    new_arr = fields.Monetary(string="New ARR", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""CREATE VIEW {self._table} AS (
                SELECT row_number() OVER (ORDER BY facts.month, facts.company_id) AS id,
                       facts.month, facts.company_id, company.currency_id,
                       SUM(facts.bookings) AS bookings,
                       SUM(facts.deal_count) AS deal_count,
                       SUM(facts.new_mrr) AS new_mrr,
                       SUM(facts.new_mrr) * 12 AS new_arr
                  FROM (
                        SELECT date_trunc('month', booking.date_start)::date AS month,
                               deal.company_id, booking.amount_company AS bookings,
                               CASE WHEN booking.year = 1 THEN 1 ELSE 0 END AS deal_count,
                               0 AS new_mrr
                          FROM saas_booked_deal_year booking
                          JOIN saas_booked_deal deal ON deal.id = booking.deal_id
                         WHERE deal.state NOT IN ('cancelled', 'deleted')
                        UNION ALL
                        SELECT date_trunc('month', date)::date, company_id,
                               0, 0, delta_company
                          FROM saas_mrr_movement
                         WHERE movement_type = 'new'
                       ) AS facts
                  JOIN res_company company ON company.id = facts.company_id
              GROUP BY facts.month, facts.company_id, company.currency_id
            )"""
        )
