# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import SaasSyncCommon, canonical_event


@tagged("post_install", "-at_install")
class TestDashboardTour(SaasSyncCommon, HttpCase):
    def test_dashboard_filter_and_replay(self):
        event = self.store(canonical_event("evt_tour_dead"))
        event.write(
            {"state": "dead", "error_class": "validation", "last_error": "scripted failure"}
        )
        self.start_tour("/odoo/saas-dashboard", "saas_sync_dashboard_tour", login="admin")
        self.assertEqual(event.state, "retry")
