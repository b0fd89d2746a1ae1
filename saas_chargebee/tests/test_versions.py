# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""resource_version ordering: an older event after a newer one changes
nothing and says why; the same event twice applies once."""

from odoo.tests import tagged

from .common import ChargebeeCase
from .samples import DAY, JAN_1, resource


@tagged("post_install", "-at_install")
class TestChargebeeVersions(ChargebeeCase):
    def setUp(self):
        super().setUp()
        self.customer = resource("customer")
        self.assertDone(self.deliver("customer_created", JAN_1, customer=self.customer))

    def test_older_subscription_version_changes_nothing(self):
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=self.sub(10)))
        newer = self.sub(30, subscription_items=self.pro_items(quantity=3))
        self.assertDone(self.deliver("subscription_changed", JAN_1 + 2 * DAY, subscription=newer))
        subscription = self.cb_bound("saas.subscription", "cb_sub_acme")
        movements = subscription.movement_ids
        self.assertEqual(subscription.mrr, 120.0)
        binding = self.env["saas.binding"].find_binding(
            self.chargebee, "saas.subscription", "cb_sub_acme"
        )
        self.assertEqual(binding.source_version, "30")
        # Delivered late, with a later occurred_at: only the version tells it is older.
        older = self.sub(20, subscription_items=self.pro_items(quantity=1))
        event = self.deliver("subscription_changed", JAN_1 + 3 * DAY, subscription=older)
        self.assertEqual(event.state, "ignored")
        self.assertIn("resource_version 20 is older than the stored 30", event.ignore_reason)
        self.assertEqual(subscription.mrr, 120.0)
        self.assertEqual(subscription.line_ids.quantity, 3.0)
        self.assertEqual(subscription.movement_ids, movements)
        self.assertEqual(binding.source_version, "30")

    def test_same_version_again_is_already_applied(self):
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=self.sub(10)))
        event = self.deliver("subscription_changed", JAN_1 + DAY, subscription=self.sub(10))
        self.assertEqual(event.state, "ignored")
        self.assertIn("already applied", event.ignore_reason)

    def test_older_customer_version_changes_nothing(self):
        newer = dict(self.customer, email="new@acme.example", resource_version=1767225600900)
        self.assertDone(self.deliver("customer_changed", JAN_1 + DAY, customer=newer))
        older = dict(self.customer, email="old@acme.example", resource_version=1767225600500)
        event = self.deliver("customer_changed", JAN_1 + 2 * DAY, customer=older)
        self.assertEqual(event.state, "ignored")
        self.assertIn("older than the stored 1767225600900", event.ignore_reason)
        self.assertEqual(self.cb_bound("res.partner", "cb_cust_acme").email, "new@acme.example")

    def test_same_event_twice_is_stored_and_applied_once(self):
        first = self.deliver(
            "subscription_created", JAN_1, event_id="ev_twice", subscription=self.sub(10)
        )
        second = self.deliver(
            "subscription_created", JAN_1, event_id="ev_twice", subscription=self.sub(10)
        )
        self.assertEqual(first, second)
        self.assertEqual((first.state, first.attempt_count), ("done", 1))
        subscription = self.cb_bound("saas.subscription", "cb_sub_acme")
        self.assertEqual(len(subscription.movement_ids), 1)
