# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.models import parse_read_group_spec
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
# The columns of a row, and those that describe the subscription rather than its
# MRR (a row of an earlier month gets them again when they change).
DESCRIPTIVE_COLUMNS = [
    "partner_id",
    "company_id",
    "system_id",
    "user_id",
    "product_id",
    "currency_id",
    "company_currency_id",
]
ROW_COLUMNS = [
    "month",
    "subscription_id",
    *DESCRIPTIVE_COLUMNS,
    "mrr",
    "mrr_company",
    "arr_company",
    "opening_company",
    *(column for _type, column in BRIDGE_COLUMNS),
    "earning",
]
# Stocks, not flows: a group of several months (a pivot's total, a quarter, a
# customer over a year) holds the MRR and ARR of its last month and the opening
# MRR of its first month, never their sum over the months.
STOCK_AT_LAST_MONTH = ("mrr_company", "arr_company")
STOCK_AT_FIRST_MONTH = ("opening_company",)
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
        string="MRR (subscription currency)",
        currency_field="currency_id",
        readonly=True,
        # subscriptions in several currencies do not add up: no total, no measure
        aggregator=None,
        help="MRR at the month end, in the subscription's currency (each row in its own "
        "currency, so never totalled; the totals are in company currency).",
    )
    mrr_company = fields.Monetary(
        string="MRR (company currency)",
        currency_field="company_currency_id",
        readonly=True,
        help="MRR at the month end in company currency (at the month-end rate once the "
        "month's fx movements are posted). A stock: a group of several months (a total) "
        "holds its last month's MRR, not the sum of its months.",
    )
    arr_company = fields.Monetary(
        string="ARR (company currency)",
        currency_field="company_currency_id",
        readonly=True,
        help="12 x the MRR at the month end. A group of several months holds its last month's ARR.",
    )
    opening_company = fields.Monetary(
        string="Opening MRR",
        currency_field="company_currency_id",
        readonly=True,
        help="MRR at the start of the month. A group of several months holds its first "
        "month's opening MRR.",
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
        # _refresh_stale() looks for the movements and facts written since the
        # last refresh: without these indexes, a scan of the whole ledger each time.
        for table in ("saas_mrr_movement", "saas_mrr_point"):
            create_index(self.env.cr, f"{table}_write_date_index", table, ["write_date"])

    # ----------------------------------------------------------- aggregates
    def _read_group_select(self, aggregate_spec, query):
        """The sum of a stock (MRR, ARR, opening MRR) over a group is its
        value at the group's last month (first month for the opening): the
        rows of that month only, summed. The flows (new, churn...) add up."""
        if aggregate_spec != "__count":
            fname, _property, func = parse_read_group_spec(aggregate_spec)
            if func == "sum" and fname in STOCK_AT_LAST_MONTH + STOCK_AT_FIRST_MONTH:
                month = self._field_to_sql(self._table, "month", query)
                value = self._field_to_sql(self._table, fname, query)
                edge = SQL("MAX(%s)" if fname in STOCK_AT_LAST_MONTH else "MIN(%s)", month)
                # ARRAY_AGG and the edge only read the outer rows: PostgreSQL
                # computes them per group, the subquery sums that month's rows
                return SQL(
                    """(SELECT SUM(stock.value)
                          FROM unnest(ARRAY_AGG(%s), ARRAY_AGG(%s)) AS stock(month, value)
                         WHERE stock.month = %s)""",
                    month,
                    value,
                    edge,
                )
        return super()._read_group_select(aggregate_spec, query)

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
        """Rewrite every row (``subscription_ids`` None) or every row of the given
        subscriptions from the ledger, in set-based SQL. Returns the number of
        rows written."""
        self.env.flush_all()
        horizon = self._horizon()
        if subscription_ids is None:
            self.env.cr.execute("DELETE FROM saas_mrr_snapshot")
            self.env.cr.execute("DELETE FROM saas_mrr_snapshot_stale")
            written = self._write_rows(horizon)
            # the planner reads the refreshed rows' statistics (not those of
            # the table before)
            self.env.cr.execute("ANALYZE saas_mrr_snapshot")
            self.env["ir.config_parameter"].sudo().set_param(
                PARAM_HORIZON, fields.Date.to_string(horizon)
            )
        else:
            ids = list(subscription_ids)
            if not ids:
                return 0
            # from the first month of its movements or of its rows, whichever is first
            self.env.cr.execute(
                """SELECT s.id, LEAST(
                          (SELECT date_trunc('month', MIN(m.date))::date
                             FROM saas_mrr_movement m WHERE m.subscription_id = s.id),
                          (SELECT MIN(r.month)
                             FROM saas_mrr_snapshot r WHERE r.subscription_id = s.id)),
                          TRUE
                     FROM unnest(%s::int[]) s(id)""",
                [ids],
            )
            written = self._write_rows(horizon, self.env.cr.fetchall())
        self.env.invalidate_all()
        return written

    def _write_rows(self, horizon, scope=None):
        """Write the rows of the subscriptions of ``scope`` (tuples of a
        subscription id and ``since``, the first month that can have changed;
        None: every subscription from its first month into an empty table)
        from ``since`` to ``horizon``, in one SQL statement. A third item,
        ``describe``, says whether the descriptive columns of the rows before
        ``since`` can have changed.

        The running MRR starts from the row of the month before ``since``
        (exact: nothing that changed since is in it or before it).
        Incremental (rows already there): a row from ``since`` on is
        inserted, updated where a column differs, or deleted when the month
        has no MRR and no movement any more; a row before
        ``since`` only gets the subscription's customer, company, system,
        salesperson, currencies and plan where one of them differs. Returns
        the number of rows inserted, updated or deleted."""
        if scope is None:
            source = SQL(
                """SELECT subscription_id, date_trunc('month', MIN(date))::date AS since,
                          TRUE AS describe
                     FROM saas_mrr_movement GROUP BY subscription_id"""
            )

            def among(_alias):
                return SQL("TRUE")

            def from_earliest(_column, _months=0):
                return SQL("TRUE")
        else:
            scope = [row for row in scope if row[1]]
            if not scope:
                return 0
            ids, sinces, describes = (list(column) for column in zip(*scope, strict=True))
            source = SQL(
                """SELECT * FROM unnest(%s::int[], %s::date[], %s::bool[])
                                 AS t(subscription_id, since, describe)""",
                ids,
                sinces,
                describes,
            )

            # the ids and the earliest month again beside each table read: the
            # planner knows how many rows it gets and reads them through an
            # index when they are few
            def among(alias):
                return SQL("%s.subscription_id = ANY(%s)", SQL.identifier(alias), ids)

            def from_earliest(column, months=0):
                return SQL(
                    "%s >= %s",
                    SQL.identifier(*column.split(".")),
                    add_months(min(sinces), months),
                )

        common = SQL(
            """
            scope AS MATERIALIZED (%(source)s
            ), subs AS (
                SELECT sc.subscription_id, sc.since, sc.describe,
                       p.commercial_partner_id AS partner_id,
                       sub.company_id, sub.system_id, cp.user_id, sub.plan_product_id,
                       sub.currency_id, c.currency_id AS company_currency_id
                  FROM scope sc
                  JOIN saas_subscription sub ON sub.id = sc.subscription_id
                  JOIN res_company c ON c.id = sub.company_id
                  JOIN res_partner p ON p.id = sub.partner_id
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
            ), monthly AS (
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
                  JOIN scope sc ON sc.subscription_id = m.subscription_id AND m.date >= sc.since
                 WHERE %(movements_among)s AND %(movements_from_earliest)s
              GROUP BY 1, 2
            ), openings AS (
                -- the MRR at the end of the month before ``since``: that
                -- month's row, which nothing since changed (no row: no MRR)
                SELECT d.subscription_id,
                       COALESCE(prev.mrr, 0) AS mrr,
                       COALESCE(prev.mrr_company, 0) AS mrr_company
                  FROM subs d
             LEFT JOIN saas_mrr_snapshot prev
                    ON prev.subscription_id = d.subscription_id
                   AND prev.month = (d.since - interval '1 month')::date
                   AND %(previous_from_earliest)s
            ), series AS (
                SELECT d.subscription_id, gs::date AS month
                  FROM subs d,
                       generate_series(d.since, %(horizon)s::date, interval '1 month') gs
            ), plan_months AS (
                -- the plan at the end of each month in which a fact stated it
                SELECT DISTINCT ON (pt.subscription_id, 2) pt.subscription_id,
                       date_trunc('month', pt.date)::date AS month, pt.product_id
                  FROM saas_mrr_point pt
                  JOIN scope sc ON sc.subscription_id = pt.subscription_id
                 WHERE pt.product_id IS NOT NULL AND %(points_among)s
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
                       o.mrr + SUM(COALESCE(mo.delta, 0)) OVER w AS mrr,
                       o.mrr_company + SUM(COALESCE(mo.delta_company, 0)) OVER w AS mrr_company
                  FROM series s
                  JOIN openings o ON o.subscription_id = s.subscription_id
             LEFT JOIN monthly mo
                    ON mo.subscription_id = s.subscription_id AND mo.month = s.month
                WINDOW w AS (PARTITION BY s.subscription_id ORDER BY s.month)
            ), computed AS (
                SELECT r.month, r.subscription_id, d.partner_id, d.company_id, d.system_id,
                       d.user_id, COALESCE(pl.product_id, d.plan_product_id) AS product_id,
                       d.currency_id, d.company_currency_id, r.mrr, r.mrr_company,
                       12 * r.mrr_company AS arr_company,
                       r.mrr_company - r.delta_company AS opening_company,
                       r.new AS new_company, r.exp AS expansion_company,
                       r.con AS contraction_company, r.churn AS churn_company,
                       r.rea AS reactivation_company, r.fx AS fx_company,
                       r.mrr > 0 AS earning
                  FROM running r
                  JOIN subs d ON d.subscription_id = r.subscription_id
             LEFT JOIN plans pl
                    ON pl.subscription_id = r.subscription_id AND pl.month <= r.month
                   AND (pl.until IS NULL OR r.month < pl.until)
                 WHERE r.moved OR r.mrr != 0 OR r.mrr_company != 0
            )""",
            source=source,
            horizon=horizon,
            movements_among=among("m"),
            movements_from_earliest=from_earliest("m.date"),
            previous_from_earliest=from_earliest("prev.month", -1),
            points_among=among("pt"),
        )
        columns = SQL(", ".join(ROW_COLUMNS))
        if scope is None:
            self.env.cr.execute(
                SQL(
                    "WITH %s INSERT INTO saas_mrr_snapshot (%s) SELECT %s FROM computed",
                    common,
                    columns,
                    columns,
                )
            )
            return self.env.cr.rowcount
        changed_columns = [c for c in ROW_COLUMNS if c not in ("month", "subscription_id")]

        def differ(left, right, names):
            return SQL(
                "(%s) IS DISTINCT FROM (%s)",
                SQL(", ".join(f"{left}.{name}" for name in names)),
                SQL(", ".join(f"{right}.{name}" for name in names)),
            )

        def assign(source, names):
            return SQL(", ".join(f"{name} = {source}.{name}" for name in names))

        # PostgreSQL's JIT compiles this statement for seconds (its cost is
        # estimated from the whole table) to run it in a fraction of one
        self.env.cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        jit = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            SQL(
                """
            WITH %(common)s, gone AS (
                DELETE FROM saas_mrr_snapshot snap
                 USING scope sc
                 WHERE snap.subscription_id = sc.subscription_id AND snap.month >= sc.since
                   AND %(snapshot_among)s AND %(snapshot_from_earliest)s
                   AND NOT EXISTS (SELECT 1 FROM computed c
                                    WHERE c.subscription_id = snap.subscription_id
                                      AND c.month = snap.month)
             RETURNING 1
            ), described AS (
                UPDATE saas_mrr_snapshot snap SET %(assign_descriptive)s
                  FROM (SELECT o.id, d.partner_id, d.company_id, d.system_id, d.user_id,
                               COALESCE(pl.product_id, d.plan_product_id) AS product_id,
                               d.currency_id, d.company_currency_id
                          FROM saas_mrr_snapshot o
                          JOIN subs d
                            ON d.subscription_id = o.subscription_id AND o.month < d.since
                           AND d.describe AND %(rows_among)s
                     LEFT JOIN plans pl
                            ON pl.subscription_id = o.subscription_id AND pl.month <= o.month
                           AND (pl.until IS NULL OR o.month < pl.until)) fresh
                 WHERE snap.id = fresh.id AND %(descriptive_differ)s
             RETURNING 1
            ), written AS (
                INSERT INTO saas_mrr_snapshot (%(columns)s)
                SELECT %(columns)s FROM computed
                    ON CONFLICT (subscription_id, month) DO UPDATE SET %(assign_all)s
                 WHERE %(all_differ)s
             RETURNING 1
            )
            SELECT (SELECT COUNT(*) FROM gone) + (SELECT COUNT(*) FROM described)
                   + (SELECT COUNT(*) FROM written)
            """,
                common=common,
                columns=columns,
                snapshot_among=among("snap"),
                snapshot_from_earliest=from_earliest("snap.month"),
                rows_among=among("o"),
                assign_descriptive=assign("fresh", DESCRIPTIVE_COLUMNS),
                descriptive_differ=differ("snap", "fresh", DESCRIPTIVE_COLUMNS),
                assign_all=assign("EXCLUDED", changed_columns),
                all_differ=differ("saas_mrr_snapshot", "EXCLUDED", changed_columns),
            )
        )
        written = self.env.cr.fetchone()[0]
        self.env.cr.execute("SELECT set_config('jit', %s, true)", [jit])
        return written

    def _stale_scope(self, since_last, previous, horizon):
        """The subscriptions to refresh and, for each, the first month that can
        have changed since the refresh of ``since_last`` whose last month was
        ``previous``: a list of ``(subscription id, since, describe)``.

        - a movement or fact written since: its month;
        - a movement or fact deleted, or moved to another date or
          subscription, since: the month it left (remembered by
          ``saas.mrr.snapshot.stale`` when it happened);
        - the subscription, its customer or the customer's company written
          since: no month (the month after the horizon): only the customer,
          salesperson, plan and the like of its rows;
        - the horizon moved on: the subscriptions with MRR at the old horizon
          get the new months."""
        self.env.cr.execute("DELETE FROM saas_mrr_snapshot_stale RETURNING subscription_id, month")
        left = self.env.cr.fetchall()
        after = add_months(horizon, 1)
        appended = SQL()
        if previous < horizon:
            appended = SQL(
                """UNION ALL
                   SELECT subscription_id, %(next)s, FALSE FROM saas_mrr_snapshot
                    WHERE month = %(previous)s AND (mrr != 0 OR mrr_company != 0)""",
                next=add_months(previous, 1),
                previous=previous,
            )
        self.env.cr.execute(
            SQL(
                """SELECT subscription_id, MIN(since), BOOL_OR(describe) FROM (
                   SELECT subscription_id, date_trunc('month', date)::date AS since,
                          TRUE AS describe
                     FROM saas_mrr_movement WHERE write_date >= %(last)s
                    UNION ALL
                   SELECT subscription_id, date_trunc('month', date)::date, TRUE
                     FROM saas_mrr_point WHERE write_date >= %(last)s
                    UNION ALL
                   SELECT *, TRUE FROM unnest(%(left_ids)s::int[], %(left_months)s::date[])
                    UNION ALL
                   SELECT s.id, %(after)s::date, TRUE
                     FROM saas_subscription s
                     JOIN res_partner p ON p.id = s.partner_id
                     JOIN res_partner cp ON cp.id = p.commercial_partner_id
                    WHERE s.write_date >= %(last)s OR p.write_date >= %(last)s
                       OR cp.write_date >= %(last)s
                   %(appended)s
               ) changed GROUP BY subscription_id""",
                last=since_last,
                left_ids=[row[0] for row in left],
                left_months=[row[1] for row in left],
                after=after,
                appended=appended,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _refresh_stale(self):
        """Refresh what changed since the last refresh, from the first month
        that can have changed of each subscription written since (its
        movements, its facts, its lines or its customer), and append the new
        months when the horizon moved on. Every row is rewritten only on the
        first refresh and when the horizon moved back. Returns the number of
        rows written."""
        params = self.env["ir.config_parameter"].sudo()
        self.env.flush_all()
        self.env.cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        started = self.env.cr.fetchone()[0]
        last = params.get_param(PARAM_REFRESHED_AT)
        previous = fields.Date.to_date(params.get_param(PARAM_HORIZON) or None)
        horizon = self._horizon()
        if not last or not previous or previous > horizon:
            written = self._refresh_snapshot()
        else:
            written = self._write_rows(horizon, self._stale_scope(last, previous, horizon))
            if previous != horizon:
                params.set_param(PARAM_HORIZON, fields.Date.to_string(horizon))
            self.env.invalidate_all()
        # A transaction that started before this one and commits after it wrote
        # rows stamped before ``started``: the next refresh looks back a margin.
        params.set_param(PARAM_REFRESHED_AT, fields.Datetime.to_string(started - REFRESH_MARGIN))
        return written

    @api.model
    def _refreshed_at(self):
        """When the last refresh started (UTC), or None: the figures read
        from the snapshot are those of that time."""
        last = self.env["ir.config_parameter"].sudo().get_param(PARAM_REFRESHED_AT)
        return fields.Datetime.to_datetime(last) + REFRESH_MARGIN if last else None

    @api.model
    def _cron_refresh_snapshot(self):
        """Scheduled action of the financial lane: bring the snapshot up to date."""
        return self._refresh_stale()

    @api.model
    def _month_window(self, month, months=12):
        """First days of the ``months`` months ending with ``month``'s."""
        last = month_start(month)
        return [add_months(last, i - months + 1) for i in range(months)]
