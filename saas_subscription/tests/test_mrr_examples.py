# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Worked examples from public sources, through the real engine."""

from odoo.tests import tagged

from .common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestMrrExamples(SubscriptionCommon):
    def _mrr(self, sub_id, **kwargs):
        self.customer()
        event = self.subscribe("subscription.activated", sub_id, **kwargs)
        self.assertDone(event)
        return self.subscription(sub_id).mrr

    def test_annual_plan_is_a_twelfth(self):
        # ChartMogul, "MRR calculation": an annual plan at 120.00 contributes 10.00 MRR.
        self.assertEqual(self._mrr("sub_annual", price="120.00", interval="year"), 10.00)

    def test_lifetime_coupon_halves_mrr(self):
        # Baremetrics, "How is MRR calculated?": a 10.00 monthly plan with a 50% lifetime
        # coupon is 5.00 MRR.
        self.assertEqual(self._mrr("sub_coupon", price="10.00", discount_percent="50"), 5.00)

    def test_full_discount_is_zero(self):
        self.assertEqual(self._mrr("sub_free", price="10.00", discount_percent="100"), 0.0)
        self.assertFalse(self.subscription("sub_free").movement_ids)

    def test_amount_off_coupons(self):
        # Stripe's coupon object: ``amount_off`` is subtracted from every invoice; MRR
        # is net of discounts. A 100.00 monthly plan with 20.00 off is 80.00 MRR; the
        # subscription's amount off stacks after its percentage and the item's own.
        self.assertEqual(self._mrr("sub_off", price="100.00", discount_amount="20.00"), 80.00)
        self.assertEqual(
            self._mrr(
                "sub_off_mix",
                price="100.00",
                discount_percent="50",
                discount_amount="20.00",
                item={"discount_amount": "5.00"},
            ),
            25.00,
        )
        self.assertEqual(self.subscription("sub_off_mix").line_ids.discount_amount, 25.0)
        self.assertEqual(self._mrr("sub_off_all", price="10.00", discount_amount="25.00"), 0.0)

    def test_negative_amount_off_is_refused(self):
        self.customer()
        event = self.subscribe("subscription.activated", "sub_neg", discount_amount="-1.00")
        self.assertEqual(event.state, "dead")
        self.assertIn("discount_amount", event.last_error)
        self.assertFalse(self.subscription("sub_neg"))

    def test_quarterly_plan(self):
        # ChartMogul, "MRR calculation": a 3-month plan at 90.00 is 30.00 MRR.
        self.assertEqual(self._mrr("sub_quarter", price="90.00", item={"interval_count": 3}), 30.00)

    def test_weekly_and_yearly_normalization(self):
        # OCA contract's normalization to a month: 100.00 per week is 434.82 per month
        # (x 30.4375 / 7) and 1,200.00 per year is 100.00.
        self.assertEqual(self._mrr("sub_week", price="100.00", interval="week"), 434.82)
        self.assertEqual(self._mrr("sub_year", price="1200.00", interval="year"), 100.00)

    def test_metered_lines_are_not_mrr(self):
        self.assertEqual(
            self._mrr("sub_usage", price="0.10", quantity="1000", item={"metered": True}), 0.0
        )

    def test_chartmogul_movement_sequence(self):
        # ChartMogul, "MRR movements": a new subscription is new business, a second one
        # is expansion, cancelling it while the first stays is contraction, cancelling
        # the last is churn, and coming back is a reactivation.
        self.customer()
        steps = [
            self.subscribe(
                "subscription.activated", "sub_a", price="50.00", when="2026-01-01T00:00:00Z"
            ),
            self.subscribe(
                "subscription.activated", "sub_b", price="30.00", when="2026-02-01T00:00:00Z"
            ),
            self.sub_event("subscription.cancelled", "sub_b", when="2026-03-01T00:00:00Z"),
            self.sub_event("subscription.cancelled", "sub_a", when="2026-04-01T00:00:00Z"),
            self.subscribe(
                "subscription.reactivated", "sub_a", price="50.00", when="2026-05-01T00:00:00Z"
            ),
        ]
        for event in steps:
            self.assertDone(event)
        movements = self.env["saas.mrr.movement"].search(
            [("partner_id", "=", self.subscription("sub_a").partner_id.id)], order="date, id"
        )
        self.assertEqual(
            [(m.movement_type, m.delta) for m in movements],
            [
                ("new", 50.0),
                ("expansion", 30.0),
                ("contraction", -30.0),
                ("churn", -50.0),
                ("reactivation", 50.0),
            ],
        )
        self.assertEqual(movements.mapped("event_id").ids, [event.id for event in steps])
        self.assertLedgerHolds()
