# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSubscriptionTour(HttpCase):
    def test_subscription_movements_and_invoices(self):
        # The demo history (saas_subscription's demo data) has sub_acme with two
        # movements and two invoices.
        subscription = self.env["saas.subscription"].search([("name", "=", "sub_acme")])
        self.assertTrue(subscription, "the demo data must be installed")
        self.start_tour(
            "/odoo/action-saas_subscription.action_saas_subscription",
            "saas_subscription_tour",
            login="admin",
        )

    def test_finance_reviewer_creates_and_approves_a_system_mapping(self):
        """Issue 19, a newcomer's first path: from the menus, a finance
        reviewer maps a plan of one billing system to a product and approves it."""
        system = self.env["saas.system"].create(
            {"name": "Tour billing", "code": "tour-billing", "kind": "billing"}
        )
        product = self.env["product.product"].create({"name": "Tour Team plan", "type": "service"})
        reviewer = new_test_user(
            self.env,
            login="tour_reviewer",
            groups="base.group_user,saas_sync.group_saas_reviewer",
        )
        self.start_tour("/odoo", "saas_subscription_mapping_tour", login="tour_reviewer")
        mapping = self.env["saas.mapping"].search([("external_key", "=", "team_annual")])
        self.assertEqual(
            (mapping.system_id, mapping.kind, mapping.target_ref, mapping.state),
            (system, "product", product, "approved"),
        )
        self.assertEqual(mapping.approved_by_id, reviewer)
        self.assertEqual(
            self.env["saas.mapping"].resolve(system, "product", "team_annual"), product
        )
