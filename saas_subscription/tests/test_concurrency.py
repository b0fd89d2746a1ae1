# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The same payment, delivered twice at once under two event ids (as Stripe's
invoice.paid and charge.succeeded both say it), processed by two workers on
separate cursors: one payment is created; the loser retries and is ignored."""

import json
import uuid

from odoo.tests import tagged

from odoo.addons.saas_sync.lib.schema import validate_event
from odoo.addons.saas_sync.tests import concurrency


@tagged("post_install", "-at_install")
class TestConcurrentPayments(concurrency.CommittedCase):
    @classmethod
    def _create_system(cls, env):
        company = env["res.company"].create({"name": f"Concurrency Co {uuid.uuid4().hex[:8]}"})
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        cls.currency = company.currency_id.name
        cls.system_values = {
            "name": "Concurrent",
            "code": f"concurrent-{company.id}",
            "kind": "billing",
            "company_id": company.id,
        }
        system = super()._create_system(env)
        product = env["product.product"].create({"name": "Plan", "type": "service"})
        env["saas.mapping"].create(
            {
                "system_id": system.id,
                "kind": "product",
                "external_key": "plan",
                "target_ref": f"product.product,{product.id}",
                "state": "approved",
            }
        )
        cls._store_and_process(
            env,
            system,
            [
                ("customer.upserted", {"customer_id": "cus_c", "name": "Concurrent Customer"}),
                (
                    "invoice.issued",
                    {
                        "invoice_id": "in_c",
                        "customer_id": "cus_c",
                        "currency": cls.currency,
                        "total": "80.00",
                        "lines": [{"plan": "plan", "quantity": "1", "unit_amount": "80.00"}],
                    },
                ),
            ],
        )
        return system

    @classmethod
    def _cleanup(cls):
        """Nothing is deleted: the company of these tests keeps its posted
        books (a partner with journal entries cannot be deleted)."""

    @classmethod
    def _store_and_process(cls, env, system, events):
        for index, (event_type, data) in enumerate(events):
            payload = {
                "id": f"evt_setup_{index}",
                "type": event_type,
                "schema_version": 1,
                "occurred_at": "2026-01-01T00:00:00Z",
                "livemode": False,
                "data": data,
            }
            env["saas.event"]._store_incoming(
                system, json.dumps(payload), payload, validate_event(payload)
            )
        env["saas.event"].process_pending(system_ids=system.ids)

    def test_duplicate_payment_is_created_once(self):
        payment = {
            "payment_id": "pay_c",
            "customer_id": "cus_c",
            "currency": self.currency,
            "amount": "80.00",
            "invoice_ids": ["in_c"],
        }
        with self.registry.cursor() as cr:
            env = self._env(cr)
            system = env["saas.system"].browse(self.system_id)
            for event_id in ("evt_invoice_paid", "evt_charge_succeeded"):
                payload = {
                    "id": event_id,
                    "type": "payment.succeeded",
                    "schema_version": 1,
                    "occurred_at": "2026-01-02T00:00:00Z",
                    "livemode": False,
                    "data": payment,
                }
                env["saas.event"]._store_incoming(
                    system, json.dumps(payload), payload, validate_event(payload)
                )
        self._run_workers(2, limit=1, timeout=60)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            Event = env["saas.event"]
            events = Event.search(
                [
                    ("system_id", "=", self.system_id),
                    ("external_id", "in", ["evt_invoice_paid", "evt_charge_succeeded"]),
                ]
            )
            self.assertEqual(sorted(events.mapped("state")), ["done", "retry"])
            events.write({"next_attempt_at": "2000-01-01 00:00:00"})
            Event.process_pending(system_ids=[self.system_id])
            self.assertEqual(sorted(events.mapped("state")), ["done", "ignored"])
            payments = env["account.payment"].search([("memo", "=", "pay_c")])
            self.assertEqual(len(payments), 1)
            invoice = env["saas.binding"].find_record(events.system_id, "account.move", "in_c")
            self.assertEqual(invoice.payment_state, "paid")
            cr.rollback()
