# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL


class SaasRevenueWaterfall(models.Model):
    """Monthly movements of the deferred revenue accounts, read from the ledger:
    opening, additions (invoices), reversed (credit notes and voids),
    recognized (recognition entries) and closing."""

    _name = "saas.revenue.waterfall"
    _rec_name = "month"
    _description = "Deferred revenue waterfall"
    _auto = False
    _order = "company_id, month"

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    opening = fields.Monetary(readonly=True)
    additions = fields.Monetary(readonly=True)
    reversed = fields.Monetary(readonly=True)
    recognized = fields.Monetary(readonly=True)
    closing = fields.Monetary(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE VIEW %s AS (
            WITH deferred AS (
                SELECT deferred_account_id AS account_id, company_id
                  FROM saas_revenue_schedule GROUP BY 1, 2
            ), moves AS (
                SELECT date_trunc('month', aml.date)::date AS month, aml.company_id,
                       SUM(CASE WHEN m.saas_revenue_batch_id IS NULL AND aml.balance < 0
                                THEN -aml.balance ELSE 0 END) AS additions,
                       SUM(CASE WHEN m.saas_revenue_batch_id IS NULL AND aml.balance > 0
                                THEN aml.balance ELSE 0 END) AS reversed,
                       SUM(CASE WHEN m.saas_revenue_batch_id IS NOT NULL
                                THEN aml.balance ELSE 0 END) AS recognized,
                       -SUM(aml.balance) AS net
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                  JOIN deferred d ON d.account_id = aml.account_id
                                 AND d.company_id = aml.company_id
                 WHERE aml.parent_state = 'posted'
              GROUP BY 1, 2
            )
            SELECT ROW_NUMBER() OVER (ORDER BY moves.company_id, moves.month) AS id,
                   moves.month, moves.company_id, c.currency_id,
                   SUM(net) OVER w - net AS opening,
                   additions, reversed, recognized,
                   SUM(net) OVER w AS closing
              FROM moves JOIN res_company c ON c.id = moves.company_id
            WINDOW w AS (PARTITION BY moves.company_id ORDER BY moves.month)
            )""",
                SQL.identifier(self._table),
            )
        )
