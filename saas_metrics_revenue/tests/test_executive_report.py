# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import shutil
import subprocess
import tempfile
from datetime import date

from odoo.tests import HttpCase, tagged

from odoo.addons.saas_revenue.tests.common import RevenueCommon


@tagged("post_install", "-at_install")
class TestDeferredRevenueInTheReport(RevenueCommon, HttpCase):
    """Odoo's documentation, deferred revenues: 1,200.00 over 2023 recognized
    by month leaves 1,100.00 deferred after January; the executive report of
    January 2023 prints that balance. (An HttpCase: wkhtmltopdf reads the
    report's assets from the test server, which shares the test's cursor.)"""

    def test_the_report_prints_the_deferred_revenue_balance(self):
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        Metrics = self.env["saas.metrics"]
        before = Metrics._deferred_revenue_balance(date(2023, 1, 31), self.company, self.currency)
        self.assertEqual(before, 1200)  # nothing recognized yet
        self.run_batch(date(2023, 1, 31))
        balance = Metrics._deferred_revenue_balance(date(2023, 1, 31), self.company, self.currency)
        self.assertEqual(balance, 1100)
        self.assertEqual(balance, self.tieout_at(date(2023, 1, 31))["deferred"])
        # At a date before the invoice, nothing was deferred.
        self.assertEqual(
            Metrics._deferred_revenue_balance(date(2022, 12, 31), self.company, self.currency), 0
        )
        values = Metrics._executive_values(date(2023, 1, 1), self.company)
        shown = Metrics._format(balance, self.currency)
        self.assertEqual(values["deferred_revenue"], shown)

        wizard = self.env["saas.executive.report.wizard"].create(
            {"month": date(2023, 1, 1), "company_id": self.company.id}
        )
        action = wizard.action_print()
        report = self.env["ir.actions.report"]._get_report_from_name(action["report_name"])
        pdf, _kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, wizard.ids
        )
        pdftotext = shutil.which("pdftotext")
        self.assertTrue(pdftotext, "pdftotext (poppler-utils) is needed by this test")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            text = subprocess.run(
                [pdftotext, "-layout", handle.name, "-"], capture_output=True, check=True, text=True
            ).stdout.replace("\xa0", " ")
        line = next((row for row in text.splitlines() if "Deferred revenue" in row), "")
        self.assertIn(shown.replace("\xa0", " "), line, text)
