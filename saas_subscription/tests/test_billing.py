# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools
from datetime import date

from odoo.tests import tagged
from odoo.tools.misc import format_amount

from .common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestBilling(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax = cls.company_data["default_tax_sale"]
        cls.tax.write({"amount": 20.0, "amount_type": "percent", "price_include": False})
        cls.env["saas.mapping"].create(
            {
                "system_id": cls.system.id,
                "kind": "tax",
                "external_key": "VAT20",
                "target_ref": f"account.tax,{cls.tax.id}",
            }
        ).action_approve()
        fee_account = cls.company_data["default_account_expense"]
        cls.env["saas.mapping"].create(
            {
                "system_id": cls.system.id,
                "kind": "account",
                "external_key": "gateway_fee",
                "target_ref": f"account.account,{fee_account.id}",
            }
        ).action_approve()

    def setUp(self):
        super().setUp()
        self.partner = self.customer()
        self.subscribe("subscription.activated", "sub_1", price="100.00")

    def invoice(
        self,
        invoice_id="in_1",
        total="120.00",
        price="100.00",
        tax="VAT20",
        lines_quantity="1",
        **extra,
    ):
        line = {
            "plan": "starter",
            "description": "Starter, January",
            "quantity": lines_quantity,
            "unit_amount": price,
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
        }
        if tax:
            line["tax_code"] = tax
        event = self.emit(
            "invoice.issued",
            {
                "invoice_id": invoice_id,
                "customer_id": "cus_1",
                "subscription_id": "sub_1",
                "currency": self.currency.name,
                "total": total,
                "number": f"SRC-{invoice_id}",
                "date": "2026-01-01",
                "lines": [line],
                **extra,
            },
        )
        return event, self.env["saas.binding"].find_record(self.system, "account.move", invoice_id)

    def pay(self, payment_id, amount, invoice_ids=("in_1",), **extra):
        event = self.emit(
            "payment.succeeded",
            {
                "payment_id": payment_id,
                "customer_id": "cus_1",
                "currency": self.currency.name,
                "amount": amount,
                "invoice_ids": list(invoice_ids),
                "date": "2026-01-03",
                **extra,
            },
        )
        return event, self.env["saas.binding"].find_record(
            self.system, "account.payment", payment_id
        )

    def credit_note(self, credit_note_id, invoice_id="in_1", **extra):
        """A credit note of 50.00 + VAT 20% on a Starter line."""
        line = {"plan": "starter", "quantity": "1", "unit_amount": "50.00", "tax_code": "VAT20"}
        event = self.emit(
            "credit_note.issued",
            {
                "credit_note_id": credit_note_id,
                "invoice_id": invoice_id,
                "currency": self.currency.name,
                "total": "60.00",
                "lines": [line],
                **extra,
            },
        )
        return event, self.env["saas.binding"].find_record(
            self.system, "account.move", credit_note_id
        )

    def assertBalanced(self, moves):
        for move in moves:
            self.assertEqual(move.state, "posted")
            self.assertAlmostEqual(
                sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit")), places=2
            )

    def test_invoice_is_posted_with_taxes_period_and_trace(self):
        event, invoice = self.invoice()
        self.assertDone(event)
        self.assertBalanced(invoice)
        self.assertEqual(
            (invoice.move_type, invoice.amount_untaxed, invoice.amount_total),
            ("out_invoice", 100.0, 120.0),
        )
        line = invoice.invoice_line_ids
        self.assertEqual(line.product_id, self.product_starter)
        self.assertEqual(line.tax_ids, self.tax)
        self.assertEqual(
            (line.saas_period_start, line.saas_period_end), (date(2026, 1, 1), date(2026, 1, 31))
        )
        self.assertEqual(invoice.saas_source_number, "SRC-in_1")
        self.assertEqual(invoice.saas_event_id, event)
        self.assertEqual(invoice.saas_subscription_id, self.subscription("sub_1"))
        self.assertIn(
            invoice,
            self.env["saas.event.record"]
            ._events_for(invoice)
            .record_ids.filtered(lambda r: r.res_model == "account.move")
            .mapped(lambda r: self.env["account.move"].browse(r.res_id)),
        )

    def test_total_mismatch_is_refused_or_rounded(self):
        event, invoice = self.invoice("in_bad", total="120.01")
        self.assertEqual((event.state, event.error_class), ("dead", "validation"))
        self.assertIn("differs", event.last_error)
        self.assertFalse(invoice)
        self.env["ir.config_parameter"].sudo().set_param(
            "saas_subscription.total_mismatch_policy", "rounding_line"
        )
        event, invoice = self.invoice("in_round", total="120.01")
        self.assertDone(event)
        self.assertEqual(invoice.amount_total, 120.01)
        self.assertIn("rounding", event.attempt_ids.notes.lower())
        self.assertBalanced(invoice)

    def test_unknown_tax_code_parks(self):
        event, _invoice = self.invoice("in_tax", tax="GST9")
        self.assertEqual(event.state, "needs_mapping")
        self.assertEqual(
            (event.missing_mapping_id.kind, event.missing_mapping_id.external_key), ("tax", "GST9")
        )

    def test_full_and_partial_payments(self):
        _event, invoice = self.invoice()
        event, payment = self.pay("pay_1", "50.00")
        self.assertDone(event)
        self.assertBalanced(payment.move_id)
        self.assertEqual((invoice.payment_state, invoice.amount_residual), ("partial", 70.0))
        event, _payment = self.pay("pay_2", "70.00")
        self.assertDone(event)
        self.assertEqual((invoice.payment_state, invoice.amount_residual), ("paid", 0.0))

    def test_a_payment_follows_its_allocations_not_the_due_dates(self):
        """Issue 20: a payment of 150.00 allocating 100.00 to the newer invoice
        and 50.00 to the older one is applied that way, not older first."""
        _event, older = self.invoice("in_old", due_date="2026-01-15")
        _event, newer = self.invoice("in_new", due_date="2026-02-15")
        allocations = [
            {"invoice_id": "in_new", "amount": "100.00"},
            {"invoice_id": "in_old", "amount": "50.00"},
        ]
        event, payment = self.pay(
            "pay_alloc", "150.00", invoice_ids=("in_old", "in_new"), allocations=allocations
        )
        self.assertDone(event)
        self.assertBalanced(payment.move_id)
        self.assertEqual((newer.payment_state, newer.amount_residual), ("partial", 20.0))
        self.assertEqual((older.payment_state, older.amount_residual), ("partial", 70.0))
        self.assertEqual(payment.saas_invoice_ids, older | newer)
        # Replayed, the payment is applied no second time.
        event, _payment = self.pay(
            "pay_alloc", "150.00", invoice_ids=("in_old", "in_new"), allocations=allocations
        )
        self.assertEqual(event.state, "ignored")
        self.assertEqual((newer.amount_residual, older.amount_residual), (20.0, 70.0))

    def test_allocations_beyond_the_payment_or_the_invoice_are_refused(self):
        self.invoice("in_a")
        for amount, allocated in (("100.00", "100.01"), ("200.00", "130.00")):
            event, payment = self.pay(
                f"pay_{allocated}",
                amount,
                invoice_ids=(),
                allocations=[{"invoice_id": "in_a", "amount": allocated}],
            )
            self.assertEqual((event.state, event.error_class), ("dead", "validation"))
            self.assertFalse(payment)

    def test_gateway_fee_reaches_the_bank_net(self):
        _event, invoice = self.invoice()
        event, payment = self.pay("pay_fee", "120.00", fee="3.78")
        self.assertDone(event)
        fee_move = self.env["account.move"].search(
            [
                ("saas_event_id", "=", event.id),
                ("move_type", "=", "entry"),
                ("id", "!=", payment.move_id.id),
            ]
        )
        self.assertBalanced(fee_move)
        outstanding = (payment.move_id | fee_move).line_ids.filtered(
            lambda x: x.account_id == payment.outstanding_account_id
        )
        self.assertAlmostEqual(sum(outstanding.mapped("balance")), 116.22, places=2)
        self.assertEqual(invoice.payment_state, "paid")

    def test_payment_before_its_invoice_retries_then_applies(self):
        event, _payment = self.pay("pay_early", "120.00", invoice_ids=("in_later",))
        self.assertEqual((event.state, event.error_class), ("retry", "dependency"))
        _inv_event, invoice = self.invoice("in_later")
        event.write({"next_attempt_at": "2000-01-01 00:00:00"})
        self.env["saas.event"].process_pending(system_ids=self.system.ids)
        self.assertDone(event)
        self.assertEqual(invoice.payment_state, "paid")

    def test_credit_note_and_refund(self):
        _event, _invoice = self.invoice()
        _event, _payment = self.pay("pay_1", "120.00")
        event, credit_note = self.credit_note("cn_1", customer_id="cus_1")
        self.assertDone(event)
        self.assertBalanced(credit_note)
        self.assertEqual((credit_note.move_type, credit_note.amount_total), ("out_refund", 60.0))
        # The invoice was paid in full: the credit note stays open until refunded.
        self.assertEqual(credit_note.amount_residual, 60.0)
        event = self.emit(
            "refund.issued",
            {
                "refund_id": "re_1",
                "payment_id": "pay_1",
                "credit_note_id": "cn_1",
                "currency": self.currency.name,
                "amount": "60.00",
            },
        )
        self.assertDone(event)
        refund = self.env["saas.binding"].find_record(self.system, "account.payment", "re_1")
        self.assertEqual(refund.payment_type, "outbound")
        self.assertBalanced(refund.move_id)
        self.assertEqual(credit_note.payment_state, "paid")

    def test_credit_note_on_open_invoice_reconciles_it(self):
        _event, invoice = self.invoice()
        event = self.emit(
            "credit_note.issued",
            {
                "credit_note_id": "cn_full",
                "invoice_id": "in_1",
                "currency": self.currency.name,
                "total": "120.00",
            },
        )
        self.assertDone(event)
        credit_note = self.env["saas.binding"].find_record(self.system, "account.move", "cn_full")
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(credit_note.amount_residual, 0.0)

    def test_a_partial_credit_without_lines_names_the_amounts_as_money(self):
        """Issue 19: the refusal said "(120.0)" for 120.00."""
        self.invoice()
        event = self.emit(
            "credit_note.issued",
            {
                "credit_note_id": "cn_part",
                "invoice_id": "in_1",
                "currency": self.currency.name,
                "total": "12.00",
            },
        )
        self.assertEqual(event.state, "dead")
        self.assertIn(format_amount(self.env, 120.0, self.currency), event.last_error)
        self.assertIn(format_amount(self.env, 12.0, self.currency), event.last_error)
        self.assertNotIn("120.0)", event.last_error)

    def test_credit_note_with_lines_takes_the_customer_of_its_invoice(self):
        """Without customer_id, a credit note with lines goes to the customer
        this system knows the invoice's partner by (one lookup, on saas.binding)."""
        _event, invoice = self.invoice()
        Binding = self.env["saas.binding"]
        other = self.env["saas.system"].create(
            {
                "name": "Other billing",
                "code": "other-billing-cn",
                "kind": "billing",
                "environment": "sandbox",
                "company_id": self.company.id,
            }
        )
        Binding.bind(other, self.partner, "cus_elsewhere")
        self.assertEqual(Binding._external_id_of(self.system, self.partner), "cus_1")
        self.assertEqual(Binding._external_id_of(other, self.partner), "cus_elsewhere")
        self.assertFalse(Binding._external_id_of(self.system, self.env["res.partner"]))
        event, credit_note = self.credit_note("cn_lines")  # no customer_id
        self.assertDone(event)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.partner_id, invoice.partner_id)
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(invoice.amount_residual, 60.0)

    def test_void_reverses_an_unpaid_invoice(self):
        _event, invoice = self.invoice()
        event = self.emit("invoice.voided", {"invoice_id": "in_1"})
        self.assertDone(event)
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertBalanced(invoice.reversal_move_ids)
        _event, _paid = self.invoice("in_paid")
        self.pay("pay_v", "120.00", invoice_ids=("in_paid",))
        event = self.emit("invoice.voided", {"invoice_id": "in_paid"})
        self.assertEqual(event.state, "dead")

    def test_void_of_a_credit_note_makes_its_invoice_due_again(self):
        _event, invoice = self.invoice()
        _event, credit_note = self.credit_note("cn_void")
        self.assertEqual(invoice.amount_residual, 60.0)
        event = self.emit("invoice.voided", {"invoice_id": "cn_void"})
        self.assertDone(event)
        # Reversed: settled by its reversal (Odoo labels a reversed credit note paid).
        reversal = credit_note.reversal_move_ids
        self.assertEqual((reversal.move_type, reversal.amount_total), ("out_invoice", 60.0))
        self.assertEqual((credit_note.amount_residual, reversal.amount_residual), (0.0, 0.0))
        self.assertBalanced(reversal)
        # The invoice is due in full again; the books hold the invoice only.
        self.assertEqual((invoice.amount_residual, invoice.payment_state), (120.0, "not_paid"))
        receivable = self.partner.commercial_partner_id.with_company(self.company).credit
        self.assertAlmostEqual(receivable, 120.0, places=2)
        self.assertEqual(self.emit("invoice.voided", {"invoice_id": "cn_void"}).state, "ignored")

    def test_a_refunded_credit_note_cannot_be_voided(self):
        self.invoice()
        self.pay("pay_cn", "120.00")
        _event, credit_note = self.credit_note("cn_refunded")
        refund = self.emit(
            "refund.issued",
            {
                "refund_id": "re_cn",
                "payment_id": "pay_cn",
                "credit_note_id": "cn_refunded",
                "currency": self.currency.name,
                "amount": "60.00",
            },
        )
        self.assertDone(refund)
        event = self.emit("invoice.voided", {"invoice_id": "cn_refunded"})
        self.assertEqual(event.state, "dead")
        self.assertIn("was refunded", event.last_error)
        self.assertEqual((credit_note.state, credit_note.payment_state), ("posted", "paid"))

    def test_failed_payment_makes_subscription_past_due(self):
        _event, invoice = self.invoice()
        self.partner.user_id = self.env.user
        event = self.emit(
            "payment.failed",
            {
                "payment_id": "pay_fail",
                "customer_id": "cus_1",
                "currency": self.currency.name,
                "amount": "120.00",
                "invoice_id": "in_1",
                "failure_message": "card_declined",
            },
        )
        self.assertDone(event)
        subscription = self.subscription("sub_1")
        self.assertEqual((subscription.state, subscription.failed_payment_count), ("past_due", 1))
        self.assertEqual(subscription.mrr, 100.0)  # past due still earns MRR
        self.assertEqual(invoice.payment_state, "not_paid")
        activity = subscription.activity_ids
        self.assertEqual(activity.user_id, self.env.user)
        self.assertIn("card_declined", activity.note)
        self.assertIn("card_declined", subscription.message_ids[0].body)

    def test_replaying_a_document_event_creates_nothing_new(self):
        event, _invoice = self.invoice()
        pay_event, _payment = self.pay("pay_1", "120.00")
        (event | pay_event).action_replay()
        self.env["saas.event"].process_pending(system_ids=self.system.ids)
        self.assertEqual((event.state, pay_event.state), ("ignored", "ignored"))
        self.assertEqual(
            self.env["account.move"].search_count([("saas_source_number", "=", "SRC-in_1")]), 1
        )
        self.assertEqual(self.env["account.payment"].search_count([("memo", "=", "pay_1")]), 1)

    def test_a_system_that_does_not_own_payments_books_none(self):
        _event, _invoice = self.invoice()
        self.system.owns_payments = False
        event, payment = self.pay("pay_not_owned", "120.00")
        self.assertEqual(event.state, "ignored")
        self.assertIn("payments", event.ignore_reason)
        self.assertFalse(payment)

    # ------------------------------------------------------- financial lane
    def test_billing_documents_run_in_the_financial_lane(self):
        Event = self.env["saas.event"]
        invoice_event = self.emit(
            "invoice.issued",
            {
                "invoice_id": "in_lane",
                "customer_id": "cus_late",
                "currency": self.currency.name,
                "total": "10.00",
                "lines": [{"plan": "starter", "quantity": "1", "unit_amount": "10.00"}],
            },
            process=False,
        )
        customer_event = self.emit(
            "customer.upserted", {"customer_id": "cus_late", "name": "Late"}, process=False
        )
        self.assertEqual((invoice_event.lane, customer_event.lane), ("financial", "operational"))
        for event_type in ("invoice.voided", "credit_note.issued"):
            self.assertEqual(Event._lane_for(event_type), "financial")
        for event_type in ("payment.succeeded", "payment.failed", "refund.issued"):
            self.assertEqual(Event._lane_for(event_type), "operational")
        # The financial lane runs first: its customer is still queued in the
        # operational lane, so the invoice waits as a dependency.
        Event.process_pending(lane="financial", system_ids=self.system.ids)
        self.assertEqual(customer_event.state, "received")
        self.assertEqual((invoice_event.state, invoice_event.error_class), ("retry", "dependency"))
        self.assertIn("cus_late", invoice_event.last_error)
        Event.process_pending(lane="operational", system_ids=self.system.ids)
        self.assertDone(customer_event)
        self.assertEqual(invoice_event.state, "retry")
        invoice_event.write({"next_attempt_at": "2000-01-01 00:00:00"})
        Event.process_pending(lane="financial", system_ids=self.system.ids)
        self.assertDone(invoice_event)

    # ---------------------------------------------- subtotal, tax, discount
    def _invoice_lines(self, invoice_id, lines, **data):
        event = self.emit(
            "invoice.issued",
            {
                "invoice_id": invoice_id,
                "customer_id": "cus_1",
                "currency": self.currency.name,
                "date": "2026-01-01",
                "lines": lines,
                **data,
            },
        )
        return event, self.env["saas.binding"].find_record(self.system, "account.move", invoice_id)

    def test_subtotal_and_tax_amount_are_checked(self):
        line = {"plan": "starter", "quantity": "1", "unit_amount": "100.00", "tax_code": "VAT20"}
        event, invoice = self._invoice_lines(
            "in_amounts_ok",
            [dict(line, subtotal="100.00", tax_amount="20.00")],
            subtotal="100.00",
            tax_amount="20.00",
            total="120.00",
        )
        self.assertDone(event)
        self.assertEqual((invoice.amount_untaxed, invoice.amount_tax), (100.0, 20.0))
        # The total agrees, but the split between subtotal and tax does not.
        event, invoice = self._invoice_lines(
            "in_amounts_bad", [line], subtotal="110.00", tax_amount="10.00", total="120.00"
        )
        self.assertEqual((event.state, event.error_class), ("dead", "validation"))
        self.assertIn("subtotal 110.00 differs from Odoo's 100.00", event.last_error)
        self.assertIn("tax_amount 10.00 differs from Odoo's 20.00", event.last_error)
        self.assertFalse(invoice)
        event, _invoice = self._invoice_lines(
            "in_line_bad", [dict(line, tax_amount="19.00")], total="120.00"
        )
        self.assertEqual(event.state, "dead")
        self.assertIn("lines[0].tax_amount 19.00", event.last_error)
        # Rounding lines allowed: the document posts and the difference is noted.
        self.env["ir.config_parameter"].sudo().set_param(
            "saas_subscription.total_mismatch_policy", "rounding_line"
        )
        event, invoice = self._invoice_lines(
            "in_amounts_noted", [line], tax_amount="19.99", total="119.99"
        )
        self.assertDone(event)
        self.assertEqual(invoice.amount_total, 119.99)
        self.assertIn("tax_amount 19.99 differs from Odoo's 20.00", event.attempt_ids.notes)

    def test_discount_amount_is_an_exact_amount_off_the_line(self):
        event, invoice = self._invoice_lines(
            "in_discount",
            [
                {
                    "plan": "starter",
                    "quantity": "3",
                    "unit_amount": "33.33",
                    "discount_amount": "10.00",
                    "tax_code": "VAT20",
                    "subtotal": "89.99",
                }
            ],
            subtotal="89.99",
            total="107.99",
        )
        self.assertDone(event)
        self.assertEqual((invoice.amount_untaxed, invoice.amount_total), (89.99, 107.99))
        discount = invoice.invoice_line_ids.filtered(lambda ml: ml.price_unit < 0)
        self.assertEqual((discount.price_subtotal, discount.tax_ids), (-10.0, self.tax))
        self.assertEqual(discount.product_id, self.product_starter)
        event, _invoice = self._invoice_lines(
            "in_negative_discount",
            [{"quantity": "1", "unit_amount": "10.00", "discount_amount": "-1.00"}],
            total="11.00",
        )
        self.assertEqual((event.state, event.error_class), ("dead", "validation"))
        self.assertIn("discount_amount", event.last_error)

    # ----------------------------------------------------------- analytic
    def test_analytic_mapping_sets_the_line_distribution(self):
        plan = self.env["account.analytic.plan"].create({"name": "SaaS regions"})
        eu, starter = self.env["account.analytic.account"].create(
            [
                {"name": "EU sales", "plan_id": plan.id},
                {"name": "Starter plan revenue", "plan_id": plan.id},
            ]
        )
        for key, account in (("EU", eu), ("starter", starter)):
            self.env["saas.mapping"].create(
                {
                    "system_id": self.system.id,
                    "kind": "analytic",
                    "external_key": key,
                    "target_ref": f"account.analytic.account,{account.id}",
                }
            ).action_approve()
        line = {"plan": "starter", "quantity": "1", "unit_amount": "10.00"}
        # The line's own analytic key wins; without one, the plan's mapping applies.
        event, invoice = self._invoice_lines(
            "in_analytic",
            [dict(line, analytic="EU"), line, dict(line, plan="pro")],
            total="30.00",
        )
        self.assertDone(event)
        lines = invoice.invoice_line_ids.sorted("sequence")
        self.assertEqual(
            lines.mapped("analytic_distribution"),
            [{str(eu.id): 100.0}, {str(starter.id): 100.0}, False],
        )
        # An analytic key nobody mapped parks the invoice until it is mapped.
        event, invoice = self._invoice_lines(
            "in_analytic_unknown", [dict(line, analytic="APAC")], total="10.00"
        )
        self.assertEqual(event.state, "needs_mapping")
        self.assertEqual(
            (event.missing_mapping_id.kind, event.missing_mapping_id.external_key),
            ("analytic", "APAC"),
        )
        self.assertFalse(invoice)

    def test_failed_payment_leaves_a_trial_a_trial(self):
        """What USAGE says: only an active subscription becomes past due."""
        self.subscribe("subscription.activated", "sub_trial", status="trialing")
        event = self.emit(
            "payment.failed",
            {
                "payment_id": "pay_trial",
                "customer_id": "cus_1",
                "subscription_id": "sub_trial",
                "currency": self.currency.name,
                "amount": "10.00",
            },
        )
        self.assertDone(event)
        trial = self.subscription("sub_trial")
        self.assertEqual((trial.state, trial.failed_payment_count), ("trial", 1))

    # ------------------------------------------------------ one payment, one record
    def alias_payment(self, payment_id, alias_ids=(), invoice_ids=(), amount="120.00"):
        return self.emit(
            "payment.succeeded",
            {
                "payment_id": payment_id,
                "alias_ids": list(alias_ids),
                "customer_id": "cus_1",
                "currency": self.currency.name,
                "amount": amount,
                "invoice_ids": list(invoice_ids),
                "date": "2026-01-03",
            },
        )

    def make_due(self):
        """One more attempt of what waits (as the lane cron would do later)."""
        due = self.env["saas.event"].search(
            [("system_id", "=", self.system.id), ("state", "=", "retry")]
        )
        due.write({"next_attempt_at": "2000-01-01 00:00:00"})
        self.env["saas.event"].process_pending(system_ids=self.system.ids)

    def test_a_payment_known_by_several_ids_is_booked_once_in_every_order(self):
        """The payment intent (its charge as alias), the charge (its intent as
        alias) and the payment intent alone, the last two with the invoice, in
        every order and each twice: one payment, the invoice paid, no credit."""
        for index, order in enumerate(itertools.permutations(range(4))):
            invoice_id, intent, charge = f"in_a{index}", f"pi_a{index}", f"ch_a{index}"
            sends = [
                lambda invoice_id=invoice_id: self.invoice(invoice_id)[0],
                lambda intent=intent, charge=charge: self.alias_payment(intent, [charge]),
                lambda intent=intent, charge=charge, invoice_id=invoice_id: self.alias_payment(
                    charge, [intent], invoice_ids=[invoice_id]
                ),
                lambda intent=intent, invoice_id=invoice_id: self.alias_payment(
                    intent, invoice_ids=[invoice_id]
                ),
            ]
            with self.subTest(order=order):
                events = self.env["saas.event"]
                for step in order + order:  # each one delivered twice
                    events |= sends[step]()
                    self.make_due()
                self.assertEqual(set(events.mapped("state")) - {"done", "ignored"}, set())
                invoice = self.env["saas.binding"].find_record(
                    self.system, "account.move", invoice_id
                )
                payments = self.env["account.payment"].search([("saas_event_id", "in", events.ids)])
                self.assertEqual(len(payments), 1)
                self.assertEqual(
                    self.env["saas.binding"].find_record(self.system, "account.payment", charge),
                    payments,
                )
                self.assertEqual(invoice.payment_state, "paid")
                receivable = payments.move_id.line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                )
                self.assertEqual(receivable.amount_residual, 0.0)  # no customer credit

    def test_a_payment_first_reported_in_part_is_raised_to_its_whole_amount(self):
        """Stripe reports a PaymentIntent that paid two invoices once per invoice
        (``invoice_payment.paid``: each invoice's share) and once whole (the
        charge): in any order, one payment of the whole amount pays both."""
        for index, order in enumerate(itertools.permutations(range(3))):
            first, second = f"in_w{index}a", f"in_w{index}b"
            intent = f"pi_w{index}"
            self.invoice(first)
            self.invoice(second)
            reports = [
                lambda first=first, intent=intent: self.alias_payment(
                    intent, [f"inpay_{first}"], [first], amount="120.00"
                ),
                lambda second=second, intent=intent: self.alias_payment(
                    intent, [f"inpay_{second}"], [second], amount="120.00"
                ),
                lambda intent=intent, charge=f"ch_w{index}": self.alias_payment(
                    intent, [charge], amount="240.00"
                ),
            ]
            for step in order:
                self.assertIn(reports[step]().state, ("done", "ignored"))
            payment = self.env["saas.binding"].find_record(self.system, "account.payment", intent)
            self.assertEqual(len(payment), 1)
            self.assertEqual((payment.amount, payment.state), (240.0, "in_process"), order)
            self.assertBalanced(payment.move_id)
            for invoice_id in (first, second):
                invoice = self.env["saas.binding"].find_record(
                    self.system, "account.move", invoice_id
                )
                self.assertEqual(invoice.payment_state, "paid", (order, invoice_id))

    def test_a_payment_in_a_locked_period_is_not_raised(self):
        self.invoice("in_lock_a")
        self.invoice("in_lock_b")
        self.assertDone(self.alias_payment("pi_lock", [], ["in_lock_a"]))
        self.company.fiscalyear_lock_date = "2026-01-31"
        event = self.alias_payment("pi_lock", ["ch_lock"], amount="240.00")
        self.assertEqual(event.state, "dead")
        self.assertIn("raise it by hand", event.last_error)
        payment = self.env["saas.binding"].find_record(self.system, "account.payment", "pi_lock")
        self.assertEqual((payment.amount, payment.state), (120.0, "in_process"))
        invoice = self.env["saas.binding"].find_record(self.system, "account.move", "in_lock_a")
        self.assertEqual(invoice.payment_state, "paid")

    def test_ids_of_two_different_payments_are_refused(self):
        self.assertDone(self.alias_payment("pi_x", invoice_ids=()))
        self.assertDone(self.alias_payment("pi_y", invoice_ids=()))
        event = self.alias_payment("pi_x", ["pi_y"])
        self.assertEqual(event.state, "dead")
        self.assertIn("different payments", event.last_error)

    def test_failed_payment_replayed_or_sent_twice_counts_once(self):
        _event, _invoice = self.invoice()
        data = {
            "payment_id": "pay_fail_once",
            "customer_id": "cus_1",
            "currency": self.currency.name,
            "amount": "120.00",
            "invoice_id": "in_1",
            "failure_message": "card_declined",
        }
        first = self.emit("payment.failed", data)
        self.assertDone(first)
        first.action_replay()
        self.env["saas.event"].process_pending(system_ids=self.system.ids)
        again = self.emit("payment.failed", data)
        self.assertEqual((first.state, again.state), ("ignored", "ignored"))
        subscription = self.subscription("sub_1")
        self.assertEqual(subscription.failed_payment_count, 1)
        self.assertEqual(len(subscription.activity_ids), 1)
        # Another failure (another attempt) still counts.
        self.assertDone(self.emit("payment.failed", dict(data, payment_id="pay_fail_twice")))
        self.assertEqual(subscription.failed_payment_count, 2)

    def test_unit_prices_keep_the_source_precision(self):
        self.env.ref("product.decimal_price").digits = 4
        self.assertDone(
            self.subscribe(
                "subscription.changed", "sub_1", price="0.0125", quantity="1000", plan="pro"
            )
        )
        subscription = self.subscription("sub_1")
        self.assertEqual(subscription.line_ids.price_unit, 0.0125)
        self.assertEqual((subscription.mrr, subscription.line_ids.mrr), (12.5, 12.5))
        self.assertEqual(subscription.movement_ids.sorted("id")[-1].delta, -87.5)
        event, invoice = self.invoice(
            "in_seats", total="12.50", price="0.0125", tax=None, lines_quantity="1000"
        )
        self.assertDone(event)
        self.assertEqual(invoice.invoice_line_ids.price_unit, 0.0125)
        self.assertEqual((invoice.amount_untaxed, invoice.amount_total), (12.5, 12.5))

    def test_a_unit_price_odoo_would_round_is_refused_clearly(self):
        self.env.ref("product.decimal_price").digits = 2
        event = self.subscribe("subscription.changed", "sub_1", price="0.0125", quantity="1000")
        self.assertEqual(event.state, "dead")
        self.assertIn("Decimal Accuracy", event.last_error)
        self.assertEqual(self.subscription("sub_1").mrr, 100.0)

    def test_zero_and_three_decimal_currencies_use_their_own_digits(self):
        self.env.ref("product.decimal_price").digits = 3
        for code, price, mrr in (("JPY", "1000", 83.0), ("BHD", "10.000", 0.833)):
            currency = self.env.ref(f"base.{code}")
            currency.active = True
            event = self.emit(
                "subscription.activated",
                {
                    "subscription_id": f"sub_{code}",
                    "customer_id": "cus_1",
                    "currency": code,
                    "items": [
                        {"plan": "pro", "quantity": "1", "unit_amount": price, "interval": "year"}
                    ],
                },
            )
            self.assertDone(event)
            subscription = self.subscription(f"sub_{code}")
            self.assertEqual((subscription.mrr, subscription.line_ids.mrr), (mrr, mrr))
        self.assertLedgerHolds()

    def test_gateway_fee_in_a_foreign_currency_keeps_its_amount_currency(self):
        eur = self.setup_other_currency("EUR")  # 2 EUR per USD since 2017
        event = self.emit(
            "payment.succeeded",
            {
                "payment_id": "pay_eur",
                "customer_id": "cus_1",
                "currency": "EUR",
                "amount": "100.00",
                "fee": "3.00",
                "date": "2026-01-03",
            },
        )
        self.assertDone(event)
        payment = self.env["saas.binding"].find_record(self.system, "account.payment", "pay_eur")
        fee_move = self.env["account.move"].search(
            [("saas_event_id", "=", event.id), ("id", "!=", payment.move_id.id)]
        )
        self.assertBalanced(fee_move)
        self.assertEqual(fee_move.line_ids.currency_id, eur)
        self.assertEqual(
            sorted(fee_move.line_ids.mapped(lambda x: (x.amount_currency, x.balance))),
            [(-3.0, -1.5), (3.0, 1.5)],
        )
        outstanding = (payment.move_id | fee_move).line_ids.filtered(
            lambda x: x.account_id == payment.outstanding_account_id
        )
        self.assertEqual(sum(outstanding.mapped("amount_currency")), 97.0)

    def test_rounding_account_is_the_company_one(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "saas_subscription.total_mismatch_policy", "rounding_line"
        )
        account = self.company_data["default_account_revenue"].copy({"code": "999111"})
        settings = self.env["res.config.settings"].create({"saas_rounding_account_id": account.id})
        settings.execute()
        self.assertEqual(self.company.saas_rounding_account_id, account)
        event, invoice = self.invoice("in_round_company", total="120.01")
        self.assertDone(event)
        rounding = invoice.invoice_line_ids.filtered(lambda x: not x.product_id)
        self.assertEqual((rounding.account_id, rounding.price_total), (account, 0.01))

    def test_due_date_is_the_source_one_else_from_the_invoice_date(self):
        # No payment terms: due on the invoice date, not on the day it was processed.
        _event, invoice = self.invoice("in_due_now")
        self.assertEqual(invoice.invoice_date_due, date(2026, 1, 1))
        # The source's due date wins over the customer's payment terms.
        self.partner.property_payment_term_id = self.env.ref("account.account_payment_term_30days")
        _event, invoice = self.invoice("in_due_src", due_date="2026-01-15")
        self.assertEqual(invoice.invoice_date_due, date(2026, 1, 15))
        # Without one, the payment terms count from the invoice date.
        _event, invoice = self.invoice("in_due_terms")
        self.assertEqual(invoice.invoice_date_due, date(2026, 1, 31))
