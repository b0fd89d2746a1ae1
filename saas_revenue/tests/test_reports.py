# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged
from odoo.tools.misc import format_amount

from .common import RevenueCommon


@tagged("post_install", "-at_install")
class TestRevenueReports(RevenueCommon):
    def test_deferred_revenue_report_columns(self):
        """Odoo documentation grouped example (Months) read for February 2023:
        A 1,200.00 and B 600.00 over 2023, C 600.00 from March."""
        a = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.make_invoice(600.0, date(2023, 1, 1), date(2023, 12, 31))
        c = self.make_invoice(
            600.0, date(2023, 3, 1), date(2024, 2, 29), invoice_date=date(2023, 1, 1)
        )
        wizard = self.env["saas.revenue.report.wizard"].create(
            {"date_from": date(2023, 2, 1), "date_to": date(2023, 2, 28)}
        )
        action = wizard.action_open()
        rows = self.env["saas.revenue.report"].search(action["domain"])
        self.assertEqual(len(rows), 3)
        row_a = rows.filtered(lambda r: r.schedule_id.move_id == a)
        self.assertEqual(
            (row_a.total, row_a.not_started, row_a.before, row_a.current, row_a.later),
            (1200.0, 0.0, 100.0, 100.0, 1000.0),
        )
        row_c = rows.filtered(lambda r: r.schedule_id.move_id == c)
        self.assertEqual(
            (row_c.not_started, row_c.before, row_c.current, row_c.later), (600.0, 0.0, 0.0, 0.0)
        )
        self.assertEqual(sum(rows.mapped("current")), 150.0)
        self.assertEqual(row_a.partner_id, self.partner_a.commercial_partner_id)
        groups = self.env["saas.revenue.report"].read_group(
            action["domain"], ["later:sum"], ["product_id"]
        )
        self.assertEqual(groups[0]["later"], 1500.0)

    def test_waterfall(self):
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.run_batch(date(2023, 1, 31))
        self.run_batch(date(2023, 2, 28))
        invoice._reverse_moves(
            [{"date": date(2023, 3, 5), "invoice_date": date(2023, 3, 5)}], cancel=True
        )
        self.run_batch(date(2023, 3, 31))
        self.env.flush_all()
        rows = self.env["saas.revenue.waterfall"].search([("company_id", "=", self.company.id)])
        by_month = {r.month: r for r in rows}
        jan, feb, mar = (by_month[date(2023, m, 1)] for m in (1, 2, 3))
        self.assertEqual(
            (jan.opening, jan.additions, jan.recognized, jan.closing), (0.0, 1200.0, 100.0, 1100.0)
        )
        self.assertEqual((feb.opening, feb.recognized, feb.closing), (1100.0, 100.0, 1000.0))
        # March: the void takes 1,200.00 back, the batch reverses the 200.00 recognized.
        self.assertEqual(
            (mar.opening, mar.reversed, mar.recognized, mar.closing), (1000.0, 1200.0, -200.0, 0.0)
        )

    def test_tieout_alert_once_per_incident(self):
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        Monitor = self.env["saas.monitor"]
        Monitor._check_revenue_tieout()
        self.assertFalse(self.company.saas_revenue_tieout_alert_open)
        self.assertTrue(Monitor.get_dashboard_data()["revenue_tieout"][0]["balanced"])
        # A manual entry on the deferred account breaks the tie-out.
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": date(2023, 2, 1),
                "journal_id": self.revenue_journal.id,
                "line_ids": [
                    (0, 0, {"account_id": self.deferred_account.id, "debit": 50.0}),
                    (0, 0, {"account_id": self.income_account.id, "credit": 50.0}),
                ],
            }
        )
        entry.action_post()
        Monitor._check_revenue_tieout()
        Monitor._check_revenue_tieout()
        self.assertTrue(self.company.saas_revenue_tieout_alert_open)
        partner = self.company.partner_id
        alerts = partner.activity_ids.filtered(lambda a: "tie-out" in (a.summary or ""))
        self.assertEqual(
            len(alerts),
            len(
                self.env.ref("saas_sync.group_saas_reviewer").users.filtered(lambda u: not u.share)
            ),
        )
        row = Monitor.get_dashboard_data()["revenue_tieout"][0]
        self.assertEqual((row["difference"], row["balanced"]), (-50.0, False))
        # Issue 19: the screen and the alert showed "1150.0": the company's format now
        currency = self.company.currency_id
        self.assertEqual(row["deferred_display"], format_amount(self.env, 1150.0, currency))
        self.assertEqual(row["difference_display"], format_amount(self.env, -50.0, currency))
        self.assertIn("1,150.00", row["deferred_display"])
        self.assertIn(currency.symbol, row["deferred_display"])
        self.assertIn("1,150.00", alerts[0].note)
        entry.button_draft()
        entry.button_cancel()
        Monitor._check_revenue_tieout()
        self.assertFalse(self.company.saas_revenue_tieout_alert_open)
        self.assertFalse(partner.activity_ids.filtered(lambda a: "tie-out" in (a.summary or "")))
