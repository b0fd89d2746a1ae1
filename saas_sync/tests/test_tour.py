# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from .common import SaasSyncCommon, canonical_event, scripted_handler


@tagged("post_install", "-at_install")
class TestDashboardTour(SaasSyncCommon, HttpCase):
    def test_dashboard_filter_and_replay(self):
        event = self.store(canonical_event("evt_tour_dead"))
        event.write(
            {"state": "dead", "error_class": "validation", "last_error": "scripted failure"}
        )
        self.start_tour("/odoo/saas-dashboard", "saas_sync_dashboard_tour", login="admin")
        self.assertEqual(event.state, "retry")

    def test_dashboard_drilldowns_show_their_filters(self):
        pending = self.store(canonical_event("evt_tour_pending"))
        dead = self.store(canonical_event("evt_tour_dead_dd"))
        dead.write({"state": "dead", "error_class": "validation", "last_error": "scripted"})
        done = self.store(canonical_event("evt_tour_done_dd"))
        done.write({"state": "done"})
        self.start_tour("/odoo/saas-dashboard", "saas_sync_dashboard_drilldown_tour", login="admin")
        self.assertEqual(pending.state, "received")

    def test_parked_event_fixed_by_approving_its_draft_mapping(self):
        """The runbook's fix: open the parked event, its draft mapping, pick the
        record, approve; the lane worker then runs the event to done."""
        event = self.store(canonical_event("evt_dollar"))
        with scripted_handler(self.registry) as handler:
            handler.script["evt_dollar"] = [("mapping", "currency", "DOLLAR"), "ok"]
            self.process()
            self.assertEqual(event.state, "needs_mapping")
            self.assertEqual(event.missing_mapping_id.state, "draft")
            self.start_tour(
                f"/odoo/action-saas_sync.action_saas_event/{event.id}",
                "saas_sync_mapping_approval_tour",
                login="admin",
            )
            mapping = event.missing_mapping_id
            self.assertEqual(mapping.state, "approved")
            self.assertEqual(mapping.target_ref, self.env.ref("base.USD"))
            self.assertEqual(event.state, "retry")
            # What the lane cron does once triggered.
            self.process()
        self.assertEqual(event.state, "done")
        self.start_tour(
            f"/odoo/action-saas_sync.action_saas_event/{event.id}",
            "saas_sync_event_done_tour",
            login="admin",
        )
