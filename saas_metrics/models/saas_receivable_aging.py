# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools

from ..lib.metrics import AGING_BUCKETS


class SaasReceivableAging(models.Model):
    """Open receivables of posted customer documents by days past due, as of
    today (a PostgreSQL view over the journal items). A payment not applied to
    an invoice is a customer credit: a negative row, aged from its date, as
    the receivables that the DSO reads count it."""

    _name = "saas.receivable.aging"
    _description = "Receivables Aging"
    _auto = False
    _order = "date_due, id"
    # The row is named after its document's number, a plain column of the
    # view: readers of the aging who may not read journal entries (support,
    # finance reviewers) open the list and the pivot's drill-down.
    _rec_name = "name"

    name = fields.Char(string="Document", readonly=True)
    move_id = fields.Many2one("account.move", string="Journal entry", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    invoice_date = fields.Date(readonly=True)
    date_due = fields.Date(string="Due date", readonly=True)
    days_overdue = fields.Integer(string="Days past due", readonly=True, aggregator="max")
    bucket = fields.Selection(
        [(key, label) for key, label, _first, _last in AGING_BUCKETS],
        string="Aging",
        readonly=True,
    )
    amount_residual = fields.Monetary(string="Amount due", readonly=True)
    amount_current = fields.Monetary(string="Current", readonly=True)
    amount_1_30 = fields.Monetary(string="1-30", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90", readonly=True)
    amount_over_90 = fields.Monetary(string="Over 90", readonly=True)
    saas_subscription_id = fields.Many2one(
        "saas.subscription", string="SaaS subscription", readonly=True
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""CREATE VIEW {self._table} AS (
            WITH open_items AS (
                SELECT aml.id, aml.move_id, am.name, am.commercial_partner_id AS partner_id,
                       aml.company_id, aml.company_currency_id AS currency_id,
                       am.invoice_date, am.saas_subscription_id,
                       COALESCE(aml.date_maturity, aml.date) AS date_due,
                       CURRENT_DATE - COALESCE(aml.date_maturity, aml.date) AS days_overdue,
                       aml.amount_residual
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN account_account aa ON aa.id = aml.account_id
                 WHERE aa.account_type = 'asset_receivable'
                   AND am.state = 'posted'
                   AND (am.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
                        OR am.origin_payment_id IS NOT NULL)
                   AND NOT aml.reconciled
                   AND aml.amount_residual != 0
            ), bucketed AS (
                SELECT *, CASE WHEN days_overdue <= 0 THEN 'current'
                               WHEN days_overdue <= 30 THEN '1_30'
                               WHEN days_overdue <= 60 THEN '31_60'
                               WHEN days_overdue <= 90 THEN '61_90'
                               ELSE 'over_90' END AS bucket
                  FROM open_items
            )
            SELECT id, move_id, name, partner_id, company_id, currency_id, invoice_date,
                   saas_subscription_id, date_due, days_overdue, bucket, amount_residual,
                   CASE WHEN bucket = 'current' THEN amount_residual ELSE 0 END AS amount_current,
                   CASE WHEN bucket = '1_30' THEN amount_residual ELSE 0 END AS amount_1_30,
                   CASE WHEN bucket = '31_60' THEN amount_residual ELSE 0 END AS amount_31_60,
                   CASE WHEN bucket = '61_90' THEN amount_residual ELSE 0 END AS amount_61_90,
                   CASE WHEN bucket = 'over_90' THEN amount_residual ELSE 0 END AS amount_over_90
              FROM bucketed
            )"""
        )

    def action_open_document(self):
        self.ensure_one()
        return self.move_id._get_records_action()
