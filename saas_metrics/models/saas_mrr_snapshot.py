# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index

from ..lib.metrics import add_months, month_start

# The columns of the MRR bridge, in bridge order: (movement type, column).
BRIDGE_COLUMNS = [
    ("new", "new_company"),
    ("expansion", "expansion_company"),
    ("contraction", "contraction_company"),
    ("churn", "churn_company"),
    ("reactivation", "reactivation_company"),
    ("fx", "fx_company"),
]
PARAM_REFRESHED_AT = "saas_metrics.snapshot_refreshed_at"
PARAM_HORIZON = "saas_metrics.snapshot_horizon"
REFRESH_MARGIN = timedelta(minutes=15)


class SaasMrrSnapshot(models.Model):
    """MRR of a subscription at the end of a month, with the month's bridge.

    One row per subscription and month, from the month of its first movement
    to the current month, for every month in which it has MRR or a movement.
    The rows are written by set-based SQL from the movement ledger
    (:meth:`_refresh_snapshot`), never by Python per record: a pivot over
    this table only reads it.
    """

    _name = "saas.mrr.snapshot"
    _description = "MRR Snapshot"
    _order = "month desc, subscription_id"
    _log_access = False
    _rec_name = "subscription_id"

    month = fields.Date(required=True, index=True, readonly=True, help="First day of the month.")
    subscription_id = fields.Many2one(
        "saas.subscription", required=True, index=True, readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    system_id = fields.Many2one("saas.system", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    product_id = fields.Many2one(
        "product.product",
        string="Plan",
        readonly=True,
        help="The subscription's plan at the month end (the product of its line with the "
        "most MRR), from the facts of its MRR history; its plan today when no fact of that "
        "time stated it.",
    )
    state = fields.Selection(related="subscription_id.state", string="State today", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    company_currency_id = fields.Many2one("res.currency", string="Company currency", readonly=True)
    mrr = fields.Monetary(
        string="MRR",
        currency_field="currency_id",
        readonly=True,
        aggregator="sum",
        help="MRR at the month end, in the subscription's currency.",
    )
    mrr_company = fields.Monetary(
        string="MRR (company currency)",
        currency_field="company_currency_id",
        readonly=True,
        help="MRR at the month end in company currency (at the month-end rate once the "
        "month's fx movements are posted).",
    )
    arr_company = fields.Monetary(
        string="ARR (company currency)", currency_field="company_currency_id", readonly=True
    )
    opening_company = fields.Monetary(
        string="Opening MRR", currency_field="company_currency_id", readonly=True
    )
    new_company = fields.Monetary(string="New", currency_field="company_currency_id", readonly=True)
    expansion_company = fields.Monetary(
        string="Expansion", currency_field="company_currency_id", readonly=True
    )
    contraction_company = fields.Monetary(
        string="Contraction", currency_field="company_currency_id", readonly=True
    )
    churn_company = fields.Monetary(
        string="Churn", currency_field="company_currency_id", readonly=True
    )
    reactivation_company = fields.Monetary(
        string="Reactivation", currency_field="company_currency_id", readonly=True
    )
    fx_company = fields.Monetary(string="FX", currency_field="company_currency_id", readonly=True)
    earning = fields.Boolean(string="Earns MRR", readonly=True, help="MRR above zero at month end.")

    _sql_constraints = [
        ("subscription_month_uniq", "UNIQUE(subscription_id, month)", "One row per month."),
    ]

    def init(self):
        # _refresh_stale() looks for the movements written since the last
        # refresh: without this index, a scan of the whole ledger each time.
        create_index(
            self.env.cr,
            "saas_mrr_movement_write_date_index",
            "saas_mrr_movement",
            ["write_date"],
        )

    # ---------------------------------------------------------------- refresh
    def _horizon(self):
        """The last month of the snapshot: the current month, or the month of
        the latest movement when it is later (a scheduled end)."""
        today = month_start(fields.Date.context_today(self))
        self.env.cr.execute("SELECT MAX(date) FROM saas_mrr_movement")
        latest = self.env.cr.fetchone()[0]
        return max(today, month_start(latest)) if latest else today

    @api.model
    def _refresh_snapshot(self, subscription_ids=None):
        """Rewrite the rows of the given subscriptions (all when None) from the
        ledger, in two SQL statements. Returns the number of rows written."""
        self.env.flush_all()
        horizon = self._horizon()
        if subscription_ids is None:
            self.env.cr.execute("DELETE FROM saas_mrr_snapshot")
            scope = SQL("TRUE")
        else:
            ids = list(subscription_ids)
            if not ids:
                return 0
            self.env.cr.execute(
                "DELETE FROM saas_mrr_snapshot WHERE subscription_id = ANY(%s)", [ids]
            )
            scope = SQL("m.subscription_id = ANY(%s)", ids)
        self.env.cr.execute(
            SQL(
                """
            WITH monthly AS (
                SELECT m.subscription_id,
                       date_trunc('month', m.date)::date AS month,
                       SUM(m.delta) AS delta,
                       SUM(m.delta_company) AS delta_company,
                       SUM(m.delta_company) FILTER (WHERE m.movement_type = 'new') AS new,
                       SUM(m.delta_company) FILTER (WHERE m.movement_type = 'expansion') AS exp,
                       SUM(m.delta_company) FILTER (WHERE m.movement_type = 'contraction') AS con,
                       SUM(m.delta_company) FILTER (WHERE m.movement_type = 'churn') AS churn,
                       SUM(m.delta_company) FILTER (WHERE m.movement_type = 'reactivation') AS rea,
                       SUM(m.delta_company) FILTER (WHERE m.movement_type = 'fx') AS fx
                  FROM saas_mrr_movement m
                 WHERE %(scope)s
              GROUP BY 1, 2
            ), firsts AS (
                SELECT subscription_id, MIN(month) AS first FROM monthly GROUP BY subscription_id
            ), series AS (
                SELECT f.subscription_id, gs::date AS month
                  FROM firsts f,
                       generate_series(f.first, %(horizon)s::date, interval '1 month') gs
            ), plan_months AS (
                -- the plan at the end of each month in which a fact stated it
                -- (a fact before the first movement counts from that month on)
                SELECT DISTINCT ON (pt.subscription_id, 2) pt.subscription_id,
                       GREATEST(date_trunc('month', pt.date)::date, f.first) AS month,
                       pt.product_id
                  FROM saas_mrr_point pt
                  JOIN firsts f ON f.subscription_id = pt.subscription_id
                 WHERE pt.product_id IS NOT NULL
              ORDER BY pt.subscription_id, 2, pt.date DESC, pt.occurred_at DESC, pt.id DESC
            ), plans AS (
                SELECT subscription_id, month, product_id,
                       LEAD(month) OVER (PARTITION BY subscription_id ORDER BY month) AS until
                  FROM plan_months
            ), running AS (
                SELECT s.subscription_id, s.month, mo.subscription_id IS NOT NULL AS moved,
                       COALESCE(mo.delta_company, 0) AS delta_company,
                       COALESCE(mo.new, 0) AS new, COALESCE(mo.exp, 0) AS exp,
                       COALESCE(mo.con, 0) AS con, COALESCE(mo.churn, 0) AS churn,
                       COALESCE(mo.rea, 0) AS rea, COALESCE(mo.fx, 0) AS fx,
                       SUM(COALESCE(mo.delta, 0)) OVER w AS mrr,
                       SUM(COALESCE(mo.delta_company, 0)) OVER w AS mrr_company
                  FROM series s
             LEFT JOIN monthly mo
                    ON mo.subscription_id = s.subscription_id AND mo.month = s.month
                WINDOW w AS (PARTITION BY s.subscription_id ORDER BY s.month)
            )
            INSERT INTO saas_mrr_snapshot (
                month, subscription_id, partner_id, company_id, system_id, user_id,
                product_id, currency_id, company_currency_id, mrr, mrr_company,
                arr_company, opening_company, new_company, expansion_company,
                contraction_company, churn_company, reactivation_company, fx_company,
                earning)
            SELECT r.month, r.subscription_id, p.commercial_partner_id, sub.company_id,
                   sub.system_id, cp.user_id,
                   COALESCE(pl.product_id, sub.plan_product_id),
                   sub.currency_id, c.currency_id, r.mrr, r.mrr_company,
                   12 * r.mrr_company, r.mrr_company - r.delta_company,
                   r.new, r.exp, r.con, r.churn, r.rea, r.fx, r.mrr > 0
              FROM running r
              JOIN saas_subscription sub ON sub.id = r.subscription_id
              JOIN res_company c ON c.id = sub.company_id
              JOIN res_partner p ON p.id = sub.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
         LEFT JOIN plans pl
                ON pl.subscription_id = r.subscription_id AND pl.month <= r.month
               AND (pl.until IS NULL OR r.month < pl.until)
             WHERE r.moved OR r.mrr != 0 OR r.mrr_company != 0
            """,
                scope=scope,
                horizon=horizon,
            )
        )
        written = self.env.cr.rowcount
        params = self.env["ir.config_parameter"].sudo()
        if subscription_ids is None:
            params.set_param(PARAM_HORIZON, fields.Date.to_string(horizon))
        self.env.invalidate_all()
        return written

    @api.model
    def _refresh_stale(self):
        """Refresh what changed since the last refresh: every row when the
        horizon moved to a new month, else the subscriptions written since
        (their movements, their lines or their customer). Returns the number
        of rows written."""
        params = self.env["ir.config_parameter"].sudo()
        self.env.flush_all()
        self.env.cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        started = self.env.cr.fetchone()[0]
        last = params.get_param(PARAM_REFRESHED_AT)
        horizon = params.get_param(PARAM_HORIZON)
        if not last or horizon != fields.Date.to_string(self._horizon()):
            written = self._refresh_snapshot()
        else:
            self.env.cr.execute(
                """SELECT id FROM saas_subscription WHERE write_date >= %(last)s
                    UNION
                   SELECT subscription_id FROM saas_mrr_movement WHERE write_date >= %(last)s
                    UNION
                   SELECT s.id FROM saas_subscription s
                     JOIN res_partner p ON p.id = s.partner_id
                     JOIN res_partner cp ON cp.id = p.commercial_partner_id
                    WHERE cp.write_date >= %(last)s""",
                {"last": last},
            )
            written = self._refresh_snapshot([row[0] for row in self.env.cr.fetchall()])
        # A transaction that started before this one and commits after it wrote
        # rows stamped before ``started``: the next refresh looks back a margin.
        params.set_param(PARAM_REFRESHED_AT, fields.Datetime.to_string(started - REFRESH_MARGIN))
        return written

    @api.model
    def _cron_refresh_snapshot(self):
        """Scheduled action of the financial lane: bring the snapshot up to date."""
        return self._refresh_stale()

    @api.model
    def _month_window(self, month, months=12):
        """First days of the ``months`` months ending with ``month``'s."""
        last = month_start(month)
        return [add_months(last, i - months + 1) for i in range(months)]
