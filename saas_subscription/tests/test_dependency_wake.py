# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An event waiting for another is due as soon as what it waits for is
applied (its binding created), in whatever lane or batch; a dependency that
never arrives still backs off and ends in the dead letter."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from .common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestDependencyWake(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("saas_sync.backoff_base", "30")
        icp.set_param("saas_sync.backoff_factor", "2")

    # ---------------------------------------------------------------- helpers
    def store(self, event_type, data, when="2026-01-01T00:00:00Z"):
        return self.emit(event_type, data, occurred_at=when, process=False)

    def store_customer(self, key):
        return self.store(
            "customer.upserted",
            {"customer_id": f"cus_{key}", "name": f"Customer {key}"},
            when="2025-12-31T00:00:00Z",
        )

    def store_invoice(self, key):
        return self.store(
            "invoice.issued",
            {
                "invoice_id": f"in_{key}",
                "customer_id": f"cus_{key}",
                "currency": self.currency.name,
                "total": "49.00",
                "date": "2026-01-01",
                "lines": [{"plan": "starter", "quantity": "1", "unit_amount": "49.00"}],
            },
        )

    def store_payment(self, key, invoice_key=None):
        return self.store(
            "payment.succeeded",
            {
                "payment_id": f"pay_{key}",
                "customer_id": f"cus_{key}",
                "currency": self.currency.name,
                "amount": "49.00",
                "invoice_ids": [f"in_{invoice_key or key}"],
                "date": "2026-01-03",
            },
            when="2026-01-03T00:00:00Z",
        )

    def run_lane(self, lane):
        return self.env["saas.event"].process_pending(lane=lane, system_ids=self.system.ids)

    def assertWaits(self, events, model, external_ids):
        for event, external_id in zip(events, external_ids, strict=True):
            self.assertEqual((event.state, event.error_class), ("retry", "dependency"))
            self.assertEqual(
                (event.waits_system_id, event.waits_model, event.waits_external_id),
                (self.system, model, external_id),
            )
            self.assertGreater(event.next_attempt_at, fields.Datetime.now() + timedelta(seconds=5))
            self.assertIn(external_id, event.last_error)

    def assertDueNow(self, events):
        for event in events:
            self.assertEqual(event.state, "retry")
            self.assertLessEqual(event.next_attempt_at, fields.Datetime.now())

    def lane_triggered(self, lane):
        cron = self.env.ref(f"saas_sync.ir_cron_process_{lane}")
        return self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)])

    def bound(self, model, external_id):
        return self.env["saas.binding"].find_record(self.system, model, external_id)

    # ------------------------------------------------------------------ tests
    def test_payment_before_its_invoice_runs_once_the_invoice_is_applied(self):
        self.store_customer("w1")
        self.run_lane("operational")
        payment_event = self.store_payment("w1")
        self.run_lane("operational")
        self.assertWaits(payment_event, "account.move", ["in_w1"])
        invoice_event = self.store_invoice("w1")
        self.env["ir.cron.trigger"].sudo().search([]).unlink()
        self.run_lane("financial")
        self.assertDone(invoice_event)
        # Applying the invoice made the payment due at once, in its own lane,
        # and woke that lane's cron.
        self.assertDueNow(payment_event)
        self.assertTrue(self.lane_triggered("operational"))
        self.run_lane("operational")
        self.assertDone(payment_event)
        self.assertEqual(payment_event.attempt_count, 2)
        self.assertFalse(payment_event.waits_external_id)
        self.assertEqual(self.bound("account.move", "in_w1").payment_state, "paid")

    def test_invoices_waiting_for_a_batch_of_customers_wake_together(self):
        keys = [f"wb{number}" for number in range(4)]
        invoices = self.env["saas.event"]
        for key in keys:
            invoices |= self.store_invoice(key)
        self.run_lane("financial")
        self.assertWaits(invoices, "res.partner", [f"cus_{key}" for key in keys])
        for key in keys:
            self.store_customer(key)
        # The customers are applied in one batch (one INSERT of their bindings).
        self.run_lane("operational")
        self.assertDueNow(invoices)
        self.run_lane("financial")
        for event in invoices:
            self.assertDone(event)

    def test_an_unrelated_binding_wakes_nothing(self):
        self.store_customer("w2")
        self.run_lane("operational")
        payment_event = self.store_payment("w2", invoice_key="w2_other")
        self.run_lane("operational")
        self.assertWaits(payment_event, "account.move", ["in_w2_other"])
        invoice_event = self.store_invoice("w2")
        self.run_lane("financial")
        self.assertDone(invoice_event)
        self.assertWaits(payment_event, "account.move", ["in_w2_other"])

    def test_a_dependency_that_never_arrives_backs_off_then_dies_with_its_id(self):
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.max_attempts", "3")
        self.store_customer("w3")
        self.run_lane("operational")
        payment_event = self.store_payment("w3", invoice_key="w3_never")
        delays = []
        for _attempt in range(3):
            payment_event.write({"next_attempt_at": False})
            before = fields.Datetime.now()
            self.run_lane("operational")
            if payment_event.state == "retry":
                self.assertWaits(payment_event, "account.move", ["in_w3_never"])
                delays.append((payment_event.next_attempt_at - before).total_seconds())
        self.assertEqual(len(delays), 2)
        self.assertGreater(delays[1], delays[0])
        self.assertEqual((payment_event.state, payment_event.error_class), ("dead", "dependency"))
        self.assertIn("in_w3_never", payment_event.last_error)
        self.assertEqual(payment_event.attempt_count, 3)

    def test_the_waiting_side_checks_again_after_its_own_step(self):
        """The race of two lanes: the invoice is bound by a transaction whose
        snapshot did not see the payment waiting (here: bound without the
        binding model's hook). The payment's own step checks again after it
        has recorded the wait, and finds the binding."""
        self.store_customer("w4")
        self.run_lane("operational")
        payment_event = self.store_payment("w4")
        Event = self.env["saas.event"]
        self.run_lane("operational")
        self.assertWaits(payment_event, "account.move", ["in_w4"])
        invoice_event = self.store_invoice("w4")
        with patch.object(type(Event), "_note_bound", lambda *_args: None):
            self.run_lane("financial")
        self.assertDone(invoice_event)
        self.assertWaits(payment_event, "account.move", ["in_w4"])
        # What the engine does after the payment's step (its events recorded
        # as waiting): the binding is there now, so it is due at once.
        self.env.cr.__dict__["_saas_sync_wake"] = {"bound": set(), "waiting": {payment_event.id}}
        Event._wake_after_step(commit=False)
        self.assertDueNow(payment_event)
        self.run_lane("operational")
        self.assertDone(payment_event)

    def test_a_retry_asks_its_lane_to_run_when_it_is_due(self):
        """The financial lane runs every 15 minutes on its own: an invoice
        retrying with backoff asks its cron for a run at its due time."""
        invoice_event = self.store_invoice("w5")
        self.run_lane("financial")
        self.assertWaits(invoice_event, "res.partner", ["cus_w5"])
        cron = self.env.ref("saas_sync.ir_cron_process_financial")
        triggers = self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)])
        self.assertIn(invoice_event.next_attempt_at, triggers.mapped("call_at"))
