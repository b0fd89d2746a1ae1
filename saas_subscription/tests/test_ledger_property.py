# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Property: over random lifecycles, every subscription's movements sum to its
MRR, MRR is never negative, and the movement types match the reference ledger."""

import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged

from ..lib.ledger import Ledger
from ..lib.mrr import monthly_amount
from .common import SubscriptionCommon

_run = itertools.count(1)
STEP = st.tuples(
    st.sampled_from(["activate", "change", "cancel", "reactivate", "pause", "resume"]),
    st.integers(min_value=0, max_value=2),  # which subscription
    st.integers(min_value=0, max_value=500),  # price in whole units
    st.integers(min_value=1, max_value=4),  # quantity
)


@tagged("post_install", "-at_install")
class TestLedgerProperty(SubscriptionCommon):
    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    @given(steps=st.lists(STEP, min_size=1, max_size=8))
    def test_random_lifecycles_keep_the_ledger(self, steps):
        run = next(_run)
        customer_id = f"cus_prop_{run}"
        self.customer(customer_id)
        reference = Ledger()
        known = {}
        for day, (action, index, price, quantity) in enumerate(steps, start=1):
            sub_id = f"sub_prop_{run}_{index}"
            when = f"2026-01-01T00:00:{day:02d}Z"
            items = {
                "price": f"{price}.00",
                "quantity": str(quantity),
                "when": when,
                "customer_id": customer_id,
            }
            if action == "activate" and sub_id not in known:
                event = self.subscribe("subscription.activated", sub_id, **items)
                known[sub_id] = "active"
            elif action == "change" and sub_id in known:
                event = self.subscribe("subscription.changed", sub_id, **items)
            elif action == "cancel" and known.get(sub_id) in ("active", "paused"):
                event = self.sub_event("subscription.cancelled", sub_id, customer_id, when)
                known[sub_id] = "cancelled"
            elif action == "reactivate" and known.get(sub_id) == "cancelled":
                event = self.subscribe("subscription.reactivated", sub_id, **items)
                known[sub_id] = "active"
            elif action == "pause" and known.get(sub_id) == "active":
                event = self.sub_event("subscription.paused", sub_id, customer_id, when)
                known[sub_id] = "paused"
            elif action == "resume" and known.get(sub_id) == "paused":
                event = self.sub_event("subscription.resumed", sub_id, customer_id, when)
                known[sub_id] = "active"
            else:
                continue
            self.assertDone(event)
            subscription = self.subscription(sub_id)
            expected = (
                Decimal(0)
                if subscription.state not in ("active", "past_due")
                else sum(
                    (
                        monthly_amount(
                            line.price_unit,
                            line.quantity,
                            line.interval,
                            digits=line.currency_id.decimal_places,
                        )
                        for line in subscription.line_ids
                    ),
                    Decimal(0),
                )
            )
            movement = reference.set_mrr(customer_id, sub_id, expected)
            self.assertEqual(Decimal(str(subscription.mrr)), expected)
            self.assertGreaterEqual(subscription.mrr, 0)
            written = event.record_ids.filtered(lambda r: r.res_model == "saas.mrr.movement")
            if movement is None:
                self.assertFalse(written)
            else:
                self.assertEqual(
                    self.env["saas.mrr.movement"].browse(written.res_id).movement_type,
                    movement.kind,
                )
        self.assertLedgerHolds()
