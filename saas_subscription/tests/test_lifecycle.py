# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestLifecycle(SubscriptionCommon):
    def setUp(self):
        super().setUp()
        self.partner = self.customer()

    def movements(self, sub_id):
        return [
            (m.movement_type, m.delta)
            for m in self.subscription(sub_id).movement_ids.sorted(lambda m: (m.date, m.id))
        ]

    def test_upgrade_downgrade_and_quantity(self):
        self.subscribe("subscription.activated", "sub_1", price="10.00")
        self.subscribe(
            "subscription.changed", "sub_1", plan="pro", price="25.00", when="2026-02-01T00:00:00Z"
        )
        self.subscribe(
            "subscription.changed",
            "sub_1",
            plan="pro",
            price="25.00",
            quantity="3",
            when="2026-03-01T00:00:00Z",
        )
        self.subscribe(
            "subscription.changed",
            "sub_1",
            plan="starter",
            price="10.00",
            quantity="2",
            when="2026-04-01T00:00:00Z",
        )
        subscription = self.subscription("sub_1")
        self.assertEqual(subscription.line_ids.product_id, self.product_starter)
        self.assertEqual(subscription.mrr, 20.0)
        self.assertEqual(
            self.movements("sub_1"),
            [("new", 10.0), ("expansion", 15.0), ("expansion", 50.0), ("contraction", -55.0)],
        )
        self.assertLedgerHolds()

    def test_trial_earns_nothing_until_it_converts(self):
        self.subscribe("subscription.activated", "sub_t", status="trialing")
        subscription = self.subscription("sub_t")
        self.assertEqual((subscription.state, subscription.mrr), ("trial", 0.0))
        self.subscribe(
            "subscription.changed", "sub_t", status="active", when="2026-01-15T00:00:00Z"
        )
        self.assertEqual((subscription.state, subscription.mrr), ("active", 10.0))
        self.assertEqual(self.movements("sub_t"), [("new", 10.0)])

    def test_pause_resume_and_renewal(self):
        self.subscribe(
            "subscription.activated",
            "sub_p",
            price="40.00",
            period_start="2026-01-01",
            period_end="2026-01-31",
        )
        self.sub_event(
            "subscription.paused", "sub_p", when="2026-02-01T00:00:00Z", resume_at="2026-03-01"
        )
        subscription = self.subscription("sub_p")
        self.assertEqual((subscription.state, subscription.mrr), ("paused", 0.0))
        self.assertEqual(subscription.pause_end, date(2026, 3, 1))
        self.sub_event("subscription.resumed", "sub_p", when="2026-03-01T00:00:00Z")
        self.sub_event(
            "subscription.renewed",
            "sub_p",
            when="2026-03-02T00:00:00Z",
            period_start="2026-03-01",
            period_end="2026-03-31",
        )
        self.assertEqual(subscription.current_period_end, date(2026, 3, 31))
        self.assertEqual(
            self.movements("sub_p"), [("new", 40.0), ("churn", -40.0), ("reactivation", 40.0)]
        )
        self.assertLedgerHolds()

    def test_cancellation_at_period_end_keeps_mrr_until_it_ends(self):
        self.subscribe("subscription.activated", "sub_c", period_end="2026-01-31")
        self.sub_event(
            "subscription.cancelled", "sub_c", when="2026-01-10T00:00:00Z", at_period_end=True
        )
        subscription = self.subscription("sub_c")
        self.assertEqual((subscription.state, subscription.mrr), ("active", 10.0))
        self.assertEqual(subscription.cancel_at, date(2026, 1, 31))
        ended = self.env["saas.subscription"]._cron_end_scheduled_cancellations()
        self.assertIn(subscription, ended)
        self.assertEqual((subscription.state, subscription.mrr), ("cancelled", 0.0))
        self.assertEqual(
            subscription.movement_ids.filtered(lambda m: m.movement_type == "churn").date,
            date(2026, 1, 31),
        )

    def test_older_update_is_ignored_with_reason(self):
        self.subscribe("subscription.activated", "sub_o", when="2026-01-01T00:00:00Z")
        self.subscribe("subscription.changed", "sub_o", price="30.00", when="2026-03-01T00:00:00Z")
        late = self.subscribe(
            "subscription.changed", "sub_o", price="20.00", when="2026-02-01T00:00:00Z"
        )
        self.assertEqual(late.state, "ignored")
        self.assertIn("Older than the subscription state", late.ignore_reason)
        self.assertEqual(self.subscription("sub_o").mrr, 30.0)

    def test_event_for_unknown_subscription_retries_as_dependency(self):
        event = self.sub_event("subscription.cancelled", "sub_missing")
        self.assertEqual((event.state, event.error_class), ("retry", "dependency"))

    def test_unknown_plan_parks_until_mapped(self):
        event = self.subscribe("subscription.activated", "sub_m", plan="enterprise")
        self.assertEqual(event.state, "needs_mapping")
        mapping = event.missing_mapping_id
        self.assertEqual(
            (mapping.kind, mapping.external_key, mapping.system_id),
            ("product", "enterprise", self.system),
        )
        self.assertIn("'enterprise'", event.last_error)
        mapping.target_ref = f"product.product,{self.product_pro.id}"
        mapping.action_approve()
        self.env["saas.event"].process_pending(system_ids=self.system.ids)
        self.assertDone(event)
        self.assertEqual(self.subscription("sub_m").line_ids.product_id, self.product_pro)

    def test_unknown_currency_and_entity_park(self):
        event = self.emit(
            "subscription.activated",
            {
                "subscription_id": "sub_x",
                "customer_id": "cus_1",
                "currency": "XTS",
                "items": [
                    {"plan": "starter", "quantity": "1", "unit_amount": "1.00", "interval": "month"}
                ],
            },
        )
        self.assertEqual(event.state, "needs_mapping")
        self.assertEqual(
            (event.missing_mapping_id.kind, event.missing_mapping_id.external_key),
            ("currency", "XTS"),
        )
        event = self.emit("customer.upserted", {"customer_id": "cus_9"}, entity="ATLANTIS")
        self.assertEqual(
            (event.missing_mapping_id.kind, event.missing_mapping_id.external_key),
            ("company", "ATLANTIS"),
        )

    def test_bundle_splits_the_price(self):
        mapping = self.env["saas.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "product",
                "external_key": "suite",
                "target_ref": f"product.product,{self.product_pro.id}",
                "bundle_line_ids": [
                    (0, 0, {"product_id": self.product_pro.id, "share": 70}),
                    (0, 0, {"product_id": self.product_starter.id, "share": 30}),
                ],
            }
        )
        mapping.action_approve()
        self.subscribe("subscription.activated", "sub_b", plan="suite", price="99.99")
        lines = self.subscription("sub_b").line_ids
        self.assertEqual(lines.mapped("price_unit"), [69.99, 30.0])
        self.assertEqual(self.subscription("sub_b").mrr, 99.99)

    def test_bundle_shares_must_sum_to_100(self):
        with self.assertRaises(ValidationError):
            self.env["saas.mapping"].create(
                {
                    "system_id": self.system.id,
                    "kind": "product",
                    "external_key": "bad",
                    "target_ref": f"product.product,{self.product_pro.id}",
                    "bundle_line_ids": [(0, 0, {"product_id": self.product_pro.id, "share": 60})],
                }
            )

    def test_a_system_that_does_not_own_subscriptions_changes_nothing(self):
        self.system.owns_subscriptions = False
        event = self.subscribe("subscription.activated", "sub_not_owned")
        self.assertEqual(event.state, "ignored")
        self.assertIn("not the system of record for subscriptions", event.ignore_reason)
        self.assertFalse(self.subscription("sub_not_owned"))
