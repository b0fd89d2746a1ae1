# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payout reconciliation: a constructed payout with fees, a refund and a
charge Odoo never heard of reports exactly that gap; the same payout without
it posts one balanced entry."""

import json
from unittest.mock import patch

import stripe

from odoo.tests import tagged

from odoo.addons.saas_subscription.tests.common import SubscriptionCommon

from ..lib.inbox import stripe_header
from .common import stripe_event, stripe_fixture

PRICE = "price_1PgafmB7WZ01zgkW6dKueIc5"
CUSTOMER = "cus_payout"
INVOICE = "in_payout"
CREATED = 1767312000  # 2026-01-02
ARRIVAL = 1767830400  # 2026-01-08


def txn(txn_id, txn_type, amount, fee, source, currency="usd"):
    return {
        "id": txn_id,
        "object": "balance_transaction",
        "type": txn_type,
        "reporting_category": txn_type,
        "amount": amount,
        "fee": fee,
        "net": amount - fee,
        "currency": currency,
        "source": source,
        "status": "available",
        "created": CREATED,
    }


@tagged("post_install", "-at_install")
class TestStripePayout(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.USD").active = True
        cls.stripe = cls.env["saas.system"].create(
            {
                "name": "Stripe payouts",
                "code": "stripe-payout",
                "kind": "stripe",
                "company_id": cls.company.id,
                "owns_customers": True,
            }
        )
        cls.map_product(PRICE, cls.product_pro, cls.stripe)
        cls.fee_account = cls.company_data["default_account_expense"]
        fee_mapping = cls.env["saas.mapping"].create(
            {
                "system_id": cls.stripe.id,
                "kind": "account",
                "external_key": "gateway_fee",
                "target_ref": f"account.account,{cls.fee_account.id}",
            }
        )
        fee_mapping.action_approve()
        cls._book_payments()

    # ------------------------------------------------------------- booking
    @classmethod
    def deliver(cls, event_type, obj):
        event = stripe_event(event_type, obj, created=CREATED)
        [(record, _created)] = cls.env["saas.event"]._receive(
            cls.stripe, [(json.dumps(event), event, stripe_header(event))]
        )
        cls.env["saas.event"].process_pending(system_ids=cls.stripe.ids)
        assert record.state == "done", f"{event_type}: {record.state} {record.last_error}"
        return record

    @classmethod
    def bound(cls, external_id):
        return cls.env["saas.binding"].find_record(cls.stripe, "account.payment", external_id)

    @classmethod
    def _book_payments(cls):
        """A customer, a 30.00 invoice paid by two charges (20.00 through a
        payment intent, 10.00 without one) and a 5.00 refund of the first."""
        cls.deliver(
            "customer.created",
            stripe_fixture("customer", id=CUSTOMER, email="payout@example.com", name="Payout Co"),
        )
        invoice = stripe_fixture(
            "invoice",
            id=INVOICE,
            status="open",
            customer=CUSTOMER,
            currency="usd",
            total=3000,
            number="INV-PAYOUT",
            effective_at=CREATED,
            due_date=None,
            parent=None,
        )
        invoice["lines"]["data"][0].update(amount=3000, quantity=1)
        invoice["lines"]["data"][0]["pricing"] = {"price_details": {"price": PRICE}}
        cls.deliver("invoice.finalized", invoice)
        for charge_id, intent, amount in (("ch_a", "pi_a", 2000), ("ch_b", None, 1000)):
            charge = stripe_fixture(
                "charge",
                id=charge_id,
                customer=CUSTOMER,
                invoice=INVOICE,
                amount=amount,
                amount_captured=amount,
                captured=True,
                payment_intent=intent,
                created=CREATED,
            )
            cls.deliver("charge.succeeded", charge)
        refund = stripe_fixture(
            "refund", id="re_a", amount=500, charge="ch_a", payment_intent="pi_a", created=CREATED
        )
        cls.deliver("refund.created", refund)
        cls.payment_a = cls.bound("pi_a")
        cls.payment_b = cls.bound("ch_b")
        cls.refund_a = cls.bound("re_a")

    # -------------------------------------------------------------- payouts
    def transactions(self, payout_id, with_unknown=True):
        lines = [
            # The first charge's source expanded (as the cron asks Stripe for).
            txn(
                "txn_a",
                "charge",
                2000,
                88,
                {"id": "ch_a", "object": "charge", "payment_intent": "pi_a"},
            ),
            txn("txn_b", "charge", 1000, 59, "ch_b"),
            txn("txn_r", "refund", -500, 0, "re_a"),
        ]
        if with_unknown:
            lines.append(txn("txn_u", "charge", 700, 50, "ch_unknown"))
        net = sum(line["net"] for line in lines)
        lines.append(txn(f"txn_{payout_id}", "payout", -net, 0, payout_id))
        return lines

    def payout(self, payout_id, transactions, amount=None):
        if amount is None:
            amount = -next(t["amount"] for t in transactions if t["type"] == "payout")
        return {
            "id": payout_id,
            "object": "payout",
            "amount": amount,
            "currency": "usd",
            "arrival_date": ARRIVAL,
            "created": CREATED,
            "status": "paid",
            "balance_transaction": f"txn_{payout_id}",
        }

    def reconcile_dicts(self, payout_dict, transactions):
        """Reconcile a payout of the Stripe system from Stripe's dicts."""
        return self.env["saas.stripe.payout"]._reconcile_from_stripe(
            self.stripe, payout_dict, transactions
        )

    def reconcile(self, payout_id, with_unknown=True, amount=None):
        transactions = self.transactions(payout_id, with_unknown)
        return self.reconcile_dicts(self.payout(payout_id, transactions, amount), transactions)

    def payout_moves(self):
        return self.env["account.move"].search(
            [("ref", "like", "Stripe payout"), ("company_id", "=", self.company.id)]
        )

    def flush_tracking(self):
        self.env.flush_all()
        self.env.cr.flush()

    @staticmethod
    def said(payout, text):
        return any(text in str(message.body) for message in payout.message_ids)

    # ---------------------------------------------------------------- tests
    def test_booked_payments(self):
        self.assertEqual(
            (self.payment_a.amount, self.payment_b.amount, self.refund_a.amount),
            (20.0, 10.0, 5.0),
        )
        self.assertEqual(self.refund_a.payment_type, "outbound")

    def test_missing_payment_is_the_only_gap_then_reconciled(self):
        moves_before = self.payout_moves()
        payout = self.reconcile("po_gaps")
        self.assertEqual(payout.state, "gaps")
        self.assertEqual(len(payout.line_ids), 4, "the payout's own transaction is not a line")
        gaps = self.env["saas.stripe.payout.line"].search(
            [("payout_id", "=", payout.id), ("gap", "!=", False)]
        )
        self.assertEqual(gaps.mapped("source_ref"), ["ch_unknown"])
        self.assertEqual(gaps.gap, "missing_payment")
        self.assertEqual(payout.gap_count, 1)
        self.assertFalse(payout.gap_note, "its lines sum to the payout")
        self.assertFalse(payout.move_id)
        self.assertEqual(self.payout_moves(), moves_before, "nothing is posted")
        matched = {line.source_ref: line.payment_id for line in payout.line_ids}
        self.assertEqual(
            matched,
            {
                "ch_a": self.payment_a,
                "ch_b": self.payment_b,
                "re_a": self.refund_a,
                "ch_unknown": self.env["account.payment"],
            },
        )
        self.assertEqual(payout.amount, 30.03)

        # The same payout without the charge Odoo does not know.
        payout = self.reconcile("po_ok", with_unknown=False)
        self.assertEqual((payout.state, payout.gap_count), ("reconciled", 0))
        move = payout.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(self.payout_moves() - moves_before, move, "one entry")
        self.assertEqual(move.journal_id, self.payment_a.journal_id)
        self.assertTrue(
            self.company.currency_id.is_zero(sum(move.line_ids.mapped("balance"))), "balanced"
        )
        fee_line = move.line_ids.filtered(lambda aml: aml.account_id == self.fee_account)
        self.assertEqual(fee_line.debit, 1.47)
        self.assertEqual(payout.fee_total, 1.47)
        net_line = move.line_ids.filtered(lambda aml: aml.name == "Payout po_ok")
        self.assertEqual((net_line.debit, payout.amount), (23.53, 23.53))
        receipts = self.payment_a.outstanding_account_id
        cleared = move.line_ids.filtered(
            lambda aml: aml.account_id == receipts and aml.credit
        ).mapped("credit")
        self.assertEqual(sorted(cleared), [10.0, 20.0])
        refund_line = move.line_ids.filtered(
            lambda aml: aml.account_id == self.refund_a.outstanding_account_id and aml.debit
        )
        self.assertIn(5.0, refund_line.mapped("debit"))
        # Each payment's outstanding line is matched by the payout.
        for payment in self.payment_a | self.payment_b | self.refund_a:
            self.assertEqual(payment.state, "paid", payment.name)
        self.assertTrue(self.said(payout, "No approved journal mapping"))

        # Again: nothing changes.
        self.flush_tracking()
        lines_before = payout.line_ids
        messages_before = payout.message_ids
        write_date = payout.write_date
        again = self.reconcile("po_ok", with_unknown=False)
        self.assertEqual(again, payout)
        self.assertEqual((again.state, again.move_id), ("reconciled", move))
        self.assertEqual(again.line_ids, lines_before)
        self.flush_tracking()
        self.assertEqual(again.message_ids, messages_before)
        self.assertEqual(again.write_date, write_date)
        self.assertEqual(self.payout_moves() - moves_before, move)

    def test_posted_only_once_paid_and_reversed_when_it_fails(self):
        transactions = self.transactions("po_life", with_unknown=False)
        payout_dict = dict(self.payout("po_life", transactions), status="in_transit")
        payout = self.reconcile_dicts(payout_dict, transactions)
        self.assertFalse(payout.move_id, "in transit: the money is not in the bank yet")
        self.assertIn("in transit", payout.hold_reason)
        payout = self.reconcile_dicts(dict(payout_dict, status="paid"), transactions)
        move = payout.move_id
        self.assertEqual((payout.state, move.state), ("reconciled", "posted"))
        outstanding = self.payment_a.move_id.line_ids.filtered(
            lambda aml: aml.account_id == self.payment_a.outstanding_account_id
        )
        self.assertTrue(outstanding.reconciled)
        # Stripe reports it failed after all: the entry is reversed, once.
        for _again in range(2):
            payout = self.reconcile_dicts(dict(payout_dict, status="failed"), transactions)
        reversal = self.env["account.move"].search([("reversed_entry_id", "=", move.id)])
        self.assertEqual(len(reversal), 1)
        self.assertEqual((payout.state, reversal.state), ("reversed", "posted"))
        self.assertIn("reversed by", payout.hold_reason)
        self.assertFalse(outstanding.reconciled, "the payment is outstanding again")
        # The reversal mirrors the entry line by line.
        self.assertEqual(
            sorted(reversal.line_ids.mapped("balance")),
            sorted(-balance for balance in move.line_ids.mapped("balance")),
        )

    def test_payout_not_summing_to_its_lines_is_flagged(self):
        transactions = self.transactions("po_short", with_unknown=False)
        payout = self.reconcile_dicts(
            self.payout("po_short", transactions, amount=2300), transactions
        )
        self.assertEqual(payout.state, "gaps")
        self.assertTrue(payout.sum_mismatch)
        self.assertEqual(payout.gap_count, 1)
        self.assertFalse(payout.line_ids.filtered("gap"), "every line has its payment")
        self.assertIn("23.53", payout.gap_note)
        self.assertIn("23.0", payout.gap_note)
        self.assertFalse(payout.move_id)

    def test_amount_mismatch_and_currency_mismatch(self):
        transactions = [
            # The charge id alone (source not expanded) finds the payment booked
            # under its PaymentIntent: the charge is an alias of that payment.
            txn("txn_a", "charge", 2100, 88, "ch_a"),
            txn("txn_pi", "payment", 2100, 88, {"id": "py_x", "payment_intent": "pi_a"}),
            txn("txn_b", "charge", 1000, 59, "ch_b", currency="eur"),
        ]
        self.env.ref("base.EUR").active = True
        payout = self.reconcile_dicts(
            self.payout("po_mismatch", transactions, amount=2012 + 2012 + 941), transactions
        )
        gaps = {line.balance_transaction: line.gap for line in payout.line_ids}
        self.assertEqual(
            gaps,
            {
                "txn_a": "amount_mismatch",
                "txn_pi": "amount_mismatch",
                "txn_b": "currency_mismatch",
            },
        )
        self.assertEqual(payout.state, "gaps")

    def test_bank_journal_mapping_and_refetch_after_payment_arrives(self):
        bank = self.env["account.journal"].create(
            {"name": "Payout bank", "code": "PAYB", "type": "bank", "company_id": self.company.id}
        )
        bank_receipts = self.env["account.account"].create(
            {
                "name": "Payout bank receipts",
                "code": "101999",
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
        bank.inbound_payment_method_line_ids[:1].payment_account_id = bank_receipts
        mapping = self.env["saas.mapping"].create(
            {
                "system_id": self.stripe.id,
                "kind": "journal",
                "external_key": "payout",
                "target_ref": f"account.journal,{bank.id}",
            }
        )
        mapping.action_approve()
        payout = self.reconcile("po_late")
        self.assertEqual(payout.state, "gaps")
        # The unknown charge's payment arrives; the next run posts.
        charge = stripe_fixture(
            "charge",
            id="ch_unknown",
            customer=CUSTOMER,
            invoice=None,
            amount=700,
            amount_captured=700,
            captured=True,
            payment_intent=None,
            created=CREATED,
        )
        self.deliver("charge.succeeded", charge)
        payout = self.reconcile("po_late")
        self.assertEqual(payout.state, "reconciled")
        self.assertFalse(payout.line_ids.filtered("gap"))
        net_line = payout.move_id.line_ids.filtered(lambda aml: aml.account_id == bank_receipts)
        self.assertEqual(net_line.debit, 30.03)
        self.assertFalse(self.said(payout, "No approved journal mapping"))
        self.assertTrue(self.said(payout, "Posted"))

    def test_payment_settled_by_another_payout_is_a_gap(self):
        self.assertEqual(self.reconcile("po_first", with_unknown=False).state, "reconciled")
        again = [txn("txn_b2", "charge", 1000, 59, "ch_b")]
        payout = self.reconcile_dicts(self.payout("po_second", again, amount=941), again)
        self.assertEqual(payout.state, "gaps")
        self.assertEqual(payout.line_ids.gap, "missing_payment")
        self.assertIn("po_first", payout.line_ids.gap_note)

    def test_manual_payout_says_why_it_does_not_sum(self):
        data = dict(self.payout("po_manual", [], amount=1000), automatic=False)
        payout = self.reconcile_dicts(data, [])
        self.assertEqual((payout.state, payout.gap_count), ("gaps", 1))
        self.assertIn("manual payout", payout.gap_note)

    def test_foreign_currency_payout_posts_at_the_payout_rate(self):
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "name": "2025-12-01",
                "rate": 2.0,
                "company_id": self.company.id,
            }
        )
        charge = stripe_fixture(
            "charge",
            id="ch_eur",
            customer=CUSTOMER,
            invoice=None,
            currency="eur",
            amount=1000,
            amount_captured=1000,
            captured=True,
            payment_intent=None,
            created=CREATED,
        )
        self.deliver("charge.succeeded", charge)
        transactions = [txn("txn_eur", "charge", 1000, 59, "ch_eur", currency="eur")]
        data = dict(self.payout("po_eur", transactions, amount=941), currency="eur")
        payout = self.reconcile_dicts(data, transactions)
        self.assertEqual((payout.state, payout.currency_id), ("reconciled", eur))
        move = payout.move_id
        self.assertTrue(self.company.currency_id.is_zero(sum(move.line_ids.mapped("balance"))))
        self.assertTrue(eur.is_zero(sum(move.line_ids.mapped("amount_currency"))))
        net_line = move.line_ids.filtered(lambda aml: aml.name == "Payout po_eur")
        self.assertEqual((net_line.amount_currency, net_line.balance), (9.41, 4.7))
        self.assertEqual(self.bound("ch_eur").state, "paid")

    def test_without_fee_account_nothing_is_posted(self):
        self.env["saas.mapping"].search(
            [("system_id", "=", self.stripe.id), ("external_key", "=", "gateway_fee")]
        ).action_archive_mapping()
        payout = self.reconcile("po_nofee", with_unknown=False)
        self.assertEqual(payout.state, "draft")
        self.assertIn("gateway_fee", payout.hold_reason)
        self.assertFalse(payout.move_id)

    # --------------------------------------------------------------- buttons
    def test_buttons_reconcile_through_the_payout(self):
        transactions = self.transactions("po_button")
        payout_dict = self.payout("po_button", transactions)
        client = _FakeClient([payout_dict], {"po_button": transactions})
        with patch.object(type(self.stripe), "_stripe_client", lambda system: client):
            action = self.stripe.action_stripe_reconcile_payouts()
            self.assertEqual(action["params"]["message"], "1 payouts read, 1 with gaps.")
            payout = self.env["saas.stripe.payout"].search([("stripe_id", "=", "po_button")])
            self.assertEqual((payout.system_id, payout.state), (self.stripe, "gaps"))
            self.assertTrue(self.stripe.stripe_last_payout_sync)
            # The unknown charge's payment arrives: "Reconcile again" reads the
            # payout from Stripe again and posts it.
            charge = stripe_fixture(
                "charge",
                id="ch_unknown",
                customer=CUSTOMER,
                invoice=None,
                amount=700,
                amount_captured=700,
                captured=True,
                payment_intent=None,
                created=CREATED,
            )
            self.deliver("charge.succeeded", charge)
            self.assertTrue(payout.action_reconcile())
        self.assertEqual(client.retrieved, ["po_button"])
        self.assertEqual((payout.state, payout.gap_count), ("reconciled", 0))
        self.assertEqual(payout.move_id.state, "posted")

    # ------------------------------------------------------------------ cron
    def test_cron_pulls_payouts_and_postpones_on_network_errors(self):
        transactions = self.transactions("po_cron", with_unknown=False)
        # Stripe's own fee (e.g. Radar) is a transaction of its own.
        transactions.insert(-1, txn("txn_fee", "stripe_fee", -200, 0, None))
        payout_dict = self.payout("po_cron", transactions, amount=2353 - 200)
        client = _FakeClient([payout_dict], {"po_cron": transactions})
        with patch.object(type(self.stripe), "_stripe_client", lambda system: client):
            self.env["saas.system"]._cron_stripe_reconcile_payouts()
        payout = self.env["saas.stripe.payout"].search([("stripe_id", "=", "po_cron")])
        self.assertEqual(payout.state, "reconciled")
        self.assertEqual(payout.fee_total, 3.47)
        fee_line = payout.move_id.line_ids.filtered(lambda aml: aml.account_id == self.fee_account)
        self.assertEqual(fee_line.debit, 3.47)
        self.assertEqual(
            payout.move_id.line_ids.filtered(lambda aml: aml.name == "Payout po_cron").debit, 21.53
        )
        self.assertEqual(client.balance_params["payout"], "po_cron")
        self.assertEqual(client.balance_params["expand"], ["data.source"])
        self.assertTrue(self.stripe.stripe_last_payout_sync)

        down = _FakeClient([], {}, error=stripe.APIConnectionError("down"))
        with (
            patch.object(type(self.stripe), "_stripe_client", lambda system: down),
            self.assertLogs("odoo.addons.saas_stripe.models.saas_system", "WARNING") as logs,
        ):
            self.env["saas.system"]._cron_stripe_reconcile_payouts()
        self.assertIn("postponed", logs.output[0])


class _FakePage:
    def __init__(self, items, error=None):
        self.items, self.error = items, error

    def auto_paging_iter(self):
        if self.error:
            raise self.error
        for item in self.items:
            yield stripe.StripeObject.construct_from(item, "sk_test")


class _FakeClient:
    """The calls the reconciliation makes (list and read payouts, list balance
    transactions), as ``client.v1`` offers them."""

    def __init__(self, payouts, transactions, error=None):
        self.balance_params = None
        self.retrieved = []
        client = self

        class Payouts:
            @staticmethod
            def list(params=None):
                return _FakePage(payouts, error)

            @staticmethod
            def retrieve(payout_id):
                client.retrieved.append(payout_id)
                found = [payout for payout in payouts if payout["id"] == payout_id]
                return stripe.StripeObject.construct_from(found[0], "sk_test")

        class BalanceTransactions:
            @staticmethod
            def list(params=None):
                client.balance_params = params
                return _FakePage(transactions.get(params["payout"], []))

        self.v1 = type("V1", (), {"payouts": Payouts, "balance_transactions": BalanceTransactions})
