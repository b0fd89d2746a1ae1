# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A full Chargebee lifecycle through the engine gives the same subscriptions,
MRR movements, invoices and payments as the equivalent canonical events."""

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import ChargebeeCase
from .samples import APR_1, DAY, FEB_1, JAN_1, MAR_1, resource

CUSTOMER = "cb_cust_acme"
SUB = "cb_sub_acme"


@tagged("post_install", "-at_install")
class TestChargebeeLifecycle(ChargebeeCase):
    def chargebee_lifecycle(self):
        d = self.deliver
        customer = resource("customer")
        starter = self.sub(1)
        d("customer_created", JAN_1, customer=customer)
        d("subscription_created", JAN_1, subscription=starter, customer=customer)
        d(
            "invoice_generated",
            JAN_1,
            invoice=self.invoice("1001", 5000, JAN_1, "starter-USD-Monthly", 2, 2500),
        )
        failed = self.payment(
            "txn_fail_1",
            5000,
            JAN_1 + DAY,
            "1001",
            status="failure",
            error_text="Insufficient funds",
        )
        d("payment_failed", JAN_1 + DAY, transaction=failed)
        d(
            "payment_succeeded",
            JAN_1 + 2 * DAY,
            transaction=self.payment("txn_pay_1", 5000, JAN_1 + 2 * DAY, "1001"),
        )
        upgraded = self.sub(2, subscription_items=self.pro_items())
        d("subscription_changed", JAN_1 + 14 * DAY, subscription=upgraded)
        renewed = self.sub(
            3, subscription_items=self.pro_items(), current_term_start=FEB_1, current_term_end=MAR_1
        )
        d("subscription_renewed", FEB_1, subscription=renewed)
        d(
            "invoice_generated",
            FEB_1,
            invoice=self.invoice("1002", 8000, FEB_1, "pro-USD-Monthly", 2, 4000, date_to=MAR_1),
        )
        d("payment_succeeded", FEB_1, transaction=self.payment("txn_pay_2", 8000, FEB_1, "1002"))
        note = resource(
            "credit_note", id="cn_1", reference_invoice_id="1002", total=2500, date=FEB_1 + 4 * DAY
        )
        note["line_items"][0].update(entity_id="pro-USD-Monthly", date_from=FEB_1, date_to=MAR_1)
        refund = self.payment(
            "txn_refund_1",
            2500,
            FEB_1 + 4 * DAY,
            "1002",
            type="refund",
            refunded_txn_id="txn_pay_2",
            linked_invoices=[],
        )
        d("payment_refunded", FEB_1 + 4 * DAY, transaction=refund, credit_note=note)
        paused = self.sub(
            4,
            subscription_items=self.pro_items(),
            status="paused",
            pause_date=FEB_1 + 9 * DAY,
            current_term_start=FEB_1,
            current_term_end=MAR_1,
        )
        d("subscription_paused", FEB_1 + 9 * DAY, subscription=paused)
        resumed = self.sub(
            5, subscription_items=self.pro_items(), current_term_start=FEB_1, current_term_end=MAR_1
        )
        d("subscription_resumed", FEB_1 + 19 * DAY, subscription=resumed)
        d(
            "invoice_generated",
            MAR_1,
            invoice=self.invoice("1003", 8000, MAR_1, "pro-USD-Monthly", 2, 4000),
        )
        voided = self.invoice("1003", 8000, MAR_1, "pro-USD-Monthly", 2, 4000, status="voided")
        d("invoice_updated", MAR_1, invoice=voided)
        cancelled = self.sub(
            6,
            subscription_items=self.pro_items(),
            status="cancelled",
            cancelled_at=MAR_1,
            current_term_start=FEB_1,
            current_term_end=MAR_1,
        )
        d("subscription_cancelled", MAR_1, subscription=cancelled)
        back = self.sub(
            7,
            subscription_items=self.pro_items(),
            current_term_start=MAR_1 + 9 * DAY,
            current_term_end=APR_1 + 9 * DAY,
        )
        d("subscription_reactivated", MAR_1 + 9 * DAY, subscription=back)

    def canonical_lifecycle(self):
        def emit(event_type, data, when):
            event = self.emit(event_type, data, occurred_at=when)
            self.assertIn(event.state, ("done",), f"{event_type}: {event.last_error}")

        sub = {"subscription_id": SUB, "customer_id": CUSTOMER, "currency": "USD"}
        starter = [
            {
                "plan": "starter",
                "quantity": "2",
                "unit_amount": "25.00",
                "interval": "month",
                "interval_count": 1,
            }
        ]
        pro = [
            {
                "plan": "pro",
                "quantity": "2",
                "unit_amount": "40.00",
                "interval": "month",
                "interval_count": 1,
            }
        ]
        jan = {"period_start": "2026-01-01", "period_end": "2026-01-31"}
        feb = {"period_start": "2026-02-01", "period_end": "2026-02-28"}
        emit(
            "customer.upserted",
            {"customer_id": CUSTOMER, "name": "Acme Analytics", "email": "acme@canonical.example"},
            "2026-01-01T00:00:00Z",
        )
        emit(
            "subscription.activated",
            {**sub, **jan, "status": "active", "start_date": "2026-01-01", "items": starter},
            "2026-01-01T00:00:00Z",
        )

        def invoice(invoice_id, total, date, plan, unit, period_end):
            return {
                "invoice_id": invoice_id,
                "customer_id": CUSTOMER,
                "subscription_id": SUB,
                "currency": "USD",
                "number": invoice_id,
                "total": total,
                "date": date,
                "due_date": date,
                "lines": [
                    {
                        "description": "Starter plan",
                        "quantity": "2",
                        "unit_amount": unit,
                        "plan": plan,
                        "period_start": date,
                        "period_end": period_end,
                        "tax_amount": "0.00",
                    }
                ],
            }

        emit(
            "invoice.issued",
            invoice("1001", "50.00", "2026-01-01", "starter", "25.00", "2026-01-31"),
            "2026-01-01T00:00:00Z",
        )
        emit(
            "payment.failed",
            {
                "payment_id": "txn_fail_1:failed",
                "customer_id": CUSTOMER,
                "subscription_id": SUB,
                "invoice_id": "1001",
                "currency": "USD",
                "amount": "50.00",
                "failure_message": "Insufficient funds",
            },
            "2026-01-02T00:00:00Z",
        )
        emit(
            "payment.succeeded",
            {
                "payment_id": "txn_pay_1",
                "alias_ids": ["pi_txn_pay_1"],
                "customer_id": CUSTOMER,
                "currency": "USD",
                "amount": "50.00",
                "invoice_ids": ["1001"],
                "date": "2026-01-03",
            },
            "2026-01-03T00:00:00Z",
        )
        emit(
            "subscription.changed",
            {**sub, **jan, "status": "active", "items": pro},
            "2026-01-15T00:00:00Z",
        )
        emit("subscription.renewed", {**sub, **feb, "status": "active"}, "2026-02-01T00:00:00Z")
        emit(
            "invoice.issued",
            invoice("1002", "80.00", "2026-02-01", "pro", "40.00", "2026-02-28"),
            "2026-02-01T00:00:00Z",
        )
        emit(
            "payment.succeeded",
            {
                "payment_id": "txn_pay_2",
                "customer_id": CUSTOMER,
                "currency": "USD",
                "amount": "80.00",
                "invoice_ids": ["1002"],
                "date": "2026-02-01",
            },
            "2026-02-01T00:00:00Z",
        )
        emit(
            "credit_note.issued",
            {
                "credit_note_id": "cn_1",
                "invoice_id": "1002",
                "customer_id": CUSTOMER,
                "currency": "USD",
                "total": "25.00",
                "date": "2026-02-05",
                "lines": [
                    {
                        "description": "Starter plan",
                        "quantity": "1",
                        "unit_amount": "25.00",
                        "plan": "pro",
                        "period_start": "2026-02-01",
                        "period_end": "2026-02-28",
                    }
                ],
            },
            "2026-02-05T00:00:00Z",
        )
        emit(
            "refund.issued",
            {
                "refund_id": "txn_refund_1",
                "payment_id": "txn_pay_2",
                "credit_note_id": "cn_1",
                "currency": "USD",
                "amount": "25.00",
                "date": "2026-02-05",
            },
            "2026-02-05T00:00:00Z",
        )
        emit(
            "subscription.paused",
            {**sub, **feb, "pause_start": "2026-02-10"},
            "2026-02-10T00:00:00Z",
        )
        emit("subscription.resumed", {**sub, **feb}, "2026-02-20T00:00:00Z")
        emit(
            "invoice.issued",
            invoice("1003", "80.00", "2026-03-01", "pro", "40.00", "2026-03-31"),
            "2026-03-01T00:00:00Z",
        )
        emit("invoice.voided", {"invoice_id": "1003"}, "2026-03-01T00:00:00Z")
        emit(
            "subscription.cancelled",
            {**sub, **feb, "ended_at": "2026-03-01"},
            "2026-03-01T00:00:00Z",
        )
        emit(
            "subscription.reactivated",
            {
                **sub,
                "period_start": "2026-03-10",
                "period_end": "2026-04-09",
                "status": "active",
                "items": pro,
            },
            "2026-03-10T00:00:00Z",
        )

    def snapshot(self, system):
        subscription = self.env["saas.binding"].find_record(system, "saas.subscription", SUB)
        partner = subscription.partner_id
        moves = self.env["account.move"].search(
            [("partner_id", "=", partner.id), ("move_type", "in", ("out_invoice", "out_refund"))]
        )
        payments = self.env["account.payment"].search([("partner_id", "=", partner.id)])
        return {
            "subscription": (
                subscription.state,
                subscription.mrr,
                subscription.start_date,
                subscription.current_period_start,
                subscription.current_period_end,
                subscription.ended_at,
                subscription.line_ids.mapped("product_id"),
            ),
            "movements": sorted(
                (m.date, m.movement_type, m.delta) for m in subscription.movement_ids
            ),
            "documents": sorted(
                (
                    m.move_type,
                    m.saas_source_number or f"reversal of {m.reversed_entry_id.saas_source_number}",
                    m.amount_total,
                    m.state,
                    m.payment_state,
                    str(m.invoice_date),
                )
                for m in moves
            ),
            "payments": sorted((p.payment_type, p.amount, p.date, p.state) for p in payments),
            "activities": len(partner.activity_ids) + len(moves.activity_ids),
        }

    def test_lifecycle_equals_canonical_events(self):
        self.chargebee_lifecycle()
        failed = self.env["saas.event"].search(
            [("system_id", "=", self.chargebee.id), ("state", "not in", ("done", "ignored"))]
        )
        self.assertFalse(failed, [(e.event_type, e.last_error) for e in failed])
        self.canonical_lifecycle()
        chargebee, canonical = self.snapshot(self.chargebee), self.snapshot(self.system)
        self.assertEqual(chargebee, canonical)
        # And what that state is (so that both cannot be wrong the same way).
        self.assertEqual(chargebee["subscription"][:2], ("active", 80.0))
        self.assertEqual(
            [m[1:] for m in chargebee["movements"]],
            [
                ("new", 50.0),
                ("expansion", 30.0),
                ("churn", -80.0),  # paused
                ("reactivation", 80.0),  # resumed
                ("churn", -80.0),  # cancelled
                ("reactivation", 80.0),
            ],
        )
        self.assertEqual(
            [(d[1], d[2], d[4]) for d in chargebee["documents"]],
            [
                ("1001", 50.0, "paid"),
                ("1002", 80.0, "paid"),
                ("1003", 80.0, "reversed"),
                ("cn_1", 25.0, "paid"),
                ("reversal of 1003", 80.0, "paid"),
            ],
        )
        self.assertEqual(
            [(p[0], p[1]) for p in chargebee["payments"]],
            [("inbound", 50.0), ("inbound", 80.0), ("outbound", 25.0)],
        )
        self.assertLedgerHolds()


@tagged("post_install", "-at_install")
class TestChargebeeMappingsAndAccess(ChargebeeCase):
    def test_unmapped_item_price_waits_for_its_mapping(self):
        self.assertDone(self.deliver("customer_created", JAN_1, customer=resource("customer")))
        sub = self.sub(1)
        sub["subscription_items"][0]["item_price_id"] = "enterprise-USD-Yearly"
        event = self.deliver("subscription_created", JAN_1, subscription=sub)
        self.assertEqual(event.state, "needs_mapping")
        mapping = event.missing_mapping_id
        self.assertEqual((mapping.kind, mapping.external_key), ("product", "enterprise-USD-Yearly"))
        mapping.target_ref = f"product.product,{self.product_pro.id}"
        mapping.action_approve()
        self.env["saas.event"].process_pending(system_ids=self.chargebee.ids)
        self.assertDone(event)
        self.assertEqual(self.cb_bound("saas.subscription", SUB).mrr, 50.0)

    def test_support_users_cannot_run_or_read_secrets(self):
        support = self.env["res.users"].create(
            {
                "name": "Support",
                "login": "cb-support",
                "groups_id": [(6, 0, [self.env.ref("saas_sync.group_saas_support").id])],
            }
        )
        system = self.chargebee.with_user(support)
        with self.assertRaises(AccessError):
            system.action_chargebee_test_connection()
        with self.assertRaises(AccessError):
            system.action_chargebee_drift_check()
        with self.assertRaises(AccessError):
            system.read(["chargebee_api_key"])
        with self.assertRaises(AccessError):
            self.env["saas.chargebee.backfill"].with_user(support).create(
                {"system_id": self.chargebee.id}
            )

    def test_system_form_stores_the_pair_write_only(self):
        with Form(self.env["saas.system"]) as form:
            form.name = "Chargebee EU"
            form.code = "cb-eu-form"
            form.kind = "chargebee"
            form.chargebee_webhook_user = "odoo-eu"
            form.chargebee_webhook_password = "pa55"
            form.chargebee_site = "acme-eu-test"
            form.chargebee_api_key = "test_key_eu"
        system = form.record
        system.invalidate_recordset()
        self.assertTrue(system.chargebee_webhook_url.endswith("/saas/webhook/chargebee/cb-eu-form"))
        self.assertEqual(system.chargebee_webhook_user, "odoo-eu")
        self.assertTrue(system._chargebee_check_credentials("Basic b2Rvby1ldTpwYTU1"))
        self.assertFalse(system.chargebee_webhook_password or system.chargebee_api_key)
        self.assertTrue(system.chargebee_site_set and system.chargebee_api_key_set)
        self.assertTrue(system.webhook_secret_set)
