# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from .common import SaasSyncCommon, canonical_event, scripted_handler


@tagged("post_install", "-at_install")
class TestDriftReport(SaasSyncCommon, TransactionCase):
    def test_the_drift_report_is_html_with_what_the_platform_sent_escaped(self):
        """Users saw ``<ul><li>`` as text: the report was posted as a string."""
        drifts = [
            ("sub_<b>1</b>", "MRR 10.00 instead of 12.00", {"id": "drift_1"}),
            ("sub_2", "cancelled on the platform", {"id": "drift_2"}),
        ]
        with scripted_handler(self.registry):
            repairs = self.system._drift_repair(
                drifts, lambda payload: self.store(canonical_event(payload["id"])), "Test"
            )
        self.assertEqual([event.state for _sub, _drift, event in repairs], ["done", "done"])
        body = str(self.system.message_ids[0].body)
        self.assertIn("Test drift check repaired:<ul><li>", body)
        self.assertIn("<li>sub_2: cancelled on the platform → done</li></ul>", body)
        self.assertIn("sub_&lt;b&gt;1&lt;/b&gt;", body)
        self.assertNotIn("&lt;ul&gt;", body)
