# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMetricsTour(HttpCase):
    def test_dashboard_pivot_and_report(self):
        # The demo history of saas_metrics (a few hundred customers) is installed.
        self.assertGreater(
            self.env["saas.subscription"].search_count([("name", "=like", "sub_met_%")]), 100
        )
        self.start_tour(
            "/odoo/action-saas_metrics.action_saas_metrics_dashboard",
            "saas_metrics_tour",
            login="admin",
        )

    def test_finance_user_prints_the_executive_report_of_a_month(self):
        """Issue 19, a newcomer's first path: from the menus, a finance user
        opens the executive report, picks a month and prints it; the PDF of
        that month is rendered (the server side of the download)."""
        new_test_user(
            self.env,
            login="tour_cfo",
            groups="base.group_user,account.group_account_invoice,saas_sync.group_saas_reviewer",
        )
        Report = type(self.env["ir.actions.report"])
        render_pdf = Report._render_qweb_pdf
        printed = []

        def spy(report, report_ref, res_ids=None, data=None):
            result = render_pdf(report, report_ref, res_ids=res_ids, data=data)
            # names only: the record belongs to the request's closed cursor
            printed.append((report._get_report(report_ref).report_name, res_ids, result))
            return result

        with patch.object(Report, "_render_qweb_pdf", spy):
            self.start_tour("/odoo", "saas_metrics_executive_report_tour", login="tour_cfo")
        [(report_name, res_ids, (content, kind))] = printed
        self.assertTrue(report_name.startswith("saas_metrics."), report_name)
        wizard = self.env["saas.executive.report.wizard"].browse(res_ids)
        self.assertEqual(wizard.month, date(2026, 3, 1))
        # Odoo's test mode renders the HTML that wkhtmltopdf would print
        self.assertEqual(kind, "html")
        self.assertIn("March 2026", content.decode())
