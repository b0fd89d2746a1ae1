# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The ledger does not depend on the order in which events arrive, and currency
conversion alone only ever writes fx movements."""

import itertools
from datetime import date
from decimal import Decimal

from odoo.tests import tagged

from .common import SubscriptionCommon

_run = itertools.count(1)

# (event type, subscription, occurred at, extra data): a customer subscribes,
# upgrades, ends (churn), returns with a new subscription and adds a second one.
LIFECYCLE = [
    ("subscription.activated", "a", "2026-01-01", {"price": "50.00"}),
    ("subscription.changed", "a", "2026-02-01", {"price": "80.00"}),
    ("subscription.cancelled", "a", "2026-03-01", {}),
    ("subscription.activated", "b", "2026-04-01", {"price": "60.00"}),
    ("subscription.activated", "c", "2026-05-01", {"price": "20.00"}),
]
D = Decimal


def _d(value):
    return D(str(value))


@tagged("post_install", "-at_install")
class TestLedgerOrder(SubscriptionCommon):
    def _deliver(self, order):
        run = next(_run)
        customer_id = f"cus_order_{run}"
        self.customer(customer_id)
        for index in order:
            event_type, letter, day, extra = LIFECYCLE[index]
            sub_id = f"sub_{letter}_{run}"
            when = f"{day}T00:00:00Z"
            if "price" in extra:
                self.subscribe(event_type, sub_id, customer_id=customer_id, when=when, **extra)
            else:
                self.sub_event(event_type, sub_id, customer_id, when)
        events = self.env["saas.event"].search([("system_id", "=", self.system.id)])
        for _attempt in range(len(LIFECYCLE)):
            waiting = events.filtered(lambda e: e.state == "retry")
            if not waiting:
                break
            waiting.write({"next_attempt_at": "2000-01-01 00:00:00"})
            self.env["saas.event"].process_pending(system_ids=self.system.ids)
        partner = self.env["saas.binding"].find_record(self.system, "res.partner", customer_id)
        movements = self.env["saas.mrr.movement"].search([("partner_id", "=", partner.id)])
        return [
            (
                m.date,
                m.subscription_id.name.split("_")[1],
                m.movement_type,
                _d(m.delta),
                _d(m.delta_company),
                _d(m.mrr_before),
                _d(m.mrr_after),
                _d(m.customer_mrr_before),
                _d(m.customer_mrr_after),
            )
            for m in movements.sorted(lambda m: m._ledger_key())
        ]

    def test_date_order_ledger(self):
        self.assertEqual(
            [row[:4] + row[7:] for row in self._deliver(range(len(LIFECYCLE)))],
            [
                (date(2026, 1, 1), "a", "new", D(50), D(0), D(50)),
                (date(2026, 2, 1), "a", "expansion", D(30), D(50), D(80)),
                (date(2026, 3, 1), "a", "churn", D(-80), D(80), D(0)),
                (date(2026, 4, 1), "b", "reactivation", D(60), D(0), D(60)),
                (date(2026, 5, 1), "c", "expansion", D(20), D(60), D(80)),
            ],
        )
        self.assertLedgerHolds()

    def test_every_delivery_order_gives_the_date_order_ledger(self):
        expected = self._deliver(range(len(LIFECYCLE)))
        for order in itertools.permutations(range(len(LIFECYCLE))):
            with self.subTest(order=order):
                self.assertEqual(self._deliver(order), expected)
        self.assertLedgerHolds()

    def test_return_delivered_before_the_end_is_churn_then_reactivation(self):
        # Stripe gives no order: the new subscription arrives before the old one ends.
        rows = self._deliver([0, 3, 2])
        self.assertEqual(
            [(row[0], row[2], row[3]) for row in rows],
            [
                (date(2026, 1, 1), "new", D(50)),
                (date(2026, 3, 1), "churn", D(-50)),
                (date(2026, 4, 1), "reactivation", D(60)),
            ],
        )

    def test_late_upgrade_lands_at_its_date(self):
        self.customer()
        self.subscribe(
            "subscription.activated", "sub_l", price="10.00", when="2026-01-01T00:00:00Z"
        )
        self.sub_event("subscription.cancelled", "sub_l", when="2026-03-01T00:00:00Z")
        late = self.subscribe(
            "subscription.changed", "sub_l", price="25.00", when="2026-02-01T00:00:00Z"
        )
        self.assertEqual(late.state, "ignored")
        self.assertIn("added to the ledger history", late.ignore_reason)
        subscription = self.subscription("sub_l")
        self.assertEqual((subscription.state, subscription.mrr), ("cancelled", 0.0))
        self.assertEqual(
            [
                (m.date, m.movement_type, m.delta)
                for m in subscription.movement_ids.sorted(lambda m: m._ledger_key())
            ],
            [
                (date(2026, 1, 1), "new", 10.0),
                (date(2026, 2, 1), "expansion", 15.0),
                (date(2026, 3, 1), "churn", -25.0),
            ],
        )
        self.assertLedgerHolds()


@tagged("post_install", "-at_install")
class TestLedgerFx(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Company currency per unit of the other currency: 2.00 in January,
        # 2.50 from February (the rate is foreign units per company unit).
        cls.eur = cls.setup_other_currency("EUR", rates=[("2026-01-01", 0.5), ("2026-02-01", 0.4)])

    def _movements(self, subscription):
        return [
            (m.date, m.movement_type, _d(m.delta), _d(m.delta_company))
            for m in subscription.movement_ids.sorted(lambda m: m._ledger_key())
        ]

    def test_rate_change_alone_gives_only_fx_movements(self):
        self.customer()
        self.assertDone(
            self.subscribe(
                "subscription.activated",
                "sub_fx",
                price="100.00",
                currency="EUR",
                when="2026-01-10T00:00:00Z",
            )
        )
        subscription = self.subscription("sub_fx")
        self.assertEqual(subscription.currency_id, self.eur)
        movements = self.env["saas.mrr.movement"]
        created = movements._cron_post_fx_movements(until=date(2026, 3, 15))
        self.assertEqual(created.mapped("movement_type"), ["fx"])
        self.assertEqual(
            self._movements(subscription),
            [
                # delta_company at the rate of the effective date
                (date(2026, 1, 10), "new", D(100), D(200)),
                # January's month end: same rate, nothing; February's: 100 EUR is 250.
                (date(2026, 2, 28), "fx", D(0), D(50)),
            ],
        )
        self.assertEqual(
            sum(_d(m.delta_company) for m in subscription.movement_ids),
            D(250),
        )
        self.assertEqual(_d(subscription.mrr_company), D(250))
        self.assertFalse(
            subscription.movement_ids.filtered(
                lambda m: m.movement_type in ("expansion", "contraction")
            )
        )
        fx = subscription.movement_ids.filtered(lambda m: m.movement_type == "fx")
        self.assertEqual((_d(fx.customer_mrr_before), _d(fx.customer_mrr_after)), (D(200), D(250)))
        # Idempotent: the same month ends again add nothing.
        self.assertFalse(movements._cron_post_fx_movements(until=date(2026, 3, 15)))
        self.assertEqual(len(subscription.movement_ids), 2)

    def test_company_mrr_at_month_end_is_mrr_at_the_month_end_rate(self):
        self.customer()
        self.subscribe(
            "subscription.activated",
            "sub_fx2",
            price="33.33",
            currency="EUR",
            when="2026-01-10T00:00:00Z",
        )
        self.subscribe(
            "subscription.changed",
            "sub_fx2",
            price="10.01",
            currency="EUR",
            when="2026-02-10T00:00:00Z",
        )
        subscription = self.subscription("sub_fx2")
        self.env["saas.mrr.movement"]._cron_post_fx_movements(until=date(2026, 2, 28))
        # 10.01 EUR at 2.50 is 25.025, rounded by the company currency to 25.03.
        self.assertEqual(sum(_d(m.delta_company) for m in subscription.movement_ids), D("25.03"))
        self.assertEqual(
            [m[1] for m in self._movements(subscription)], ["new", "contraction", "fx"]
        )
        self.assertLedgerHolds()
