# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


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
