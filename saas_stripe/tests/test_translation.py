# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stripe events of both shapes become the right Odoo records, through the engine."""

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from odoo.tests import tagged

from odoo.addons.saas_subscription.tests.common import SubscriptionCommon

from ..lib.inbox import stripe_header
from ..wizards.stripe_backfill import _invoice_type
from .common import stripe_event, stripe_fixture

PRICE = "price_1PgafmB7WZ01zgkW6dKueIc5"  # the price of Stripe's sample subscription
CUSTOMER = "cus_QXg1o8vcGmoR32"


class StripeCase(SubscriptionCommon):
    """A Stripe system without API key, in a company with a chart of accounts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stripe = cls.env["saas.system"].create(
            {
                "name": "Stripe",
                "code": "stripe-translation",
                "kind": "stripe",
                "company_id": cls.company.id,
                "owns_customers": True,
            }
        )
        cls.map_product(PRICE, cls.product_pro, cls.stripe)
        cls.map_product("plan_legacy", cls.product_starter, cls.stripe)
        usd = cls.env.ref("base.USD")
        usd.active = True
        cls.env.ref("base.JPY").active = True

    def deliver(self, event_type, obj, previous=None, **kwargs):
        event = stripe_event(event_type, obj, previous, **kwargs)
        [(record, _created)] = self.env["saas.event"]._receive(
            self.stripe, [(json.dumps(event), event, stripe_header(event))]
        )
        self.env["saas.event"].process_pending(system_ids=self.stripe.ids)
        return record

    def bound(self, model, external_id):
        return self.env["saas.binding"].find_record(self.stripe, model, external_id)

    def given_customer(self, customer_id=CUSTOMER):
        event = self.deliver(
            "customer.created",
            stripe_fixture(
                "customer", id=customer_id, email=f"{customer_id}@example.com", name="Sample Co"
            ),
        )
        self.assertDone(event)
        return self.bound("res.partner", customer_id)

    def open_invoice(self, invoice_id, total, currency="usd", **overrides):
        """Stripe's sample invoice, finalized, with one line of ``total`` (minor
        units) for the mapped sample price."""
        values = {
            "id": invoice_id,
            "status": "open",
            "customer": CUSTOMER,
            "currency": currency,
            "total": total,
            "effective_at": 1767225600,
            "due_date": None,
            "parent": None,
            **overrides,
        }
        invoice = stripe_fixture("invoice", **values)
        invoice["lines"]["data"][0].update(amount=total, quantity=1, currency=currency)
        invoice["lines"]["data"][0]["pricing"] = {"price_details": {"price": PRICE}}
        return invoice

    def current_subscription(self, **overrides):
        values = {
            "status": "active",
            "customer": CUSTOMER,
            "currency": "usd",
            "start_date": 1767225600,
            "cancel_at": None,
            "canceled_at": None,
            "ended_at": None,
        }
        sub = stripe_fixture("subscription", **dict(values, **overrides))
        for item in sub["items"]["data"]:
            item["current_period_start"] = 1767225600  # 2026-01-01
            item["current_period_end"] = 1769904000  # 2026-02-01 (exclusive)
        return sub


@tagged("post_install", "-at_install")
class TestStripeTranslation(StripeCase):
    # ---------------------------------------------------------- current shape
    def test_customer_from_fixture(self):
        partner = self.given_customer()
        self.assertEqual((partner.name, partner.email), ("Sample Co", f"{CUSTOMER}@example.com"))

    def test_subscription_from_fixture(self):
        self.given_customer()
        event = self.deliver("customer.subscription.created", self.current_subscription())
        self.assertDone(event)
        subscription = self.bound("saas.subscription", "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw")
        self.assertEqual(subscription.line_ids.product_id, self.product_pro)
        self.assertEqual(subscription.mrr, 20.0)  # 2000 cents a month
        self.assertEqual(str(subscription.current_period_end), "2026-01-31")  # exclusive end

    def test_previous_attributes_tell_the_change(self):
        self.given_customer()
        sub = self.current_subscription()
        self.deliver("customer.subscription.created", sub, created=1767225600)
        subscription = self.bound("saas.subscription", sub["id"])
        upgraded = self.current_subscription()
        upgraded["items"]["data"][0]["quantity"] = 3
        event = self.deliver(
            "customer.subscription.updated",
            upgraded,
            previous={"items": {"data": []}, "quantity": 1},
            created=1767312000,
        )
        self.assertDone(event)
        self.assertEqual(subscription.mrr, 60.0)
        scheduled = self.current_subscription(cancel_at_period_end=True)
        scheduled["items"]["data"][0]["quantity"] = 3
        event = self.deliver(
            "customer.subscription.updated",
            scheduled,
            previous={"cancel_at_period_end": False},
            created=1767398400,
        )
        self.assertDone(event)
        self.assertEqual(str(subscription.cancel_at), "2026-01-31")
        self.assertEqual(subscription.state, "active")
        kept = self.current_subscription(cancel_at_period_end=False)
        kept["items"]["data"][0]["quantity"] = 3
        event = self.deliver(
            "customer.subscription.updated",
            kept,
            previous={"cancel_at_period_end": True},
            created=1767484800,
        )
        self.assertDone(event)
        self.assertFalse(subscription.cancel_at)
        event = self.deliver(
            "customer.subscription.deleted",
            self.current_subscription(status="canceled", ended_at=1767571200),
            created=1767571200,
        )
        self.assertDone(event)
        self.assertEqual((subscription.state, subscription.mrr), ("cancelled", 0.0))
        self.assertEqual(
            subscription.movement_ids.sorted("id").mapped("movement_type"),
            ["new", "expansion", "churn"],
        )

    def test_invoice_paid_books_invoice_and_payment_even_out_of_order(self):
        self.given_customer()
        invoice = stripe_fixture(
            "invoice",
            status="paid",
            customer=CUSTOMER,
            currency="usd",
            total=1000,
            amount_paid=1000,
            number="INV-0001",
            effective_at=1767225600,
            due_date=None,
            payment_intent="pi_sample",
        )
        invoice["lines"]["data"][0]["pricing"] = {
            "price_details": {"price": PRICE},
            "unit_amount_decimal": "1000",
        }
        invoice["parent"] = None
        # invoice.paid arrives before invoice.finalized: it books both.
        paid = self.deliver("invoice.paid", invoice)
        self.assertDone(paid)
        move = self.bound("account.move", invoice["id"])
        self.assertEqual(
            (move.amount_total, move.payment_state, move.saas_source_number),
            (10.0, "paid", "INV-0001"),
        )
        finalized = self.deliver("invoice.finalized", dict(invoice, status="open"))
        self.assertEqual(finalized.state, "ignored")
        self.assertIn("already recorded", finalized.ignore_reason)
        self.assertEqual(self.bound("account.payment", "pi_sample").amount, 10.0)

    def test_jpy_invoice_has_no_minor_unit(self):
        self.given_customer()
        invoice = stripe_fixture(
            "invoice",
            status="open",
            customer=CUSTOMER,
            currency="jpy",
            total=1500,
            number="JPY-1",
            effective_at=1767225600,
            due_date=None,
            parent=None,
        )
        line = invoice["lines"]["data"][0]
        line.update(amount=1500, currency="jpy", quantity=1)
        line["pricing"] = {"price_details": {"price": PRICE}}
        event = self.deliver("invoice.finalized", invoice)
        self.assertDone(event)
        move = self.bound("account.move", invoice["id"])
        self.assertEqual((move.currency_id.name, move.amount_total), ("JPY", 1500.0))

    def test_refund_and_credit_note_from_fixtures(self):
        self.given_customer()
        invoice = self.open_invoice("in_1Pgc75B7WZ01zgkWYv4iMwt7", 1690, number="INV-CN")
        self.assertDone(self.deliver("invoice.finalized", invoice))
        charge = stripe_fixture(
            "charge",
            customer=CUSTOMER,
            invoice=invoice["id"],
            amount=1690,
            amount_captured=1690,
            captured=True,
            payment_intent=None,
        )
        self.assertDone(self.deliver("charge.succeeded", charge))
        note = stripe_fixture("credit_note", total=500)
        note["lines"]["data"] = [note["lines"]["data"][1]]  # the 5.00 service credit
        self.assertDone(self.deliver("credit_note.created", note))
        refund = stripe_fixture("refund", amount=500, charge=charge["id"])
        event = self.deliver("refund.created", refund)
        self.assertDone(event)
        payment = self.bound("account.payment", refund["id"])
        self.assertEqual((payment.payment_type, payment.amount), ("outbound", 5.0))

    # ----------------------------------------------------------- legacy shape
    def test_legacy_shape_subscription_and_invoice(self):
        """localstripe's objects (API 2017-08-15): top-level plan, periods on the
        subscription, the charge on the invoice."""
        self.given_customer("cus_legacy")
        legacy_sub = {
            "id": "sub_legacy",
            "object": "subscription",
            "customer": "cus_legacy",
            "status": "active",
            "created": 1767225600,
            "start_date": 1767225600,
            "current_period_start": 1767225600,
            "current_period_end": 1769904000,
            "plan": {
                "id": "plan_legacy",
                "amount": 4900,
                "currency": "eur",
                "interval": "month",
                "interval_count": 1,
            },
            "items": {
                "data": [
                    {
                        "id": "si_1",
                        "quantity": 2,
                        "plan": {
                            "id": "plan_legacy",
                            "amount": 4900,
                            "currency": "eur",
                            "interval": "month",
                            "interval_count": 1,
                            "object": "plan",
                        },
                    }
                ]
            },
        }
        self.env.ref("base.EUR").active = True
        self.assertDone(self.deliver("customer.subscription.created", legacy_sub))
        subscription = self.bound("saas.subscription", "sub_legacy")
        self.assertEqual((subscription.currency_id.name, subscription.mrr), ("EUR", 98.0))
        legacy_invoice = {
            "id": "in_legacy",
            "object": "invoice",
            "customer": "cus_legacy",
            "subscription": "sub_legacy",
            "charge": "ch_legacy",
            "currency": "eur",
            "status": "paid",
            "total": 9800,
            "amount_paid": 9800,
            "amount_due": 9800,
            "created": 1767225600,
            "date": 1767225600,
            "lines": {
                "data": [
                    {
                        "id": "ii_1",
                        "amount": 9800,
                        "quantity": 2,
                        "description": "2 x plan_legacy",
                        "plan": {"id": "plan_legacy", "amount": 4900},
                        "period": {"start": 1767225600, "end": 1769904000},
                    }
                ]
            },
        }
        self.assertDone(self.deliver("invoice.payment_succeeded", legacy_invoice))
        move = self.bound("account.move", "in_legacy")
        self.assertEqual(
            (move.amount_total, move.payment_state, move.saas_subscription_id),
            (98.0, "paid", subscription),
        )
        self.assertEqual(self.bound("account.payment", "ch_legacy").amount, 98.0)
        line = move.invoice_line_ids
        self.assertEqual(
            (line.product_id, str(line.saas_period_end)), (self.product_starter, "2026-01-31")
        )

    def test_not_modeled_types_are_ignored_with_reason(self):
        event = self.deliver("invoice.marked_uncollectible", stripe_fixture("invoice"))
        self.assertEqual(event.state, "ignored")
        self.assertIn("stay open for collections", event.ignore_reason)

    def test_voided_credit_note_is_reversed_and_its_invoice_due_again(self):
        self.given_customer()
        invoice = self.open_invoice("in_cn_void", 1690, number="INV-CNV")
        self.assertDone(self.deliver("invoice.finalized", invoice))
        note = stripe_fixture("credit_note", id="cn_voided", invoice="in_cn_void", total=500)
        note["lines"]["data"] = [note["lines"]["data"][1]]  # the 5.00 service credit
        self.assertDone(self.deliver("credit_note.created", note))
        move = self.bound("account.move", "in_cn_void")
        self.assertEqual(move.amount_residual, 11.9)
        event = self.deliver("credit_note.voided", dict(note, status="void"))
        self.assertDone(event)
        credit_note = self.bound("account.move", "cn_voided")
        self.assertEqual(credit_note.reversal_move_ids.amount_residual, 0.0)
        self.assertEqual(move.amount_residual, 16.9)

    def test_dispute_withdraws_then_a_won_dispute_reverses(self):
        self.given_customer()
        charge = stripe_fixture(
            "charge",
            customer=CUSTOMER,
            invoice=None,
            amount=3000,
            amount_captured=3000,
            payment_intent="pi_disputed",
        )
        self.assertDone(self.deliver("charge.succeeded", charge))
        payment = self.bound("account.payment", "pi_disputed")
        dispute = stripe_fixture(
            "dispute",
            charge=charge["id"],
            payment_intent="pi_disputed",
            amount=3000,
            currency="usd",
            reason="fraudulent",
            status="needs_response",
        )
        opened = self.deliver("charge.dispute.created", dispute)
        self.assertEqual(opened.state, "needs_mapping")  # no dispute account mapped yet
        self.assertEqual(
            (opened.missing_mapping_id.kind, opened.missing_mapping_id.external_key),
            ("account", "dispute"),
        )
        opened.missing_mapping_id.target_ref = (
            f"account.account,{self.company_data['default_account_receivable'].id}"
        )
        opened.missing_mapping_id.action_approve()
        self.env["saas.event"].process_pending(system_ids=self.stripe.ids)
        self.assertDone(opened)
        contra = self.bound("account.move", dispute["id"])
        self.assertEqual((contra.state, contra.amount_total), ("posted", 30.0))
        self.assertIn("Answer dispute", payment.activity_ids.summary)
        closed = self.deliver(
            "charge.dispute.closed", dict(dispute, status="won"), created=1767398400
        )
        self.assertDone(closed)
        self.assertEqual(contra.reversal_move_ids.state, "posted")
        self.assertTrue(contra.line_ids.filtered("reconciled"), "won: the entry is undone")
        lost = self.deliver(
            "charge.dispute.closed",
            dict(dispute, status="lost"),
            event_id="evt_lost",
            created=1767484800,
        )
        self.assertEqual(lost.state, "ignored")

    def _map_account(self, key, account):
        mapping = self.env["saas.mapping"].create(
            {
                "system_id": self.stripe.id,
                "kind": "account",
                "external_key": key,
                "target_ref": f"account.account,{account.id}",
            }
        )
        mapping.action_approve()

    def _disputed_charge(self, intent):
        charge = stripe_fixture(
            "charge",
            id=f"ch_{intent}",
            customer=CUSTOMER,
            invoice=None,
            amount=3000,
            amount_captured=3000,
            payment_intent=intent,
        )
        self.assertDone(self.deliver("charge.succeeded", charge))
        return charge

    def _dispute(self, intent, *transactions):
        """A 30.00 dispute on ``intent`` with Stripe's balance transactions
        (amount, fee in cents): Stripe's dispute fee is 15.00 in the US."""
        return stripe_fixture(
            "dispute",
            id=f"dp_{intent}",
            charge=f"ch_{intent}",
            payment_intent=intent,
            amount=3000,
            currency="usd",
            reason="fraudulent",
            status="needs_response",
            balance_transactions=[
                {
                    "id": f"txn_{intent}_{index}",
                    "object": "balance_transaction",
                    "amount": amount,
                    "fee": fee,
                    "net": amount - fee,
                    "currency": "usd",
                    "type": "adjustment",
                    "reporting_category": "dispute" if amount < 0 else "dispute_reversal",
                }
                for index, (amount, fee) in enumerate(transactions)
            ],
        )

    def _fee_balance(self, dispute_id):
        moves = self.bound("account.move", dispute_id)
        moves |= moves.reversal_move_ids | self.bound("account.move", f"{dispute_id}:fee")
        lines = moves.filtered(lambda move: move.state == "posted").line_ids
        return sum(
            lines.filtered(lambda line: line.account_id == self.fee_account).mapped("balance")
        )

    def test_dispute_fee_goes_to_the_fee_account(self):
        """Stripe takes its dispute fee with the disputed amount (balance
        transaction fee 1500, net -4500): the fee is an expense on the fee
        account, never part of the dispute's contra amount. Won, the fee comes
        back only when Stripe's reinstatement transaction returns it."""
        self.given_customer()
        self.fee_account = self.company_data["default_account_expense"]
        self._map_account("gateway_fee", self.fee_account)
        dispute_account = self.company_data["default_account_receivable"]
        self._map_account("dispute", dispute_account)
        withdrawn = (-3000, 1500)
        cases = [
            # (intent, close status, reinstatement transaction, fee Stripe keeps)
            ("pi_fee_lost", "lost", None, 15.0),
            ("pi_fee_kept", "won", (3000, 0), 15.0),
            ("pi_fee_returned", "won", (3000, -1500), 0.0),
        ]
        for intent, status, reinstated, kept in cases:
            with self.subTest(intent=intent):
                self._disputed_charge(intent)
                payment = self.bound("account.payment", intent)
                dispute = self._dispute(intent, withdrawn)
                self.assertDone(self.deliver("charge.dispute.created", dispute))
                contra = self.bound("account.move", dispute["id"])
                by_account = {
                    account: sum(
                        contra.line_ids.filtered(
                            lambda line, a=account: line.account_id == a
                        ).mapped("balance")
                    )
                    for account in (dispute_account, self.fee_account)
                }
                self.assertEqual(by_account, {dispute_account: 30.0, self.fee_account: 15.0})
                outstanding = contra.line_ids.filtered(
                    lambda line, p=payment: line.account_id == p.outstanding_account_id
                )
                self.assertEqual(outstanding.balance, -45.0)  # Stripe's net of the transaction
                closed = dict(dispute, status=status)
                if reinstated:
                    closed = self._dispute(intent, withdrawn, reinstated)
                    closed["status"] = status
                self.deliver(
                    "charge.dispute.closed",
                    closed,
                    event_id=f"evt_closed_{intent}",
                    created=1767398400,
                )
                self.assertEqual(self._fee_balance(dispute["id"]), kept)
                again = self.deliver(
                    "charge.dispute.closed",
                    closed,
                    event_id=f"evt_closed_again_{intent}",
                    created=1767398500,
                )
                self.assertEqual(again.state, "ignored")
                self.assertEqual(self._fee_balance(dispute["id"]), kept)


@tagged("post_install", "-at_install")
class TestStripeOutOfOrder(StripeCase):
    """Without an API key, what arrives early waits as a dependency."""

    def make_due(self):
        self.env["saas.event"].search(
            [("system_id", "=", self.stripe.id), ("state", "=", "retry")]
        ).write({"next_attempt_at": "2000-01-01 00:00:00"})
        self.env["saas.event"].process_pending(system_ids=self.stripe.ids)

    def test_deletion_before_creation(self):
        self.given_customer()
        sub = self.current_subscription()
        deleted = self.deliver(
            "customer.subscription.deleted",
            self.current_subscription(status="canceled", ended_at=1767571200),
            created=1767571200,
        )
        self.assertEqual((deleted.state, deleted.error_class), ("retry", "dependency"))
        created = self.deliver("customer.subscription.created", sub, created=1767225600)
        self.assertDone(created)
        self.make_due()
        self.assertDone(deleted)
        subscription = self.bound("saas.subscription", sub["id"])
        self.assertEqual((subscription.state, subscription.mrr), ("cancelled", 0.0))
        # The creation, replayed late, is older than the stored state: ignored.
        created.action_replay()
        self.env["saas.event"].process_pending(system_ids=self.stripe.ids)
        self.assertEqual(created.state, "ignored")
        self.assertEqual(subscription.state, "cancelled")

    def test_payment_before_invoice(self):
        self.given_customer()
        invoice = self.open_invoice("in_ooo", 2000, number="INV-OOO")
        charge = stripe_fixture(
            "charge",
            customer=CUSTOMER,
            invoice="in_ooo",
            amount=2000,
            amount_captured=2000,
            payment_intent="pi_ooo",
        )
        paid = self.deliver("charge.succeeded", charge)
        self.assertEqual((paid.state, paid.error_class), ("retry", "dependency"))
        self.assertIn("in_ooo", paid.last_error)
        self.assertDone(self.deliver("invoice.finalized", invoice))
        self.make_due()
        self.assertDone(paid)
        move = self.bound("account.move", "in_ooo")
        self.assertEqual((move.payment_state, move.amount_residual), ("paid", 0.0))

    def test_invoice_payment_takes_the_invoice_customer(self):
        self.given_customer()
        invoice = self.open_invoice("in_ip", 1200, number="INV-IP")
        payment = stripe_fixture(
            "invoice_payment",
            invoice="in_ip",
            amount_paid=1200,
            currency="usd",
            payment={"type": "payment_intent", "payment_intent": "pi_ip"},
        )
        early = self.deliver("invoice_payment.paid", payment)
        self.assertEqual((early.state, early.error_class), ("retry", "dependency"))
        self.assertDone(self.deliver("invoice.finalized", invoice))
        self.make_due()
        self.assertDone(early)
        self.assertEqual(self.bound("account.move", "in_ip").payment_state, "paid")
        self.assertEqual(
            self.bound("account.payment", "pi_ip").partner_id, self.bound("res.partner", CUSTOMER)
        )

    def test_failed_invoice_payment_and_void(self):
        self.given_customer()
        self.deliver("customer.subscription.created", self.current_subscription())
        subscription = self.bound("saas.subscription", "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw")
        invoice = self.open_invoice(
            "in_fail",
            2000,
            amount_due=2000,
            number="INV-FAIL",
            parent={"subscription_details": {"subscription": "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw"}},
        )
        self.assertDone(self.deliver("invoice.finalized", invoice))
        failed = self.deliver("invoice.payment_failed", invoice, created=1767312000)
        self.assertDone(failed)
        self.assertEqual((subscription.state, subscription.failed_payment_count), ("past_due", 1))
        voided = self.deliver("invoice.voided", dict(invoice, status="void"), created=1767398400)
        self.assertDone(voided)
        self.assertEqual(self.bound("account.move", "in_fail").payment_state, "reversed")

    def test_backfilled_void_invoice_is_booked_then_reversed(self):
        """A voided invoice pulled by the backfill is never left open."""
        self.given_customer()
        invoice = self.open_invoice("in_void_backfill", 2000, status="void", number="INV-VOID")
        wizard = self.env["saas.stripe.backfill"].create({"system_id": self.stripe.id})
        events = wizard._store(self.stripe, "t1", invoice, _invoice_type)
        self.assertEqual(events.mapped("event_type"), ["invoice.finalized", "invoice.voided"])
        self.env["saas.event"].process_pending(system_ids=self.stripe.ids)
        for event in events:
            self.assertDone(event)
        move = self.bound("account.move", "in_void_backfill")
        self.assertEqual((move.state, move.payment_state), ("posted", "reversed"))
        # Pulled again: nothing is booked twice.
        again = wizard._store(self.stripe, "t2", invoice, _invoice_type)
        self.env["saas.event"].process_pending(system_ids=self.stripe.ids)
        self.assertEqual(set(again.mapped("state")), {"ignored"})
        self.assertEqual(
            self.env["account.move"].search_count(
                [("move_type", "=", "out_invoice"), ("partner_id", "=", move.partner_id.id)]
            ),
            1,
        )

    def test_current_shape_failed_invoice_payment_counts_once(self):
        """charge.failed and invoice.payment_failed of one failed attempt (the
        current shape links neither to the other): one failure, one activity."""
        self.given_customer()
        self.deliver("customer.subscription.created", self.current_subscription())
        subscription = self.bound("saas.subscription", "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw")
        invoice = self.open_invoice(
            "in_fail_once",
            2000,
            amount_due=2000,
            parent={"subscription_details": {"subscription": "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw"}},
        )
        self.assertDone(self.deliver("invoice.finalized", invoice))
        charge = stripe_fixture(
            "charge",
            id="ch_fail_once",
            customer=CUSTOMER,
            status="failed",
            payment_intent="pi_fail_once",
            amount=2000,
            currency="usd",
            failure_message="Your card was declined.",
        )
        self.assertNotIn("invoice", charge)  # the current shape names no invoice
        for event in (
            self.deliver("charge.failed", charge, created=1767312000),
            self.deliver("invoice.payment_failed", invoice, created=1767312001),
        ):
            self.assertIn(event.state, ("done", "ignored"), event.last_error)
        self.assertEqual(subscription.failed_payment_count, 1)
        self.assertEqual(len(subscription.activity_ids), 1)


@tagged("post_install", "-at_install")
class TestStripeOnePayment(StripeCase):
    """Every Stripe event about one payment resolves to one account.payment."""

    def setUp(self):
        super().setUp()
        self.given_customer()

    def make_due(self):
        """One more attempt of what waits (as the lane cron would do later)."""
        self.env["saas.event"].search(
            [("system_id", "=", self.stripe.id), ("state", "=", "retry")]
        ).write({"next_attempt_at": "2000-01-01 00:00:00"})
        self.env["saas.event"].process_pending(system_ids=self.stripe.ids)

    def current_shape_events(self, tag, amount=1500):
        """The five events Stripe (API 2025-06-30.basil) sends for one paid invoice:
        none of them names both the invoice and the charge."""
        invoice_id, intent, charge = f"in_{tag}", f"pi_{tag}", f"ch_{tag}"
        invoice = self.open_invoice(
            invoice_id, amount, number=f"INV-{tag}", status="paid", amount_paid=amount
        )
        charge_obj = stripe_fixture(
            "charge",
            id=charge,
            customer=CUSTOMER,
            payment_intent=intent,
            amount=amount,
            amount_captured=amount,
            captured=True,
            currency="usd",
            created=1767312000,
        )
        intent_obj = stripe_fixture(
            "payment_intent",
            id=intent,
            customer=CUSTOMER,
            amount=amount,
            amount_received=amount,
            latest_charge=charge,
            status="succeeded",
            currency="usd",
            created=1767312000,
        )
        invoice_payment = stripe_fixture(
            "invoice_payment",
            id=f"inpay_{tag}",
            invoice=invoice_id,
            amount_paid=amount,
            currency="usd",
            status="paid",
            payment={"type": "payment_intent", "payment_intent": intent},
        )
        return (
            invoice_id,
            charge,
            [
                ("charge.succeeded", charge_obj),
                ("payment_intent.succeeded", intent_obj),
                ("invoice_payment.paid", invoice_payment),
                ("invoice.paid", invoice),
                ("invoice.payment_succeeded", invoice),
            ],
        )

    def assertOnePaymentPays(self, invoice_id, events, *keys):
        self.assertEqual(set(events.mapped("state")) - {"done", "ignored"}, set())
        invoice = self.bound("account.move", invoice_id)
        payments = self.env["account.payment"].search([("saas_event_id", "in", events.ids)])
        self.assertEqual(len(payments), 1, "one payment, whatever the order")
        for key in keys:
            self.assertEqual(self.bound("account.payment", key), payments)
        self.assertEqual((invoice.payment_state, invoice.amount_residual), ("paid", 0.0))
        receivable = payments.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.amount_residual, 0.0, "no customer credit")

    def test_current_shape_every_order_books_one_payment(self):
        for index, order in enumerate(itertools.permutations(range(5))):
            invoice_id, charge, sends = self.current_shape_events(f"o{index}")
            with self.subTest(order=[sends[i][0] for i in order]):
                events = self.env["saas.event"]
                for step in order:
                    events |= self.deliver(*sends[step])
                    self.make_due()
                self.assertOnePaymentPays(invoice_id, events, f"pi_o{index}", charge)

    def test_current_shape_each_event_twice(self):
        for index, order in enumerate(((0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (2, 0, 4, 1, 3))):
            invoice_id, charge, sends = self.current_shape_events(f"d{index}")
            with self.subTest(order=order):
                events = self.env["saas.event"]
                for step in order:
                    event_type, obj = sends[step]
                    first = self.deliver(event_type, obj)
                    # Stripe's retry of the same event, then a replay by hand.
                    resent = self.deliver(event_type, obj, event_id=first.external_id)
                    self.assertEqual(resent, first)
                    first.action_replay()
                    events |= first | self.deliver(event_type, obj)  # and under a new id
                    self.make_due()
                self.make_due()
                self.assertOnePaymentPays(invoice_id, events, f"pi_d{index}", charge)

    def test_legacy_shape_charge_and_invoice_book_one_payment(self):
        variants = {
            "both_name_the_intent": ("pi", "pi"),
            "invoice_names_the_charge_only": ("pi", None),
            "no_intent": (None, None),
        }
        for index, (name, (charge_intent, invoice_intent)) in enumerate(variants.items()):
            for order in ((0, 1), (1, 0)):
                tag = f"l{index}{order[0]}"
                invoice_id, charge = f"in_{tag}", f"ch_{tag}"
                intent = f"pi_{tag}"
                legacy_invoice = self.open_invoice(
                    invoice_id,
                    2500,
                    number=f"INV-{tag}",
                    status="paid",
                    amount_paid=2500,
                    charge=charge,
                    payment_intent=intent if invoice_intent else None,
                )
                legacy_charge = stripe_fixture(
                    "charge",
                    id=charge,
                    customer=CUSTOMER,
                    invoice=invoice_id,
                    payment_intent=intent if charge_intent else None,
                    amount=2500,
                    amount_captured=2500,
                    currency="usd",
                )
                sends = [
                    ("charge.succeeded", legacy_charge),
                    ("invoice.payment_succeeded", legacy_invoice),
                ]
                with self.subTest(variant=name, order=order):
                    events = self.env["saas.event"]
                    for step in order + order:
                        events |= self.deliver(*sends[step])
                        self.make_due()
                    keys = [charge] + ([intent] if charge_intent else [])
                    self.assertOnePaymentPays(invoice_id, events, *keys)

    def test_payment_intent_without_customer_is_ignored(self):
        event = self.deliver(
            "payment_intent.succeeded",
            stripe_fixture("payment_intent", customer=None, status="succeeded"),
        )
        self.assertEqual(event.state, "ignored")


@tagged("post_install", "-at_install")
class TestStripeCurrencyDigits(StripeCase):
    def test_drift_check_uses_the_currency_digits(self):
        """A JPY or BHD subscription in line with Stripe is no drift (no daily repair)."""
        self.given_customer()
        self.env.ref("base.BHD").active = True
        for currency, amount in (("jpy", 10000), ("bhd", 10000)):
            sub = self.current_subscription(id=f"sub_{currency}", currency=currency)
            item = sub["items"]["data"][0]
            item["quantity"] = 1
            item["price"].update(
                id=PRICE,
                currency=currency,
                unit_amount=amount,
                unit_amount_decimal=str(amount),
                recurring={"interval": "year", "interval_count": 1, "usage_type": "licensed"},
            )
            sub["items"]["data"] = [item]
            self.assertDone(self.deliver("customer.subscription.created", sub))
            subscription = self.bound("saas.subscription", sub["id"])
            self.assertEqual(subscription.mrr, {"jpy": 833.0, "bhd": 0.833}[currency])
            self.assertIsNone(self.stripe._stripe_drifted(sub))

    def test_due_date_is_stripe_one_else_the_invoice_date(self):
        self.given_customer()
        self.assertDone(
            self.deliver("invoice.finalized", self.open_invoice("in_nodue", 1000, number="N-1"))
        )
        self.assertEqual(str(self.bound("account.move", "in_nodue").invoice_date_due), "2026-01-01")
        due = self.open_invoice("in_due", 1000, number="N-2", due_date=1768435200)  # 2026-01-15
        self.assertDone(self.deliver("invoice.finalized", due))
        self.assertEqual(str(self.bound("account.move", "in_due").invoice_date_due), "2026-01-15")


@tagged("post_install", "-at_install")
class TestStripeDiscounts(StripeCase):
    """Stripe's API reference: a coupon's ``amount_off`` is subtracted from each
    invoice; an invoice line's ``discount_amounts`` hold what was taken off the
    line, including its share of invoice-level discounts."""

    def test_amount_off_coupon_reduces_the_mrr_and_is_no_drift(self):
        self.given_customer()
        sub = self.current_subscription(id="sub_amount_off")
        coupon = {"object": "coupon", "id": "co_5", "amount_off": 500, "currency": "usd"}
        sub["discount"] = {"object": "discount", "coupon": dict(coupon, duration="forever")}
        self.assertDone(self.deliver("customer.subscription.created", sub))
        subscription = self.bound("saas.subscription", "sub_amount_off")
        # 20.00 a month less 5.00 off every invoice.
        self.assertEqual(subscription.mrr, 15.0)
        self.assertEqual(subscription.line_ids.discount_amount, 5.0)
        self.assertIsNone(self.stripe._stripe_drifted(sub))
        # Without the coupon Stripe would bill 20.00: that is drift.
        sub["discount"] = None
        self.assertTrue(self.stripe._stripe_drifted(sub))

    def test_invoice_level_discount_books_the_stripe_total(self):
        self.given_customer()
        # 10.00 list price, 2.50 off (a 25% invoice coupon): Stripe charges 7.50.
        invoice = self.open_invoice("in_discounted", 1000, number="D-1", subtotal=1000)
        invoice["total"] = 750
        invoice["lines"]["data"][0]["discount_amounts"] = [{"amount": 250, "discount": "di_1"}]
        invoice["total_discount_amounts"] = [{"amount": 250, "discount": "di_1"}]
        event = self.deliver("invoice.finalized", invoice)
        self.assertDone(event)
        move = self.bound("account.move", "in_discounted")
        self.assertEqual(move.amount_total, 7.5)
        self.assertEqual(sorted(move.invoice_line_ids.mapped("price_subtotal")), [-2.5, 10.0])
        self.assertFalse(move.invoice_line_ids.filtered(lambda line: not line.product_id))


class _SubscriptionsApi(BaseHTTPRequestHandler):
    """A local stand-in for Stripe's ``GET /v1/subscriptions/<id>``: answers
    the server's ``subscriptions`` dict, expanding ``discounts`` only when the
    request asks for it (as Stripe does), and records the requests."""

    def do_GET(self):
        url = urlsplit(self.path)
        self.server.requests.append((url.path, parse_qs(url.query)))
        sub = self.server.subscriptions.get(url.path.rsplit("/", 1)[-1])
        if not sub:
            self._answer(
                404, {"error": {"type": "invalid_request_error", "code": "resource_missing"}}
            )
            return
        expand = set(parse_qs(url.query).get("expand[]", []))
        expand |= {
            v for k, vals in parse_qs(url.query).items() if k.startswith("expand[") for v in vals
        }
        answer = json.loads(json.dumps(sub))
        if "discounts" not in expand:
            answer["discounts"] = [d["id"] for d in answer.get("discounts") or []]
        if "items.data.discounts" not in expand:
            for item in answer["items"]["data"]:
                item["discounts"] = [d["id"] for d in item.get("discounts") or []]
        self._answer(200, answer)

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args):
        pass


@tagged("post_install", "-at_install")
class TestStripeDiscountIds(StripeCase):
    """The current shape names a subscription's discounts by id: with a secret
    key, the adapter reads them (Stripe's ``expand``) so the MRR is net of the
    coupon, and keeps the event's own type."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api = ThreadingHTTPServer(("127.0.0.1", 0), _SubscriptionsApi)
        cls.api.requests, cls.api.subscriptions = [], {}
        threading.Thread(target=cls.api.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.api.server_close)
        cls.addClassCleanup(cls.api.shutdown)
        cls.stripe.write(
            {
                "stripe_api_key": "sk_test_local",
                "stripe_api_base": f"http://127.0.0.1:{cls.api.server_address[1]}",
            }
        )

    def test_discount_ids_are_read_with_their_coupons(self):
        self.given_customer()
        sub = self.current_subscription(id="sub_ids")
        discount = {
            "object": "discount",
            "id": "di_10off",
            "source": {
                "type": "coupon",
                "coupon": {"id": "co_10", "amount_off": 1000, "currency": "usd"},
            },
        }
        stored = json.loads(json.dumps(sub))
        stored["discounts"] = [discount]
        self.api.subscriptions["sub_ids"] = stored
        sub["discounts"] = ["di_10off"]
        self.assertDone(self.deliver("customer.subscription.created", sub))
        subscription = self.bound("saas.subscription", "sub_ids")
        self.assertEqual(subscription.mrr, 10.0)  # 20.00 less 10.00 off
        path, query = self.api.requests[-1]
        self.assertEqual(path, "/v1/subscriptions/sub_ids")
        self.assertIn("items.data.discounts", [v for values in query.values() for v in values])
        # A pause of the known subscription keeps its type (it is not replaced by
        # Stripe's current state), and its coupon.
        # (The first event was applied as Stripe's state read now: the pause is newer.)
        paused = dict(sub, pause_collection={"behavior": "void"})
        event = self.deliver(
            "customer.subscription.updated",
            paused,
            {"pause_collection": None},
            created=int(time.time()) + 60,
        )
        self.assertDone(event)
        self.assertEqual(subscription.state, "paused")
        self.assertEqual(self.api.requests[-1][0], "/v1/subscriptions/sub_ids")
        self.assertEqual(subscription.line_ids.discount_amount, 10.0)


class _InvoicePaymentsApi(BaseHTTPRequestHandler):
    """A local stand-in for Stripe's ``GET /v1/invoice_payments?invoice=``
    (localstripe has no InvoicePayments): answers the server's
    ``payments`` of that invoice, and records the requests."""

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self.server.requests.append((url.path, query))
        if url.path != "/v1/invoice_payments":
            self._answer(404, {"error": {"type": "invalid_request_error"}})
            return
        invoice_id = (query.get("invoice") or [""])[0]
        data = self.server.payments.get(invoice_id, [])
        self._answer(200, {"object": "list", "url": url.path, "has_more": False, "data": data})

    _answer = _SubscriptionsApi._answer

    def log_message(self, *_args):
        pass


@tagged("post_install", "-at_install")
class TestStripeInvoicePayments(StripeCase):
    """A paid invoice of Stripe's current shape names no payment: with the
    secret key, its InvoicePayments are read so the payment pays it even when
    ``invoice_payment.paid`` is not among the webhook's events (issue 20)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api = ThreadingHTTPServer(("127.0.0.1", 0), _InvoicePaymentsApi)
        cls.api.requests, cls.api.payments = [], {}
        threading.Thread(target=cls.api.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.api.server_close)
        cls.addClassCleanup(cls.api.shutdown)

    def setUp(self):
        super().setUp()
        self.api.requests.clear()

    def with_key(self):
        self.stripe.write(
            {
                "stripe_api_key": "sk_test_local",
                "stripe_api_base": f"http://127.0.0.1:{self.api.server_address[1]}",
            }
        )

    def paid_invoice(self, tag, amount=1500):
        """Stripe's charge and paid invoice of the current shape, and its
        InvoicePayment as ``GET /v1/invoice_payments`` lists it."""
        invoice = self.open_invoice(
            f"in_{tag}", amount, number=f"INV-{tag}", status="paid", amount_paid=amount
        )
        charge = stripe_fixture(
            "charge",
            id=f"ch_{tag}",
            customer=CUSTOMER,
            payment_intent=f"pi_{tag}",
            invoice=None,
            amount=amount,
            amount_captured=amount,
            captured=True,
            currency="usd",
            created=1767312000,
        )
        self.api.payments[invoice["id"]] = [
            stripe_fixture(
                "invoice_payment",
                id=f"inpay_{tag}",
                invoice=invoice["id"],
                amount_paid=amount,
                currency="usd",
                status="paid",
                payment={"type": "payment_intent", "payment_intent": f"pi_{tag}"},
            )
        ]
        return invoice, charge

    def test_invoice_payments_are_read_with_the_key(self):
        self.with_key()
        self.given_customer()
        invoice, charge = self.paid_invoice("k1")
        self.assertDone(self.deliver("charge.succeeded", charge))
        self.assertDone(self.deliver("invoice.paid", invoice))
        move = self.bound("account.move", "in_k1")
        payment = self.bound("account.payment", "pi_k1")
        self.assertEqual((move.payment_state, move.amount_residual), ("paid", 0.0))
        self.assertEqual(self.bound("account.payment", "ch_k1"), payment)
        self.assertEqual(self.bound("account.payment", "inpay_k1"), payment)
        receivable = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.amount_residual, 0.0, "no customer credit")
        self.assertIn(
            ("/v1/invoice_payments", {"invoice": ["in_k1"], "limit": ["100"]}),
            [(path, query) for path, query in self.api.requests],
        )
        # The other order: the invoice first books the payment, its charge resolves to it.
        invoice, charge = self.paid_invoice("k2")
        self.assertDone(self.deliver("invoice.payment_succeeded", invoice))
        self.deliver("charge.succeeded", charge)
        move = self.bound("account.move", "in_k2")
        self.assertEqual((move.payment_state, move.amount_residual), ("paid", 0.0))
        self.assertEqual(
            self.bound("account.payment", "ch_k2"), self.bound("account.payment", "pi_k2")
        )

    def test_without_the_key_the_payment_stays_a_customer_credit(self):
        self.given_customer()
        invoice, charge = self.paid_invoice("n1")
        self.assertDone(self.deliver("charge.succeeded", charge))
        self.assertDone(self.deliver("invoice.paid", invoice))
        move = self.bound("account.move", "in_n1")
        self.assertEqual(move.amount_residual, 15.0)
        receivable = self.bound("account.payment", "pi_n1").move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.amount_residual, -15.0)  # a customer credit, not lost
        self.assertFalse(self.api.requests, "no key: Stripe is not called")

    def test_the_form_warns_until_invoice_payment_events_arrive(self):
        self.assertTrue(self.stripe.stripe_invoice_payment_missing)
        self.assertFalse(self.system.stripe_invoice_payment_missing, "not a Stripe system")
        arch = self.env["saas.system"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("stripe_invoice_payment_missing", arch)
        self.given_customer()
        invoice, _charge = self.paid_invoice("w1")
        self.assertDone(self.deliver("invoice.finalized", dict(invoice, status="open")))
        self.assertTrue(self.stripe.stripe_invoice_payment_missing)
        [payment] = self.api.payments[invoice["id"]]
        self.deliver("invoice_payment.paid", payment)
        self.stripe.invalidate_recordset(["stripe_invoice_payment_missing"])
        self.assertFalse(self.stripe.stripe_invoice_payment_missing)
