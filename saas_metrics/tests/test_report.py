# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import shutil
import subprocess
import tempfile
from datetime import date
from decimal import Decimal

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.saas_subscription.lib.mrr import to_decimal

from .common import MetricsCommon

D = Decimal


@tagged("post_install", "-at_install")
class TestExecutiveReport(MetricsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.support = new_test_user(
            cls.env,
            login="metrics_support",
            password="metrics_support_pw",
            groups="base.group_user,saas_sync.group_saas_support",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.outsider = new_test_user(
            cls.env,
            login="metrics_outsider",
            password="metrics_outsider_pw",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def history(self):
        for cus in ("cus_1", "cus_2", "cus_3", "cus_4"):
            self.customer(cus, name=f"Customer {cus.upper()}")
        jan, feb = "2026-01-05T00:00:00Z", "2026-02-10T00:00:00Z"
        self.subscribe("subscription.activated", "s1", "cus_1", price="100.00", when=jan)
        self.subscribe("subscription.activated", "s2", "cus_2", price="100.00", when=jan)
        self.subscribe("subscription.activated", "s3", "cus_3", price="100.00", when=jan)
        self.subscribe("subscription.changed", "s1", "cus_1", price="130.00", when=feb)
        self.subscribe("subscription.changed", "s2", "cus_2", price="80.00", when=feb)
        self.sub_event("subscription.cancelled", "s3", "cus_3", when=feb)
        self.subscribe("subscription.activated", "s4", "cus_4", price="60.00", when=feb)
        # The financial lane's refresh: the dashboard and the report only read.
        self.refresh()

    def test_pdf_renders_with_the_kpis(self):
        self.history()
        wizard = self.env["saas.executive.report.wizard"].create(
            {"month": date(2026, 2, 17), "company_id": self.company.id}
        )
        wizard._onchange_month()
        self.assertEqual(wizard.month, date(2026, 2, 1))
        action = wizard.action_print()
        report = self.env["ir.actions.report"]._get_report_from_name(action["report_name"])
        self.assertTrue(report.report_name.startswith("saas_metrics."))
        self.assertEqual(report.report_type, "qweb-pdf")
        values = self.env["saas.metrics"]._executive_values(wizard.month, self.company)
        figures = values["figures"]
        self.assertEqual(figures["closing"], D(270))
        self.assertEqual(figures["logo_churn"], D("33.33"))
        # The deferred revenue line comes from the saas_metrics_revenue bridge,
        # installed with saas_revenue (this history has nothing deferred: 0.00).
        bridged = self.env["ir.module.module"].search_count(
            [("name", "=", "saas_metrics_revenue"), ("state", "=", "installed")]
        )
        zero = self.env["saas.metrics"]._format(D(0), self.currency)
        self.assertEqual(values["deferred_revenue"], zero if bridged else None)
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, wizard.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        pdftotext = shutil.which("pdftotext")
        self.assertTrue(pdftotext, "pdftotext (poppler-utils) is needed by this test")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            text = subprocess.run(
                [pdftotext, "-layout", handle.name, "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout.replace("\xa0", " ")
        fmt = self.env["saas.metrics"]._format
        expected = [
            "SaaS executive report",
            "February 2026",
            fmt(figures["closing"], self.currency),  # MRR 270.00
            fmt(figures["arr"], self.currency),  # ARR 3,240.00
            fmt(figures["arpa"], self.currency),  # ARPA 90.00
            "33.33 %",  # logo churn
            "40.00 %",  # gross MRR churn
            "30.00 %",  # net MRR churn
            "70.00 %",  # net revenue retention
            "0.75",  # quick ratio
            fmt(figures["ltv"], self.currency),
            "Customer CUS_3",  # top churn
            "Customer CUS_1",  # top expansion
            "Opening MRR",
            "Closing MRR",
        ]
        for snippet in expected:
            self.assertIn(snippet.replace("\xa0", " "), text)

    def test_future_month_refused(self):
        """Issue 19 #5: a month after the current one has no figures yet."""
        today = date.today()
        following = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        wizard = self.env["saas.executive.report.wizard"].create(
            {"month": following, "company_id": self.company.id}
        )
        with self.assertRaisesRegex(UserError, "has not started yet"):
            wizard.action_print()
        with self.assertRaisesRegex(UserError, "has not started yet"):
            self.env["saas.metrics"]._executive_values(following, self.company)
        current = self.env["saas.executive.report.wizard"].create(
            {"month": today.replace(day=1), "company_id": self.company.id}
        )
        self.assertEqual(current.action_print()["type"], "ir.actions.report")

    def test_cohort_retention_of_the_history(self):
        # January cohort: 3 customers, 300.00; in February one churns, one
        # expands to 130.00 and one contracts to 80.00; cus_4 starts in February.
        self.history()
        self.refresh()
        cohorts = self.env["saas.metrics"]._cohorts(date(2026, 2, 1), self.company, self.currency)
        january, february = cohorts[date(2026, 1, 1)], cohorts[date(2026, 2, 1)]
        self.assertEqual((january["customers"], january["mrr"]), (3, D(300)))
        self.assertEqual(january["ages"][0], (3, D(300), D("100.00"), D("100.00")))
        self.assertEqual(january["ages"][1], (2, D(210), D("66.67"), D("70.00")))
        self.assertEqual((february["customers"], february["mrr"]), (1, D(60)))
        self.assertNotIn(1, february["ages"])
        # the report prints the same table
        values = self.env["saas.metrics"]._executive_values(date(2026, 2, 1), self.company)
        rows = {row["label"]: row for row in values["cohorts"]}
        self.assertEqual(rows["Jan 2026"]["cells"][:2], ["100.00 %", "70.00 %"])
        self.assertEqual(rows["Feb 2026"]["customers"], 1)

    def test_all_companies_converted(self):
        self.history()
        values = self.env["saas.metrics"]._executive_values(date(2026, 2, 1))
        one = self.env["saas.metrics"]._executive_values(date(2026, 2, 1), self.company)
        # the demo companies add their own MRR; the bridge still closes
        figures = values["figures"]
        bridge = sum(
            (
                figures[k]
                for k in ("new", "expansion", "contraction", "churn", "reactivation", "fx")
            ),
            D(0),
        )
        self.assertEqual(figures["opening"] + bridge, figures["closing"])
        self.assertGreaterEqual(figures["customers"], one["figures"]["customers"])

    def test_dashboard_over_json_rpc_for_the_support_group(self):
        self.history()
        self.authenticate("metrics_support", "metrics_support_pw")
        data = self.make_jsonrpc_request(
            "/web/dataset/call_kw/saas.metrics/get_dashboard_data",
            {
                "model": "saas.metrics",
                "method": "get_dashboard_data",
                "args": [],
                "kwargs": {"month": "2026-02-01"},
            },
        )
        cards = {card["key"]: card for card in data["cards"]}
        self.assertEqual(cards["closing"]["value"], 270.0)
        self.assertEqual(cards["closing"]["change"], -10.0)  # 300 -> 270
        self.assertEqual(len(data["trend"]), 12)
        self.assertEqual(data["trend"][-1]["mrr"], 270.0)
        self.assertEqual(
            [line["key"] for line in data["bridge"]],
            [
                "opening",
                "new",
                "expansion",
                "contraction",
                "churn",
                "reactivation",
                "fx",
                "closing",
            ],
        )

    def pdf_pages(self, wizard):
        """The executive report of ``wizard`` rendered to PDF, as the text of
        each printed page."""
        report = self.env.ref("saas_metrics.action_report_saas_executive")
        pdf, _kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, wizard.ids
        )
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            text = subprocess.run(
                [shutil.which("pdftotext"), "-layout", handle.name, "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout.replace("\xa0", " ")
        return [page for page in text.split("\f") if page.strip()]

    def test_dashboard_of_any_month_with_churn_grr_cohorts_and_dso(self):
        """Issue 19: the dashboard had no month picker (a month argument the
        screen never sent), showed zeros for a month not started, had no gross
        churn nor GRR, and its cohorts and DSO were only in the PDF."""
        self.history()
        Metrics = self.env["saas.metrics"]
        data = Metrics.get_dashboard_data(month="2026-02-17")
        self.assertFalse(data["not_yet"])
        self.assertEqual(data["month"], "2026-02-01")
        cards = {card["key"]: card for card in data["cards"]}
        # churn 100.00 and contraction 20.00 of an opening 300.00
        self.assertEqual(cards["gross_mrr_churn"]["display"], "40.00 %")
        self.assertEqual(cards["grr"]["display"], "60.00 %")
        cohorts = Metrics.get_dashboard_cohorts(month="2026-02-17")
        rows = {row["label"]: row for row in cohorts["cohorts"]}
        self.assertEqual(rows["Jan 2026"]["cells"][:2], ["100.00 %", "70.00 %"])
        self.assertEqual(cohorts["cohort_ages"], list(range(12)))
        report = Metrics._executive_values(date(2026, 2, 1), self.company)
        self.assertEqual(data["collections"]["dso"], report["collections"]["dso"])
        # a movement and its fact read as business words, not "saas.mrr.movement,736"
        expansion = self.env["saas.mrr.movement"].search(
            [
                ("subscription_id", "=", self.subscription("s1").id),
                ("movement_type", "=", "expansion"),
            ]
        )
        name = self.subscription("s1").name
        self.assertEqual(expansion.display_name, f"Expansion of {name} on 02/10/2026")
        self.assertEqual(expansion.point_id.display_name, f"{name} on 02/10/2026")
        self.assertEqual(data["collections"]["as_of"], report["collections"]["as_of"])
        # a month not started yet: no figures, a message
        today = date.today()
        following = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        future = Metrics.get_dashboard_data(month=str(following))
        self.assertTrue(future["not_yet"])
        self.assertIn("has not started yet", future["message"])
        self.assertEqual((future["cards"], future["bridge"], future["trend"]), ([], [], []))
        self.assertEqual(Metrics.get_dashboard_cohorts(month=str(following))["cohorts"], [])
        self.assertEqual(future["current_month"], str(today.replace(day=1)))

    def test_a_month_restated_after_it_was_printed(self):
        """Issue 19: approving a waiting mapping restated November's MRR after
        November's PDF was printed, and nothing said so."""
        self.history()
        self.refresh()
        wizard = self.env["saas.executive.report.wizard"].create(
            {"month": date(2026, 2, 1), "company_id": self.company.id}
        )
        Report = self.env["report.saas_metrics.report_saas_executive"]
        Metrics = self.env["saas.metrics"]
        Report._get_report_values(wizard.ids)
        stamp = self.env["saas.metrics.print"].search(
            [("company_id", "=", self.company.id), ("month", "=", "2026-02-01")]
        )
        self.assertEqual(len(stamp), 1)
        self.assertEqual(stamp.figures["closing"], "270.00")
        self.assertFalse(Metrics.get_dashboard_data(month="2026-02-01")["restatements"])
        # the print happened before what follows (one transaction here)
        self.env.cr.execute(
            """UPDATE saas_mrr_movement SET create_date = '2020-01-01', write_date = '2020-01-01'
                WHERE company_id = %s""",
            [self.company.id],
        )
        stamp.sudo().printed_at = "2021-01-01 00:00:00"
        self.env.invalidate_all()
        # a late event: a customer who started in February
        self.customer("cus_5", name="Customer CUS_5")
        late = self.subscribe(
            "subscription.activated", "s5", "cus_5", price="25.00", when="2026-02-20T00:00:00Z"
        )
        self.refresh()
        (restated,) = Metrics.get_dashboard_data(month="2026-02-01")["restatements"]
        fmt = Metrics._format
        changes = {change["label"]: change for change in restated["changes"]}
        self.assertEqual(changes["Closing MRR"]["printed"], fmt(D(270), self.currency))
        self.assertEqual(changes["Closing MRR"]["now"], fmt(D(295), self.currency))
        self.assertEqual(changes["New"]["now"], fmt(D(85), self.currency))
        self.assertNotIn("Opening MRR", changes)
        (movement,) = restated["movements"]
        self.assertEqual(movement["customer"], "Customer CUS_5")
        self.assertEqual(movement["event"], late.display_name)
        self.assertEqual(movement["amount"], fmt(D(25), self.currency))
        self.assertEqual(movement["how"], "new")
        # the report says it too, on its last page; printing it stamps the month again
        pages = self.pdf_pages(wizard)
        self.assertEqual(len(pages), 4)
        self.assertIn("Changed since last printed", pages[3])
        self.assertIn("Customer CUS_5", pages[3])
        self.assertIn(late.display_name, pages[3])
        self.assertIn("Page 4 of 4", pages[3])
        self.assertFalse(Metrics.get_dashboard_data(month="2026-02-01")["restatements"])
        # the current month is still moving: never stamped
        current = self.env["saas.executive.report.wizard"].create(
            {"month": date.today().replace(day=1), "company_id": self.company.id}
        )
        Report._get_report_values(current.ids)
        self.assertFalse(
            self.env["saas.metrics.print"].search_count([("month", "=", current.month)])
        )

    def test_every_printed_page_has_its_number(self):
        """Issue 19: Debian's wkhtmltopdf prints no footer: the executive PDF
        had no page number."""
        self.history()
        wizard = self.env["saas.executive.report.wizard"].create(
            {"month": date(2026, 2, 1), "company_id": self.company.id}
        )
        pages = self.pdf_pages(wizard)
        self.assertEqual(len(pages), 3)
        for number, page in enumerate(pages, start=1):
            self.assertIn(f"Page {number} of 3", page)
            self.assertEqual(page.count("Page "), 1, page)

    def test_dashboard_refused_without_group(self):
        self.authenticate("metrics_outsider", "metrics_outsider_pw")
        with self.assertRaises(Exception) as caught:
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/saas.metrics/get_dashboard_data",
                {"model": "saas.metrics", "method": "get_dashboard_data", "args": [], "kwargs": {}},
            )
        self.assertIn("AccessError", str(caught.exception))

    def test_mrr_as_of_a_date(self):
        self.history()
        wizard = self.env["saas.mrr.asof.wizard"].create({"date": date(2026, 1, 31)})
        self.assertEqual(wizard.company_id, self.env.company)
        action = wizard.action_open()
        groups = self.env["saas.mrr.movement"].read_group(
            action["domain"], ["delta_company:sum"], ["partner_id"]
        )
        # the demo companies' customers are not in it: only this company's
        self.assertEqual(len(groups), 3)
        self.assertEqual({to_decimal(g["delta_company"]) for g in groups}, {D(100)})
        self.assertEqual(action["context"]["pivot_row_groupby"], ["partner_id"])

    def test_mrr_as_of_a_date_per_company(self):
        self.history()
        other = self._create_company(name="Metrics other company")
        outside = self._create_company(name="Metrics company not allowed")
        user = new_test_user(
            self.env,
            login="metrics_two_companies",
            groups="base.group_user,saas_sync.group_saas_support",
            company_id=self.company.id,
            company_ids=[self.company.id, other.id],
        )
        Wizard = self.env["saas.mrr.asof.wizard"].with_user(user)
        # the default is the current company; the choice is among the selected ones
        both = Wizard.with_context(allowed_company_ids=[self.company.id, other.id])
        self.assertEqual(both.create({"date": date(2026, 2, 28)}).company_id, self.company)
        domain = both.fields_get(["company_id"])["company_id"]["domain"]
        self.assertEqual(domain, [("id", "in", [self.company.id, other.id])])
        wizard = both.create({"date": date(2026, 2, 28), "company_id": other.id})
        action = wizard.action_open()
        self.assertIn(("company_id", "=", other.id), action["domain"])
        movements = (
            self.env["saas.mrr.movement"]
            .with_user(user)
            .with_context(allowed_company_ids=[self.company.id, other.id])
        )
        self.assertFalse(movements.search(action["domain"]))
        mine = both.create({"date": date(2026, 2, 28)}).action_open()
        self.assertEqual(
            sum(to_decimal(m.delta_company) for m in movements.search(mine["domain"])), D(270)
        )
        # a company the user may use but has not selected, or may not use at all
        only_mine = Wizard.with_context(allowed_company_ids=[self.company.id])
        for company in (other, outside):
            with self.assertRaises(AccessError):
                only_mine.create({"date": date(2026, 2, 28), "company_id": company.id})
