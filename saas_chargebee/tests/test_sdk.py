# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Chargebee SDK against a local server (retrieve, list with next_offset):
current state for unknown or outdated objects, the backfill and the drift
check, idempotent with the webhooks."""

import base64
import time
from pathlib import Path

from odoo.exceptions import UserError
from odoo.tests import tagged

from .chargebee_server import FakeChargebee
from .common import ChargebeeCase
from .samples import DAY, FEB_1, JAN_1, resource


@tagged("post_install", "-at_install")
class TestChargebeeSdk(ChargebeeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeChargebee("test_cb_key").start()
        cls.addClassCleanup(cls.fake.stop)
        cls.chargebee.write(
            {
                "chargebee_site": "acme-test",
                "chargebee_api_key": "test_cb_key",
                "chargebee_api_base": cls.fake.base_url,
            }
        )

    def setUp(self):
        super().setUp()
        for objects in self.fake.objects.values():
            objects.clear()
        self.fake.requests.clear()

    def paths(self):
        return [path for path, _query in self.fake.requests]

    # ---------------------------------------------------------------- the SDK
    def test_retrieve_and_list_follow_next_offset(self):
        for index in range(5):
            self.fake.put("customer", resource("customer", id=f"cb_cust_{index}"))
        self.fake.put("subscription", self.sub(7))
        sub = self.chargebee._chargebee_retrieve("subscription", "cb_sub_acme")
        self.assertEqual((sub["id"], sub["resource_version"]), ("cb_sub_acme", 7))
        self.assertIsNone(self.chargebee._chargebee_retrieve("subscription", "nope"))
        customers = self.chargebee._chargebee_list("customer")
        self.assertEqual([c["id"] for c in customers], [f"cb_cust_{i}" for i in range(5)])
        offsets = [q.get("offset") for p, q in self.fake.requests if p == "/api/v2/customers"]
        self.assertEqual(offsets, [None, ["2"], ["4"]])
        self.assertIn("/api/v2/subscriptions/cb_sub_acme", self.paths())
        self.assertEqual(
            self.chargebee.action_chargebee_test_connection()["params"]["type"], "success"
        )

    def test_refused_key_is_a_clear_error(self):
        self.chargebee.chargebee_api_key = "wrong_key"
        with self.assertRaisesRegex(UserError, "refused the API key"):
            self.chargebee.action_chargebee_test_connection()

    def test_unreachable_server_retries_the_event(self):
        self.chargebee.chargebee_api_base = "http://127.0.0.1:9"  # nothing listens there
        event = self.deliver(
            "subscription_renewed", JAN_1, subscription=self.sub(3, customer_id="cb_cust_far")
        )
        self.assertEqual((event.state, event.error_class), ("retry", "transient"))
        self.assertIn("unreachable", event.last_error)

    # ---------------------------------------------------------- current state
    def test_unknown_customer_and_subscription_are_fetched(self):
        self.fake.put("customer", resource("customer"))
        current = self.fake.put("subscription", self.sub(5, subscription_items=self.pro_items()))
        renewed = dict(current, resource_version=6)
        # A renewal of a subscription Odoo never saw, without the customer.
        event = self.deliver("subscription_renewed", FEB_1, subscription=renewed)
        self.assertDone(event)
        subscription = self.cb_bound("saas.subscription", "cb_sub_acme")
        self.assertEqual((subscription.state, subscription.mrr), ("active", 80.0))
        self.assertEqual(subscription.partner_id.email, "billing@acme.example")
        self.assertIn("/api/v2/customers/cb_cust_acme", self.paths())
        self.assertIn("/api/v2/subscriptions/cb_sub_acme", self.paths())

    def test_outdated_event_applies_the_newer_current_state(self):
        self.assertDone(self.deliver("customer_created", JAN_1, customer=resource("customer")))
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=self.sub(10)))
        self.assertDone(
            self.deliver(
                "subscription_changed",
                JAN_1 + DAY,
                subscription=self.sub(30, subscription_items=self.pro_items(quantity=1)),
            )
        )
        self.fake.put("subscription", self.sub(40, subscription_items=self.pro_items(quantity=4)))
        late = self.deliver(
            "subscription_changed",
            JAN_1 + 2 * DAY,
            subscription=self.sub(20, subscription_items=self.pro_items(quantity=2)),
        )
        self.assertDone(late)
        subscription = self.cb_bound("saas.subscription", "cb_sub_acme")
        self.assertEqual(subscription.line_ids.quantity, 4.0)
        binding = self.env["saas.binding"].find_binding(
            self.chargebee, "saas.subscription", "cb_sub_acme"
        )
        self.assertEqual(binding.source_version, "40")
        # Chargebee holds nothing newer than Odoo: the late event is ignored.
        older = self.deliver("subscription_changed", JAN_1 + 3 * DAY, subscription=self.sub(35))
        self.assertEqual(older.state, "ignored")
        self.assertIn("older than the stored 40", older.ignore_reason)

    def test_item_id_read_from_the_item_price(self):
        self.map_product("growth", self.product_pro, self.chargebee)
        self.fake.put("item_price", {"id": "growth-annual", "item_id": "growth"})
        sub = self.sub(1)
        sub["subscription_items"][0]["item_price_id"] = "growth-annual"
        self.assertDone(self.deliver("customer_created", JAN_1, customer=resource("customer")))
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=sub))
        subscription = self.cb_bound("saas.subscription", "cb_sub_acme")
        self.assertEqual(subscription.line_ids.product_id, self.product_pro)
        self.assertEqual(subscription.line_ids.plan_key, "growth")

    # ----------------------------------------------------- backfill and drift
    def seed_chargebee(self):
        customer = self.fake.put("customer", resource("customer"))
        sub = self.fake.put("subscription", self.sub(10))
        invoice = self.fake.put(
            "invoice",
            self.invoice("1001", 5000, JAN_1, "starter-USD-Monthly", 2, 2500, status="paid"),
        )
        txn = self.fake.put("transaction", self.payment("txn_pay_1", 5000, JAN_1, "1001"))
        return customer, sub, invoice, txn

    def backfill(self):
        wizard = self.env["saas.chargebee.backfill"].create(
            {"system_id": self.chargebee.id, "since": "2025-12-01"}
        )
        wizard.action_backfill()
        return wizard

    def counts(self):
        partner = self.cb_bound("res.partner", "cb_cust_acme")
        return (
            self.env["res.partner"].search_count([("email", "=", "billing@acme.example")]),
            self.env["saas.subscription"].search_count([("system_id", "=", self.chargebee.id)]),
            self.env["account.move"].search_count(
                [("partner_id", "=", partner.id), ("move_type", "=", "out_invoice")]
            ),
            self.env["account.payment"].search_count([("partner_id", "=", partner.id)]),
        )

    def test_backfill_and_drift_are_idempotent_with_webhooks(self):
        customer, sub, invoice, txn = self.seed_chargebee()
        # Webhooks brought the customer and the subscription already.
        self.assertDone(self.deliver("customer_created", JAN_1, customer=customer))
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=sub))
        wizard = self.backfill()
        self.assertEqual(
            (wizard.customers, wizard.subscriptions, wizard.invoices, wizard.transactions),
            (1, 1, 1, 1),
        )
        self.assertEqual(wizard.events_failed, 0, wizard.report)
        self.assertEqual(wizard.events_ignored, 2)  # customer and subscription: same version
        self.assertEqual(self.counts(), (1, 1, 1, 1))
        self.assertEqual(self.cb_bound("account.move", "1001").payment_state, "paid")
        list_calls = [q for p, q in self.fake.requests if p == "/api/v2/invoices"]
        self.assertIn("date[after]", list_calls[0])
        # Again: the same objects are the same events; nothing new.
        events_before = self.env["saas.event"].search_count([("system_id", "=", self.chargebee.id)])
        self.backfill()
        self.assertEqual(
            self.env["saas.event"].search_count([("system_id", "=", self.chargebee.id)]),
            events_before,
        )
        self.assertEqual(self.counts(), (1, 1, 1, 1))
        # The webhook of the payment arriving after the backfill books nothing.
        late = self.deliver("payment_succeeded", JAN_1, transaction=txn, invoice=invoice)
        self.assertEqual(late.state, "ignored")
        self.assertEqual(self.counts(), (1, 1, 1, 1))
        # In sync: the drift check repairs nothing.
        self.assertEqual(self.chargebee._chargebee_drift_check(), [])
        status_filters = [
            q.get("status[in]") for p, q in self.fake.requests if p == "/api/v2/subscriptions"
        ]
        self.assertIn(['["active","non_renewing"]'], status_filters)

    def test_drift_check_repairs_once_and_a_late_webhook_changes_nothing(self):
        customer, sub, _invoice, _txn = self.seed_chargebee()
        self.assertDone(self.deliver("customer_created", JAN_1, customer=customer))
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=sub))
        # A missed upgrade (its webhook never came) ...
        upgraded = self.fake.put(
            "subscription", self.sub(50, subscription_items=self.pro_items(quantity=3))
        )
        # ... and a subscription Odoo never heard of.
        other = self.fake.put(
            "subscription",
            self.sub(5, id="cb_sub_other", subscription_items=self.pro_items(quantity=1)),
        )
        repairs = self.chargebee._chargebee_drift_check()
        self.assertEqual(
            sorted((sub_id, drift, event.state) for sub_id, drift, event in repairs),
            [("cb_sub_acme", "differs", "done"), ("cb_sub_other", "missing", "done")],
        )
        self.assertEqual(self.cb_bound("saas.subscription", "cb_sub_acme").mrr, 120.0)
        self.assertEqual(self.cb_bound("saas.subscription", "cb_sub_other").mrr, 40.0)
        self.assertEqual(self.chargebee._chargebee_drift_check(), [])
        # The missed webhook arrives at last: already applied.
        late = self.deliver("subscription_changed", FEB_1, subscription=upgraded)
        self.assertEqual(late.state, "ignored")
        self.assertIn("already applied", late.ignore_reason)
        # Cancelled in Chargebee while Odoo still counts it: repaired as a cancellation.
        self.fake.put(
            "subscription", dict(other, status="cancelled", cancelled_at=FEB_1, resource_version=6)
        )
        [(sub_id, drift, event)] = self.chargebee._chargebee_drift_check()
        self.assertEqual(
            (sub_id, drift, event.event_type, event.state),
            ("cb_sub_other", "differs", "subscription_cancelled", "done"),
        )
        self.assertEqual(self.cb_bound("saas.subscription", "cb_sub_other").state, "cancelled")

    def test_neutralized_copy_talks_to_no_site_and_accepts_no_webhook(self):
        self.chargebee.write(
            {"chargebee_webhook_user": "odoo", "chargebee_webhook_password": "secret"}
        )
        auth = "Basic " + base64.b64encode(b"odoo:secret").decode()
        self.assertTrue(self.chargebee._chargebee_check_credentials(auth))
        sql = (Path(__file__).resolve().parents[1] / "data" / "neutralize.sql").read_text()
        self.env.flush_all()
        self.env.cr.execute(sql)
        self.env.invalidate_all()
        self.assertIsNone(self.chargebee._chargebee_client())
        self.assertFalse(self.chargebee._chargebee_check_credentials(auth))

    def test_drift_repairs_odoo_at_the_same_version(self):
        customer, sub, _invoice, _txn = self.seed_chargebee()
        self.assertDone(self.deliver("customer_created", JAN_1, customer=customer))
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=sub))
        subscription = self.cb_bound("saas.subscription", "cb_sub_acme")
        subscription.state = "paused"  # changed in Odoo, not in Chargebee
        [(_sub_id, drift, event)] = self.chargebee._chargebee_drift_check()
        self.assertEqual((drift, event.state), ("differs", "done"), event.ignore_reason)
        self.assertEqual((subscription.state, subscription.mrr), ("active", 50.0))
        self.assertEqual(self.chargebee._chargebee_drift_check(), [])

    # ---------------------------------------------------------------- coupons
    def test_coupon_by_criteria_counts_on_the_items_it_selects(self):
        """A 10% coupon on the monthly USD plans of item family "cloud"
        (``item_constraints`` ``criteria``): the family of each item price is
        read from Chargebee; the plan (2 x 40.00) gets 8.00 off, the addon
        (10.00) nothing: 82.00 a month, the drift check agrees."""
        self.fake.put("customer", resource("customer"))
        for price_id, item_id, family in (
            ("pro-USD-Monthly", "pro", "cloud"),
            ("starter-USD-Monthly", "starter", "cloud"),
        ):
            self.fake.put(
                "item_price",
                {
                    "id": price_id,
                    "item_id": item_id,
                    "item_family_id": family,
                    "currency_code": "USD",
                    "period": 1,
                    "period_unit": "month",
                    "object": "item_price",
                },
            )
        self.fake.put(
            "coupon",
            {
                "id": "cloud10",
                "discount_type": "percentage",
                "discount_percentage": 10.0,
                "duration_type": "forever",
                "apply_on": "each_specified_item",
                "item_constraints": [
                    {"item_type": "plan", "constraint": "criteria"},
                    {"item_type": "addon", "constraint": "none"},
                ],
                "item_constraint_criteria": [
                    {
                        "item_type": "plan",
                        "item_family_ids": ["cloud"],
                        "currencies": ["USD"],
                        "item_price_periods": ["month"],
                    },
                ],
                "status": "active",
                "object": "coupon",
            },
        )
        items = [
            *self.pro_items(quantity=2, unit_price=4000),
            {
                "item_price_id": "starter-USD-Monthly",
                "item_type": "addon",
                "quantity": 1,
                "unit_price": 1000,
                "amount": 1000,
                "object": "subscription_item",
            },
        ]
        coupons = [{"coupon_id": "cloud10", "applied_count": 1, "object": "coupon"}]
        sub = self.fake.put("subscription", self.sub(10, subscription_items=items, coupons=coupons))
        event = self.deliver("subscription_created", JAN_1, subscription=sub)
        self.assertEqual(event.state, "done", event.ignore_reason or event.last_error)
        self.assertIn("/api/v2/item_prices/pro-USD-Monthly", self.paths())
        self.assertFalse(event.attempt_ids.notes)
        subscription = self.cb_bound("saas.subscription", "cb_sub_acme")
        self.assertEqual(subscription.mrr, 82.0)
        self.assertEqual(subscription.movement_ids.mapped("delta"), [82.0])
        self.assertEqual(self.chargebee._chargebee_drift_check(), [])
        self.assertLedgerHolds()

    def test_coupons_read_through_the_api_count_in_mrr_and_drift(self):
        self.fake.put("customer", resource("customer"))
        self.fake.put(
            "coupon",
            {
                "id": "ten_pct",
                "discount_type": "percentage",
                "discount_percentage": 10.0,
                "duration_type": "forever",
                "apply_on": "invoice_amount",
                "status": "active",
                "object": "coupon",
            },
        )
        self.fake.put(
            "coupon",
            {
                "id": "five_off",
                "discount_type": "fixed_amount",
                "discount_amount": 500,
                "currency_code": "USD",
                "duration_type": "limited_period",
                "period": 6,
                "period_unit": "month",
                "apply_on": "invoice_amount",
                "status": "active",
                "object": "coupon",
            },
        )
        coupons = [
            {"coupon_id": "ten_pct", "applied_count": 1, "object": "coupon"},
            {"coupon_id": "five_off", "applied_count": 1, "object": "coupon"},
        ]
        sub = self.fake.put("subscription", self.sub(10, coupons=coupons))
        event = self.deliver("subscription_created", JAN_1, subscription=sub)
        self.assertEqual(event.state, "done", event.ignore_reason or event.last_error)
        self.assertIn("/api/v2/coupons/ten_pct", self.paths())
        self.assertIn("/api/v2/coupons/five_off", self.paths())
        subscription = self.cb_bound("saas.subscription", "cb_sub_acme")
        # 2 x 25.00, less 5.00, then less 10% (Chargebee applies the invoice's
        # fixed amounts before its percentages): 40.50 a month.
        self.assertEqual(subscription.mrr, 40.5)
        self.assertEqual(subscription.movement_ids.mapped("delta"), [40.5])
        self.assertFalse(event.attempt_ids.notes)
        # The drift check counts the coupons the same way: nothing to repair ...
        self.assertEqual(self.chargebee._chargebee_drift_check(), [])
        # ... until the fixed coupon is removed in Chargebee without a webhook.
        self.fake.put("subscription", self.sub(11, coupons=coupons[:1]))
        [(_sub_id, drift, repair)] = self.chargebee._chargebee_drift_check()
        self.assertEqual((drift, repair.state), ("differs", "done"))
        self.assertEqual(subscription.mrr, 45.0)
        self.assertEqual(self.chargebee._chargebee_drift_check(), [])
        # A coupon Chargebee does not have is noted on the attempt, not hidden.
        lost = self.sub(12, coupons=[*coupons[:1], {"coupon_id": "deleted_one"}])
        # (after the drift repair, which Odoo applied now)
        event = self.deliver("subscription_changed", int(time.time()) + 60, subscription=lost)
        self.assertDone(event)
        self.assertIn("coupon deleted_one", event.attempt_ids.notes)
        self.assertEqual(subscription.mrr, 45.0)
        self.assertLedgerHolds()

    def test_adjustment_note_before_its_invoice_reads_the_invoice(self):
        self.fake.put("customer", resource("customer"))
        self.fake.put("invoice", resource("invoice", id="1001"))
        note = resource(
            "credit_note",
            id="cn_adj_2",
            type="adjustment",
            status="adjusted",
            reference_invoice_id="1001",
            total=1500,
            amount_refunded=0,
            amount_allocated=1500,
            allocations=[{"allocated_amount": 1500, "invoice_id": "1001"}],
        )
        note["line_items"][0].update(unit_amount=1500, amount=1500, quantity=1)
        event = self.deliver("credit_note_created", JAN_1 + DAY, credit_note=note)
        self.assertDone(event)
        self.assertIn("/api/v2/invoices/1001", self.paths())
        invoice = self.cb_bound("account.move", "1001")
        self.assertEqual((invoice.amount_total, invoice.amount_residual), (50.0, 35.0))
        self.assertEqual(self.cb_bound("account.move", "cn_adj_2").payment_state, "paid")
