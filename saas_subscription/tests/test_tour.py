# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


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
