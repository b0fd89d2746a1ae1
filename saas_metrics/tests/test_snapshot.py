# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from decimal import Decimal

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.saas_metrics.lib.metrics import BRIDGE_TYPES, add_months
from odoo.addons.saas_subscription.lib.mrr import to_decimal
from odoo.addons.saas_sync.tools import as_ledger_writer

from .common import MetricsCommon

D = Decimal
BRIDGE = ["opening", *BRIDGE_TYPES, "closing"]


def _d(value):
    return to_decimal(value)


@tagged("post_install", "-at_install")
class TestSnapshot(MetricsCommon):
    def month_rows(self, month):
        return self.env["saas.mrr.snapshot"].search(
            [("month", "=", month), ("company_id", "=", self.company.id)]
        )

    def test_snapshot_equals_the_ledger_every_month(self):
        # The demo data of the suite (every demo company) plus a history here.
        self.customer("cus_a")
        self.customer("cus_b")
        self.monthly_and_annual("sub_a", "sub_b", "cus_a", "cus_b")
        self.sub_event("subscription.cancelled", "sub_a", "cus_a", when="2026-04-02T00:00:00Z")
        self.refresh()
        # every company, the demo company of the suite included
        Metrics = self.env["saas.metrics"].sudo()
        companies = self.env["saas.mrr.snapshot"].sudo().search([]).company_id | self.company
        self.assertGreater(len(companies), 1)
        checked = 0
        for company in companies:
            oracle = self.ledger_by_month(company)
            months = sorted(oracle)
            figures = Metrics._month_figures(months, company)
            self.assertEqual([f["month"] for f in figures], months)
            previous_closing = D(0)
            for row in figures:
                expected = oracle[row["month"]]
                self.assertEqual(row["closing"], expected["closing"], row["month"])
                self.assertEqual(row["opening"], previous_closing, row["month"])
                bridge = sum((row[key] for key in BRIDGE_TYPES), D(0))
                self.assertEqual(row["opening"] + bridge, row["closing"], row["month"])
                for kind in BRIDGE_TYPES:
                    self.assertEqual(row[kind], expected["by_type"].get(kind, D(0)))
                self.assertEqual(row["customers"], expected["customers"], row["month"])
                previous_closing = row["closing"]
                checked += 1
        self.assertGreaterEqual(checked, 25)

    def test_bridge_and_kpis_of_a_month(self):
        # January: 3 new customers; February: one expands, one contracts,
        # one churns, and a fourth arrives.
        for cus in ("cus_1", "cus_2", "cus_3", "cus_4"):
            self.customer(cus)
        jan, feb = "2026-01-05T00:00:00Z", "2026-02-10T00:00:00Z"
        self.subscribe("subscription.activated", "s1", "cus_1", price="100.00", when=jan)
        self.subscribe("subscription.activated", "s2", "cus_2", price="100.00", when=jan)
        self.subscribe("subscription.activated", "s3", "cus_3", price="100.00", when=jan)
        self.subscribe("subscription.changed", "s1", "cus_1", price="130.00", when=feb)
        self.subscribe("subscription.changed", "s2", "cus_2", price="80.00", when=feb)
        self.sub_event("subscription.cancelled", "s3", "cus_3", when=feb)
        self.subscribe("subscription.activated", "s4", "cus_4", price="60.00", when=feb)
        self.refresh()
        # the snapshot has one row per subscription and month, MRR at the month end
        row = self.env["saas.mrr.snapshot"].search(
            [("subscription_id", "=", self.subscription("s1").id), ("month", "=", "2026-02-01")]
        )
        self.assertEqual(
            (_d(row.mrr), _d(row.mrr_company), _d(row.arr_company)), (D(130), D(130), D(1560))
        )
        self.assertEqual(row.partner_id, self.subscription("s1").partner_id)
        self.assertEqual(row.product_id, self.product_starter)
        (kpis,) = self.env["saas.metrics"]._month_figures([date(2026, 2, 1)], self.company)
        # the demo companies are others: only this test's customers are here
        self.assertEqual(
            [kpis[k] for k in BRIDGE],
            [D(300), D(60), D(30), D(-20), D(-100), D(0), D(0), D(270)],
        )
        self.assertEqual(kpis["arr"], D("3240.00"))
        self.assertEqual((kpis["customers"], kpis["customers_start"]), (3, 3))
        self.assertEqual((kpis["new_customers"], kpis["churned_customers"]), (1, 1))
        self.assertEqual(kpis["arpa"], D("90.00"))
        self.assertEqual(kpis["logo_churn"], D("33.33"))
        self.assertEqual(kpis["revenue_churn"], D("33.33"))
        self.assertEqual(kpis["gross_mrr_churn"], D("40.00"))  # (100 + 20) / 300
        self.assertEqual(kpis["net_mrr_churn"], D("30.00"))  # (100 + 20 - 30) / 300
        self.assertEqual(kpis["nrr"], D("70.00"))
        self.assertEqual(kpis["quick_ratio"], D("0.75"))  # (60 + 30) / 120
        self.assertEqual(kpis["ltv"], D("270.03"))  # 90.00 / 33.33 %
        # January has no churn: LTV undefined, not zero
        (jan_kpis,) = self.env["saas.metrics"]._month_figures([date(2026, 1, 1)], self.company)
        self.assertIsNone(jan_kpis["ltv"])
        self.assertIsNone(jan_kpis["logo_churn"])  # no customer at the start

    def test_months_without_movement_have_rows(self):
        self.customer("cus_q")
        self.subscribe(
            "subscription.activated",
            "sq",
            "cus_q",
            price="90.00",
            interval="month",
            when="2026-01-05T00:00:00Z",
            item={"interval_count": 3},
        )
        self.refresh()
        rows = self.env["saas.mrr.snapshot"].search(
            [("subscription_id", "=", self.subscription("sq").id)], order="month"
        )
        months = rows.mapped("month")
        self.assertEqual(months[:4], [date(2026, m, 1) for m in (1, 2, 3, 4)])
        self.assertEqual({_d(r.mrr) for r in rows}, {D(30)})
        self.assertEqual(_d(rows[1].opening_company), D(30))
        self.assertEqual(_d(rows[1].new_company), D(0))

    def test_a_late_plan_change_shows_its_plan_in_its_months(self):
        # Starter from January, two seats of Starter from 2 May (applied);
        # then the upgrade to Pro of 10 March arrives late. March and April
        # are Pro (they showed Starter, the plan of the fact before), May on
        # Starter again as the May event stated.
        self.customer("cus_lp")
        self.subscribe(
            "subscription.activated", "slp", "cus_lp", price="49.00", when="2026-01-05T00:00:00Z"
        )
        self.subscribe(
            "subscription.changed",
            "slp",
            "cus_lp",
            price="49.00",
            quantity="2",
            when="2026-05-02T00:00:00Z",
        )
        self.subscribe(
            "subscription.changed",
            "slp",
            "cus_lp",
            plan="pro",
            price="99.00",
            when="2026-03-10T00:00:00Z",
        )
        self.refresh()
        sub = self.subscription("slp")
        rows = self.env["saas.mrr.snapshot"].search(
            [("subscription_id", "=", sub.id), ("month", "<=", "2026-06-01")], order="month"
        )
        starter, pro = self.product_starter, self.product_pro
        self.assertEqual(
            [(r.month.month, r.product_id, _d(r.mrr)) for r in rows],
            [
                (1, starter, D(49)),
                (2, starter, D(49)),
                (3, pro, D(99)),
                (4, pro, D(99)),
                (5, starter, D(98)),
                (6, starter, D(98)),
            ],
        )

    def test_snapshot_carries_the_plan_of_each_month(self):
        # Starter from January, upgraded to Pro on 10 March, a quantity change
        # in May keeps Pro: the rows before March say Starter, from March Pro.
        self.customer("cus_p")
        self.subscribe(
            "subscription.activated", "sp", "cus_p", price="49.00", when="2026-01-05T00:00:00Z"
        )
        self.subscribe(
            "subscription.changed",
            "sp",
            "cus_p",
            plan="pro",
            price="99.00",
            when="2026-03-10T00:00:00Z",
        )
        self.subscribe(
            "subscription.changed",
            "sp",
            "cus_p",
            plan="pro",
            price="99.00",
            quantity="2",
            when="2026-05-02T00:00:00Z",
        )
        self.refresh()
        sub = self.subscription("sp")
        self.assertEqual(sub.plan_product_id, self.product_pro)
        rows = self.env["saas.mrr.snapshot"].search(
            [("subscription_id", "=", sub.id), ("month", "<=", "2026-06-01")], order="month"
        )
        self.assertEqual(
            [(r.month.month, r.product_id, _d(r.mrr)) for r in rows],
            [
                (1, self.product_starter, D(49)),
                (2, self.product_starter, D(49)),
                (3, self.product_pro, D(99)),
                (4, self.product_pro, D(99)),
                (5, self.product_pro, D(198)),
                (6, self.product_pro, D(198)),
            ],
        )
        # a pivot by plan and month splits the MRR where the plan changed
        groups = self.env["saas.mrr.snapshot"].read_group(
            [("subscription_id", "=", sub.id), ("month", "<=", "2026-04-01")],
            ["mrr:sum"],
            ["product_id"],
        )
        self.assertEqual(
            {g["product_id"][0]: _d(g["mrr"]) for g in groups},
            {self.product_starter.id: D(98), self.product_pro.id: D(198)},
        )

    def test_a_total_over_months_holds_stocks_not_their_sum(self):
        """Issue 19: the "Total" row of the MRR and bridge pivots added the
        month-end MRR, ARR and opening MRR of every month; the MRR in mixed
        subscription currencies was a measure beside the company-currency one."""
        self.customer("cus_t1")
        self.customer("cus_t2")
        jan, mar = "2026-01-05T00:00:00Z", "2026-03-10T00:00:00Z"
        self.subscribe("subscription.activated", "st1", "cus_t1", price="100.00", when=jan)
        self.subscribe("subscription.activated", "st2", "cus_t2", price="40.00", when=mar)
        self.refresh()
        Snapshot = self.env["saas.mrr.snapshot"]
        domain = [
            ("company_id", "=", self.company.id),
            ("month", ">=", "2026-01-01"),
            ("month", "<=", "2026-04-01"),
        ]
        measures = [
            "opening_company:sum",
            "new_company:sum",
            "mrr_company:sum",
            "arr_company:sum",
        ]
        (total,) = Snapshot.read_group(domain, measures, [], lazy=False)
        # January opens at zero, April closes at 140.00: the flows add up
        self.assertEqual(_d(total["opening_company"]), D(0))
        self.assertEqual(_d(total["new_company"]), D(140))
        self.assertEqual(_d(total["mrr_company"]), D(140))
        self.assertEqual(_d(total["arr_company"]), D(1680))
        # each month still holds its own figures, a quarter its last month's
        by_month = Snapshot.read_group(domain, measures, ["month:month"], lazy=False)
        self.assertEqual([_d(g["mrr_company"]) for g in by_month], [D(100)] * 2 + [D(140)] * 2)
        self.assertEqual(
            [_d(g["opening_company"]) for g in by_month], [D(0), D(100), D(100), D(140)]
        )
        by_quarter = Snapshot.read_group(domain, measures, ["month:quarter"], lazy=False)
        self.assertEqual(
            [(_d(g["opening_company"]), _d(g["mrr_company"])) for g in by_quarter],
            [(D(0), D(140)), (D(140), D(140))],
        )
        # by customer, over the months: each customer's MRR at its last month
        by_customer = Snapshot.read_group(domain, measures, ["partner_id"], lazy=False)
        self.assertEqual(sorted(_d(g["mrr_company"]) for g in by_customer), [D(40), D(100)])
        # the subscription-currency MRR is not a measure any more, and says so;
        # nor are a movement's change in its own currency and its MRR before and after
        mrr = Snapshot.fields_get(["mrr"], ["string", "aggregator"])["mrr"]
        self.assertFalse(mrr.get("aggregator"))
        self.assertIn("subscription currency", mrr["string"])
        movement = self.env["saas.mrr.movement"].fields_get([], ["string", "aggregator"])
        self.assertIn("subscription currency", movement["delta"]["string"])
        self.assertEqual(movement["delta_company"].get("aggregator"), "sum")
        for name in ("delta", "mrr_before", "mrr_after", "customer_mrr_before"):
            self.assertFalse(movement[name].get("aggregator"), name)

    def test_movement_months_without_movement_are_groups(self):
        # movements in January and April only: February and March are groups too
        self.customer("cus_g")
        self.subscribe(
            "subscription.activated", "sg", "cus_g", price="40.00", when="2026-01-15T00:00:00Z"
        )
        self.subscribe(
            "subscription.changed", "sg", "cus_g", price="50.00", when="2026-04-15T00:00:00Z"
        )
        Movement = self.env["saas.mrr.movement"]
        domain = [("subscription_id", "=", self.subscription("sg").id)]
        for lazy in (True, False):
            groups = Movement.read_group(domain, ["delta_company:sum"], ["date:month"], lazy=lazy)
            count = "date_count" if lazy else "__count"
            self.assertEqual(
                [(g["date:month"], g[count], _d(g["delta_company"] or 0)) for g in groups],
                [
                    ("January 2026", 1, D(40)),
                    ("February 2026", 0, D(0)),
                    ("March 2026", 0, D(0)),
                    ("April 2026", 1, D(10)),
                ],
            )
        # below the month (a pivot's cells) no empty type is made up
        cells = Movement.read_group(
            domain, ["delta_company:sum"], ["date:month", "movement_type"], lazy=False
        )
        self.assertEqual(
            [(g["date:month"], g["movement_type"]) for g in cells],
            [("January 2026", "new"), ("April 2026", "expansion")],
        )
        # types with months as columns: the column header has every month
        columns = Movement.read_group(domain, ["delta_company:sum"], ["date:month"], lazy=False)
        self.assertEqual(len(columns), 4)
        # the graph and the list ask the same; a limited read is left alone
        self.assertEqual(
            len(Movement.read_group(domain, ["delta_company:sum"], ["date:month"], limit=10)), 2
        )

    def test_incremental_refresh(self):
        Snapshot = self.env["saas.mrr.snapshot"]
        Snapshot._refresh_stale()
        # as if the last refresh had run just before this test's writes (the
        # real one looks back 15 minutes more)
        self.env.cr.execute("SELECT now() AT TIME ZONE 'UTC' - interval '1 second'")
        self.env["ir.config_parameter"].set_param(
            "saas_metrics.snapshot_refreshed_at",
            fields.Datetime.to_string(self.env.cr.fetchone()[0]),
        )
        self.customer("cus_i")
        self.subscribe(
            "subscription.activated", "si", "cus_i", price="10.00", when="2026-03-01T00:00:00Z"
        )
        sub = self.subscription("si")
        self.assertFalse(Snapshot.search([("subscription_id", "=", sub.id)]))
        written = Snapshot._refresh_stale()
        rows = Snapshot.search([("subscription_id", "=", sub.id)])
        self.assertTrue(rows)
        # only the subscriptions written since the last refresh are rewritten
        self.assertEqual(written, len(rows))

    def test_movements_group_in_bridge_order(self):
        self.customer("cus_o")
        self.subscribe(
            "subscription.activated", "so", "cus_o", price="10.00", when="2026-01-01T00:00:00Z"
        )
        self.subscribe(
            "subscription.changed", "so", "cus_o", price="20.00", when="2026-02-01T00:00:00Z"
        )
        self.subscribe(
            "subscription.changed", "so", "cus_o", price="15.00", when="2026-03-01T00:00:00Z"
        )
        self.sub_event("subscription.cancelled", "so", "cus_o", when="2026-04-01T00:00:00Z")
        self.subscribe(
            "subscription.reactivated", "so", "cus_o", price="15.00", when="2026-05-01T00:00:00Z"
        )
        groups = self.env["saas.mrr.movement"].read_group(
            [("subscription_id", "=", self.subscription("so").id)],
            ["delta_company:sum"],
            ["movement_type"],
            lazy=False,
        )
        self.assertEqual(
            [g["movement_type"] for g in groups],
            ["new", "expansion", "contraction", "churn", "reactivation"],
        )
        sub = self.subscription("so")
        self.assertEqual(sub.plan_product_id, self.product_starter)
        self.assertEqual(_d(sub.arr), D(180))


@tagged("post_install", "-at_install")
class TestSnapshotIncremental(MetricsCommon):
    """After each kind of change, the incremental refresh leaves the snapshot
    equal, row for row and column for column, to a whole rewrite."""

    def rows(self):
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT month, subscription_id, partner_id, company_id, system_id, user_id,
                      product_id, currency_id, company_currency_id, mrr, mrr_company,
                      arr_company, opening_company, new_company, expansion_company,
                      contraction_company, churn_company, reactivation_company, fx_company,
                      earning
                 FROM saas_mrr_snapshot ORDER BY subscription_id, month"""
        )
        return self.env.cr.fetchall()

    def settle(self):
        """As if every write so far had happened long before the last refresh
        (in a test everything is written at the transaction's time)."""
        self.env.flush_all()
        for table in ("saas_mrr_movement", "saas_mrr_point", "saas_subscription", "res_partner"):
            self.env.cr.execute(
                SQL(
                    """UPDATE %s SET write_date = now() - interval '1 day'
                        WHERE write_date > now() - interval '1 hour'""",
                    SQL.identifier(table),
                )
            )
        self.env.cr.execute("SELECT now() AT TIME ZONE 'UTC' - interval '15 minutes'")
        self.env["ir.config_parameter"].set_param(
            "saas_metrics.snapshot_refreshed_at",
            fields.Datetime.to_string(self.env.cr.fetchone()[0]),
        )
        self.env.invalidate_all()

    def assertRefreshEqualsRewrite(self, step, written=None):
        """Refresh what changed, compare with a whole rewrite, settle. Returns
        the number of rows the refresh wrote (fewer than the rewrite)."""
        Snapshot = self.env["saas.mrr.snapshot"]
        refreshed = Snapshot._refresh_stale()
        incremental = self.rows()
        everything = Snapshot._refresh_snapshot()
        self.assertEqual(incremental, self.rows(), step)
        self.assertLess(refreshed, everything, f"{step}: only what changed is written")
        if written is not None:
            self.assertEqual(refreshed, written, step)
        self.settle()
        return refreshed

    def sub_rows(self, sub_id):
        return self.env["saas.mrr.snapshot"].search(
            [("subscription_id", "=", self.subscription(sub_id).id)], order="month"
        )

    def test_incremental_refresh_equals_a_whole_rewrite(self):
        Snapshot = self.env["saas.mrr.snapshot"]
        today = fields.Date.today()
        this_month = f"{today.replace(day=1)}T00:00:00Z"
        self.customer("cus_x1")
        self.customer("cus_x2")
        self.monthly_and_annual("sx1", "sx2", "cus_x1", "cus_x1")
        self.subscribe(
            "subscription.activated", "sx3", "cus_x2", price="30.00", when="2026-03-05T00:00:00Z"
        )
        self.sub_event("subscription.cancelled", "sx3", "cus_x2", when="2026-06-02T00:00:00Z")
        Snapshot._refresh_snapshot()
        self.settle()
        sx1, sx2, sx3 = (self.subscription(name) for name in ("sx1", "sx2", "sx3"))

        # a new movement in the current month: that month's row of sx1 only
        self.subscribe("subscription.changed", "sx1", "cus_x1", price="70.00", when=this_month)
        self.assertRefreshEqualsRewrite("movement this month", written=1)
        self.assertEqual(_d(self.sub_rows("sx1")[-1].mrr), D(70))

        # a late event lands in April, before the churn of June: sx3 from April on
        late = self.subscribe(
            "subscription.changed", "sx3", "cus_x2", price="45.00", when="2026-04-07T00:00:00Z"
        )
        self.assertIn("added to the ledger history", late.ignore_reason)
        self.assertRefreshEqualsRewrite("back-dated movement")
        self.assertEqual(
            [(r.month.month, _d(r.mrr)) for r in self.sub_rows("sx3")],
            [(3, D(30)), (4, D(45)), (5, D(45)), (6, D(0))],
        )

        # a plan change: the current month says Pro, the months before Starter
        self.subscribe(
            "subscription.changed", "sx1", "cus_x1", plan="pro", price="99.00", when=this_month
        )
        self.assertRefreshEqualsRewrite("plan change")
        rows = self.sub_rows("sx1")
        self.assertEqual(rows[-1].product_id, self.product_pro)
        self.assertEqual(rows[-2].product_id, self.product_starter)

        # the fallback plan of months without a stated plan is today's plan
        # (the ledger is written by its engine only: these steps write as it does)
        Point = as_ledger_writer(self.env["saas.mrr.point"].sudo())
        Point.search([("subscription_id", "=", sx2.id)]).product_id = False
        sx2.line_ids.product_id = self.product_pro
        self.assertRefreshEqualsRewrite("plan of today")
        self.assertEqual(set(self.sub_rows("sx2").product_id.ids), {self.product_pro.id})

        # a salesperson on the customer: every row of its subscriptions, only those
        salesperson = self.env["res.users"].create({"name": "Seller", "login": "seller_x"})
        sx1.partner_id.commercial_partner_id.user_id = salesperson
        written = self.assertRefreshEqualsRewrite("salesperson")
        self.assertEqual(written, len(self.sub_rows("sx1")) + len(self.sub_rows("sx2")))
        self.assertEqual(set(self.sub_rows("sx2").user_id.ids), {salesperson.id})

        # another customer for a subscription
        sx2.partner_id = sx3.partner_id
        self.assertRefreshEqualsRewrite("customer change")
        self.assertEqual(self.sub_rows("sx2").partner_id, sx3.partner_id.commercial_partner_id)

        # movements and facts that leave a month: deleted, moved to a later
        # month or to another subscription (their write dates tell only where
        # they are now)
        first = as_ledger_writer(sx1.sudo().movement_ids).sorted("date")[0]
        self.assertEqual(first.date, date(2026, 1, 10))
        first.unlink()
        self.assertRefreshEqualsRewrite("movement deleted")
        # without its January movement sx1 has no MRR before this month
        self.assertEqual(self.sub_rows("sx1")[0].month, today.replace(day=1))
        as_ledger_writer(sx2.sudo().movement_ids).sorted("date")[0].date = date(2026, 5, 20)
        self.assertRefreshEqualsRewrite("movement moved later")
        self.assertEqual(self.sub_rows("sx2")[0].month, date(2026, 5, 1))
        as_ledger_writer(sx3.sudo().movement_ids).sorted("date")[0].subscription_id = sx1
        self.assertRefreshEqualsRewrite("movement moved to another subscription")
        point = Point.search(
            [("subscription_id", "=", sx1.id), ("product_id", "=", self.product_starter.id)]
        )
        point.date = date(2026, 11, 2)
        self.assertRefreshEqualsRewrite("plan fact moved later")
        self.assertEqual(self.sub_rows("sx1")[0].product_id, self.product_pro)
        Point.search([("subscription_id", "=", sx1.id)]).unlink()
        self.assertRefreshEqualsRewrite("plan facts deleted")

        # the horizon moves to a new month, then one more: the new months are
        # appended for the subscriptions with MRR, nothing else is written
        self.env.cr.execute(
            """SELECT COUNT(*) FROM saas_mrr_snapshot
                WHERE month = %s AND (mrr != 0 OR mrr_company != 0)""",
            [today.replace(day=1)],
        )
        earning = self.env.cr.fetchone()[0]
        self.assertTrue(earning)
        with freeze_time(add_months(today, 1)):
            self.assertRefreshEqualsRewrite("next month", written=earning)
        with freeze_time(add_months(today, 3)):
            self.assertRefreshEqualsRewrite("two months later", written=2 * earning)
            horizon = Snapshot._horizon()
        self.assertEqual(horizon, add_months(today.replace(day=1), 3))
        # back to today: the horizon moved back, every row is rewritten
        written = Snapshot._refresh_stale()
        self.env.cr.execute("SELECT COUNT(*), MAX(month) FROM saas_mrr_snapshot")
        self.assertEqual(self.env.cr.fetchone(), (written, today.replace(day=1)))


@tagged("post_install", "-at_install")
class TestSnapshotFx(MetricsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 2.00 company units per EUR in January, 2.50 from February.
        cls.eur = cls.setup_other_currency("EUR", rates=[("2026-01-01", 0.5), ("2026-02-01", 0.4)])

    def test_rate_change_alone_is_only_fx(self):
        self.customer()
        self.assertDone(
            self.subscribe(
                "subscription.activated",
                "sub_fx",
                price="100.00",
                currency="EUR",
                when="2026-01-10T00:00:00Z",
            )
        )
        # the scheduled action runs as superuser, over every company
        self.env["saas.mrr.movement"].sudo()._cron_post_fx_movements(until=date(2026, 3, 15))
        self.refresh()
        jan, feb, mar = self.env["saas.metrics"]._month_figures(
            [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)], self.company
        )
        self.assertEqual((jan["new"], jan["closing"]), (D(200), D(200)))
        self.assertEqual(
            [feb[k] for k in BRIDGE], [D(200), D(0), D(0), D(0), D(0), D(0), D(50), D(250)]
        )
        self.assertEqual((mar["opening"], mar["fx"], mar["closing"]), (D(250), D(0), D(250)))
        row = self.env["saas.mrr.snapshot"].search(
            [("subscription_id", "=", self.subscription("sub_fx").id), ("month", "=", "2026-02-01")]
        )
        self.assertEqual(
            (_d(row.mrr), _d(row.mrr_company), _d(row.fx_company)), (D(100), D(250), D(50))
        )


@tagged("post_install", "-at_install")
class TestDemoHistory(MetricsCommon):
    def test_demo_history_went_through_the_engine(self):
        # the demo belongs to the demo company: read it as superuser
        self.env = self.env(su=True)
        demo = self.env.ref("saas_subscription.demo_system_billing")
        events = self.env["saas.event"].search(
            [("system_id", "=", demo.id), ("external_id", "=like", "evt_demo_met_%")]
        )
        self.assertGreater(len(events), 800)
        self.assertEqual(set(events.mapped("state")) - {"done", "ignored"}, set())
        types = set(events.mapped("event_type"))
        for kind in (
            "subscription.changed",
            "subscription.cancelled",
            "subscription.reactivated",
            "payment.failed",
            "credit_note.issued",
            "refund.issued",
        ):
            self.assertIn(kind, types)
        subscriptions = self.env["saas.subscription"].search([("name", "=like", "sub_met_%")])
        self.assertGreaterEqual(len(subscriptions), 200)
        self.assertEqual(set(subscriptions.currency_id.mapped("name")), {"EUR", "USD"})
        self.assertEqual(set(subscriptions.line_ids.mapped("interval")), {"month", "year"})
        self.assertIn(3, subscriptions.line_ids.mapped("interval_count"))
        movements = subscriptions.movement_ids
        self.assertEqual(
            set(movements.mapped("movement_type")),
            {"new", "expansion", "contraction", "churn", "reactivation", "fx"},
        )
        months = {m.date.replace(day=1) for m in movements}
        self.assertGreaterEqual(len(months), 17)
        self.assertLedgerHolds()
