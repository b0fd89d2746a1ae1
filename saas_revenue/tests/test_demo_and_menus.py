# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo data (schedules from the demo invoices, one posted batch) ties
out, and every Revenue menu opens its views (tests run with demo data)."""

from datetime import date

from odoo.tests import TransactionCase, tagged

MENUS = {
    "saas_revenue.menu_saas_revenue_schedules": ["list", "form"],
    "saas_revenue.menu_saas_revenue_batches": ["list", "form"],
    "saas_revenue.menu_saas_revenue_batch_build": ["form"],
    "saas_revenue.menu_saas_revenue_defer_past": ["form"],
    "saas_revenue.menu_saas_revenue_report": ["form"],
    "saas_revenue.menu_saas_revenue_waterfall": ["list", "graph"],
}


@tagged("post_install", "-at_install")
class TestDemoAndMenus(TransactionCase):
    def test_demo_invoices_have_schedules_and_a_posted_batch(self):
        company = self.env.ref("saas_subscription.demo_system_billing").company_id
        schedules = self.env["saas.revenue.schedule"].search([("company_id", "=", company.id)])
        self.assertTrue(schedules, "the demo invoices have schedules")
        self.assertTrue(schedules.move_id.saas_event_id, "the demo invoices came from the inbox")
        batch = self.env["saas.revenue.batch"].search(
            [("company_id", "=", company.id), ("state", "=", "posted")]
        )
        self.assertEqual(batch.date, date(2026, 1, 31))
        self.assertTrue(batch.move_ids)
        self.assertEqual(set(batch.move_ids.mapped("state")), {"posted"})
        self.assertEqual(set(batch.line_ids.mapped("state")), {"posted"})
        monitor = self.env["saas.monitor"]
        for day in (date(2025, 12, 31), date(2026, 1, 15), date(2026, 1, 31), date(2026, 6, 30)):
            rows = monitor._revenue_tieout(day=day, company_ids=company.ids)
            self.assertTrue(all(row["balanced"] for row in rows), (day, rows))
        row = monitor._revenue_tieout(day=date(2026, 1, 31), company_ids=company.ids)[0]
        self.assertGreater(row["deferred"], 0.0)

    def test_revenue_menus_open_their_views(self):
        # The report's rows (opened by the report wizard): pivot, list and graph.
        report = self.env.ref("saas_revenue.action_saas_revenue_report_rows")
        self.assertEqual(report.view_mode, "pivot,list,graph")
        opened = [(report, ["pivot", "list", "graph"])]
        opened += [(self.env.ref(xmlid).action, modes) for xmlid, modes in MENUS.items()]
        for action, modes in opened:
            self.assertEqual(action._name, "ir.actions.act_window", action.name)
            views = self.env[action.res_model].get_views([(False, mode) for mode in modes])
            self.assertEqual(set(views["views"]), set(modes), action.name)
