# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What changes a subscription or an invoice without a new one, through the
engine: coupons without an API key, adjustment credit notes, scheduled
cancellations and their removal."""

from odoo import fields
from odoo.tests import tagged

from .common import ChargebeeCase
from .samples import DAY, FEB_1, JAN_1, MAR_1, resource

SUB = "cb_sub_acme"
HALF_OFF = {
    "id": "half_off",
    "discount_type": "percentage",
    "discount_percentage": 50,
    "duration_type": "forever",
    "apply_on": "invoice_amount",
    "status": "active",
    "object": "coupon",
}


@tagged("post_install", "-at_install")
class TestChargebeeAdjustments(ChargebeeCase):
    def setUp(self):
        super().setUp()
        self.assertDone(self.deliver("customer_created", JAN_1, customer=resource("customer")))

    def subscription(self):
        return self.cb_bound("saas.subscription", SUB)

    def test_coupons_without_api_key(self):
        coupons = [{"coupon_id": "half_off", "applied_count": 1, "object": "coupon"}]
        # Not in the event, no key to read it: applied without it, and said so.
        event = self.deliver(
            "subscription_created", JAN_1, subscription=self.sub(1, coupons=coupons)
        )
        self.assertDone(event)
        self.assertEqual(self.subscription().mrr, 50.0)
        self.assertIn(
            "Chargebee coupon half_off of subscription cb_sub_acme could not be read",
            event.attempt_ids.notes,
        )
        # An event that carries the coupon: the MRR counts it.
        event = self.deliver(
            "subscription_changed",
            JAN_1 + DAY,
            subscription=self.sub(2, coupons=coupons),
            coupon=HALF_OFF,
        )
        self.assertDone(event)
        self.assertFalse(event.attempt_ids.notes)
        self.assertEqual(self.subscription().mrr, 25.0)
        self.assertEqual(
            self.subscription().movement_ids.mapped("movement_type"), ["new", "contraction"]
        )
        self.assertLedgerHolds()

    def test_coupon_by_item_family_without_api_key_is_noted(self):
        """A coupon on the plans of an item family, carried by the event: the
        family of an item price cannot be read without a key, so the plan's
        MRR leaves the coupon out and the attempt says so; a criteria without
        families (USD monthly plans) is decided from the subscription alone."""
        cloud = dict(
            HALF_OFF,
            id="cloud_half",
            apply_on="each_specified_item",
            item_constraints=[{"item_type": "plan", "constraint": "criteria"}],
            item_constraint_criteria=[{"item_type": "plan", "item_family_ids": ["cloud"]}],
        )
        coupons = [{"coupon_id": "cloud_half", "object": "coupon"}]
        event = self.deliver(
            "subscription_created", JAN_1, subscription=self.sub(1, coupons=coupons), coupon=cloud
        )
        self.assertDone(event)
        self.assertEqual(self.subscription().mrr, 50.0)
        self.assertIn("Chargebee coupon cloud_half applies to the items", event.attempt_ids.notes)
        usd_monthly = dict(
            cloud,
            item_constraint_criteria=[
                {"item_type": "plan", "currencies": ["USD"], "item_price_periods": ["month"]}
            ],
        )
        event = self.deliver(
            "subscription_changed",
            JAN_1 + DAY,
            subscription=self.sub(2, coupons=coupons),
            coupon=usd_monthly,
        )
        self.assertDone(event)
        self.assertFalse(event.attempt_ids.notes)
        self.assertEqual(self.subscription().mrr, 25.0)
        self.assertLedgerHolds()

    def test_adjustment_credit_note_reduces_what_the_invoice_owes(self):
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=self.sub(1)))
        invoice = resource("invoice", id="1001")
        self.assertDone(self.deliver("invoice_generated", JAN_1, invoice=invoice))
        move = self.cb_bound("account.move", "1001")
        self.assertEqual((move.amount_residual, move.payment_state), (50.0, "not_paid"))
        # A mid-term downgrade: Chargebee adjusts the unpaid invoice by 10.00.
        note = resource(
            "credit_note",
            id="cn_adj_1",
            type="adjustment",
            status="adjusted",
            reason_code="subscription_change",
            reference_invoice_id="1001",
            total=1000,
            sub_total=1000,
            amount_refunded=0,
            amount_allocated=1000,
            refunded_at=None,
            date=JAN_1 + 14 * DAY,
            allocations=[
                {"allocated_amount": 1000, "allocated_at": JAN_1 + 14 * DAY, "invoice_id": "1001"}
            ],
        )
        note["line_items"][0].update(unit_amount=1000, amount=1000, quantity=1)
        self.assertDone(self.deliver("credit_note_created", JAN_1 + 14 * DAY, credit_note=note))
        refund = self.cb_bound("account.move", "cn_adj_1")
        self.assertEqual((refund.move_type, refund.amount_total), ("out_refund", 10.0))
        self.assertEqual(refund.reversed_entry_id, move)
        self.assertEqual((move.amount_residual, move.payment_state), (40.0, "partial"))
        self.assertEqual(refund.payment_state, "paid")
        # The customer pays the 40.00 left: the invoice is paid.
        payment = self.payment("txn_adj_pay", 4000, FEB_1, "1001")
        self.assertDone(self.deliver("payment_succeeded", FEB_1, transaction=payment))
        self.assertEqual((move.amount_residual, move.payment_state), (0.0, "paid"))

    def test_credit_note_allocations_reconcile_the_invoices_they_name(self):
        """A refundable credit note of a paid invoice keeps its credits, which
        Chargebee allocates to the next invoices (``allocations``, then
        ``credit_note_updated``): each invoice named is settled by exactly the
        amount allocated to it, nothing else."""
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=self.sub(1)))
        for invoice_id in ("1001", "1002", "1003"):
            invoice = resource("invoice", id=invoice_id)
            self.assertDone(self.deliver("invoice_generated", JAN_1, invoice=invoice))
        first, second, third = (self.cb_bound("account.move", i) for i in ("1001", "1002", "1003"))
        payment = self.payment("txn_alloc_pay", 5000, JAN_1, "1001")
        self.assertDone(self.deliver("payment_succeeded", JAN_1, transaction=payment))
        self.assertEqual(first.payment_state, "paid")
        note = resource(
            "credit_note",
            id="cn_alloc_1",
            type="refundable",
            status="refund_due",
            reference_invoice_id="1001",
            total=3000,
            sub_total=3000,
            amount_refunded=0,
            amount_allocated=0,
            amount_available=3000,
            refunded_at=None,
            date=JAN_1 + 3 * DAY,
        )
        note["line_items"][0].update(unit_amount=3000, amount=3000, quantity=1)
        self.assertDone(self.deliver("credit_note_created", JAN_1 + 3 * DAY, credit_note=note))
        credit_note = self.cb_bound("account.move", "cn_alloc_1")
        self.assertEqual(credit_note.amount_residual, 30.0)  # a customer credit
        # 20.00 of it allocated to invoice 1002 (of 50.00): exactly 20.00 settled.
        allocated = dict(
            note,
            status="refund_due",
            amount_allocated=2000,
            amount_available=1000,
            allocations=[{"allocated_amount": 2000, "invoice_id": "1002"}],
        )
        self.assertDone(self.deliver("credit_note_updated", FEB_1, credit_note=allocated))
        self.assertEqual((second.amount_residual, credit_note.amount_residual), (30.0, 10.0))
        # Received again: nothing settled twice.
        self.deliver("credit_note_updated", FEB_1, credit_note=allocated)
        self.assertEqual((second.amount_residual, credit_note.amount_residual), (30.0, 10.0))
        # The last 10.00 to invoice 1003: the credit note is used up.
        used = dict(
            allocated,
            status="adjusted",
            amount_allocated=3000,
            amount_available=0,
            allocations=[
                {"allocated_amount": 2000, "invoice_id": "1002"},
                {"allocated_amount": 1000, "invoice_id": "1003"},
            ],
        )
        self.assertDone(self.deliver("credit_note_updated", FEB_1 + DAY, credit_note=used))
        self.assertEqual(
            (second.amount_residual, third.amount_residual, credit_note.amount_residual),
            (30.0, 40.0, 0.0),
        )
        self.assertEqual(credit_note.payment_state, "paid")
        self.assertEqual(first.payment_state, "paid")

    def test_written_off_invoice_is_a_bad_debt(self):
        """Chargebee's write-off (POST /invoices/{id}/write_off: status paid,
        ``write_off_amount`` = what was due, and an adjustment credit note
        "Write Off" of that amount) books the amount due as a bad debt on the
        write-off account, the invoice reconciled; the credit note reporting
        the same write-off books nothing more, and no revenue is credited."""
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=self.sub(1)))
        invoice = resource("invoice", id="1001")
        self.assertDone(self.deliver("invoice_generated", JAN_1, invoice=invoice))
        move = self.cb_bound("account.move", "1001")
        payment = self.payment("txn_wo_pay", 1500, JAN_1 + DAY, "1001")
        self.assertDone(self.deliver("payment_succeeded", JAN_1 + DAY, transaction=payment))
        self.assertEqual(move.amount_residual, 35.0)
        written = dict(
            invoice, status="paid", amount_paid=1500, amount_due=0, write_off_amount=3500
        )
        event = self.deliver("invoice_updated", MAR_1, invoice=written)
        self.assertEqual(event.state, "needs_mapping")
        self.assertEqual(
            (event.missing_mapping_id.kind, event.missing_mapping_id.external_key),
            ("account", "write_off"),
        )
        bad_debt = self.company_data["default_account_expense"]
        event.missing_mapping_id.target_ref = f"account.account,{bad_debt.id}"
        event.missing_mapping_id.action_approve()
        self.env["saas.event"].process_pending(system_ids=self.chargebee.ids)
        self.assertDone(event)
        entry = self.cb_bound("account.move", "1001:write_off")
        self.assertEqual((move.amount_residual, move.payment_state), (0.0, "paid"))
        expense = entry.line_ids.filtered(lambda line: line.account_id == bad_debt)
        self.assertEqual((entry.state, expense.balance), ("posted", 35.0))
        note = resource(
            "credit_note",
            id="cn_write_off",
            type="adjustment",
            status="adjusted",
            reason_code="write_off",
            create_reason_code="Write Off",
            reference_invoice_id="1001",
            total=3500,
            allocations=[{"allocated_amount": 3500, "invoice_id": "1001"}],
        )
        again = self.deliver("credit_note_created", MAR_1, credit_note=note)
        self.assertEqual(again.state, "ignored")
        self.assertFalse(self.cb_bound("account.move", "cn_write_off"))
        self.assertEqual(move.amount_residual, 0.0)

    def test_scheduled_cancellation_and_its_removal(self):
        self.assertDone(self.deliver("subscription_created", JAN_1, subscription=self.sub(1)))
        subscription = self.subscription()
        scheduled = self.sub(2, status="non_renewing", cancelled_at=MAR_1, current_term_end=MAR_1)
        self.assertDone(
            self.deliver(
                "subscription_cancellation_scheduled", JAN_1 + 5 * DAY, subscription=scheduled
            )
        )
        # Still earning until the date it ends; the date is known.
        self.assertEqual(
            (subscription.state, subscription.mrr, subscription.cancel_at),
            ("active", 50.0, fields.Date.to_date("2026-03-01")),
        )
        self.assertEqual(subscription.movement_ids.mapped("movement_type"), ["new"])
        # The customer changes their mind: the cancellation is removed.
        kept = self.sub(3, status="active")
        self.assertDone(
            self.deliver(
                "subscription_scheduled_cancellation_removed", JAN_1 + 9 * DAY, subscription=kept
            )
        )
        self.assertEqual((subscription.state, subscription.mrr), ("active", 50.0))
        self.assertFalse(subscription.cancel_at)
        self.assertEqual(subscription.movement_ids.mapped("movement_type"), ["new"])
        # Scheduled again, and this time it happens.
        self.assertDone(
            self.deliver(
                "subscription_cancellation_scheduled",
                JAN_1 + 20 * DAY,
                subscription=dict(scheduled, resource_version=4),
            )
        )
        self.assertEqual(subscription.cancel_at, fields.Date.to_date("2026-03-01"))
        cancelled = self.sub(5, status="cancelled", cancelled_at=MAR_1)
        self.assertDone(self.deliver("subscription_cancelled", MAR_1, subscription=cancelled))
        self.assertEqual(
            (subscription.state, subscription.mrr, str(subscription.ended_at)),
            ("cancelled", 0.0, "2026-03-01"),
        )
        self.assertEqual(subscription.movement_ids.mapped("movement_type"), ["new", "churn"])
        self.assertLedgerHolds()
