# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRevenueTour(HttpCase):
    def test_schedule_batch_approve_entry(self):
        # Demo data: the Globex annual invoice has a schedule, January is posted.
        system = self.env.ref("saas_subscription.demo_system_billing")
        invoice = self.env["saas.binding"].find_record(system, "account.move", "in_globex_1")
        self.assertTrue(invoice.saas_revenue_schedule_ids, "the demo data must be installed")
        self.assertTrue(
            self.env["saas.revenue.batch"].search([("state", "=", "posted")]),
            "the demo posts January's batch",
        )
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "saas_revenue_tour",
            login="admin",
        )
        batch = self.env["saas.revenue.batch"].search([("name", "=", "Revenue 2026-02")])
        self.assertEqual(batch.state, "posted")
        self.assertEqual(batch.move_ids.state, "posted")

    def test_finance_reviewer_builds_approves_and_posts_a_batch(self):
        """Issue 19, a newcomer's first path, as the finance reviewer who
        approves batches (not the administrator): build, approve, post, open
        the entry."""
        new_test_user(
            self.env,
            login="tour_controller",
            groups="base.group_user,account.group_account_invoice,saas_sync.group_saas_reviewer",
        )
        system = self.env.ref("saas_subscription.demo_system_billing")
        invoice = self.env["saas.binding"].find_record(system, "account.move", "in_globex_1")
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "saas_revenue_tour",
            login="tour_controller",
        )
        batch = self.env["saas.revenue.batch"].search([("name", "=", "Revenue 2026-02")])
        self.assertEqual((batch.state, batch.move_ids.state), ("posted", "posted"))
        self.assertEqual(batch.move_ids.create_uid.login, "tour_controller")
