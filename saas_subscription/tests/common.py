# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared setup: a billing system, plan products and their approved mappings, and
helpers that send canonical events through the real engine."""

import itertools
import json

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

_counter = itertools.count(1)


class SubscriptionCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("saas_sync.group_saas_admin")
        cls.env["ir.config_parameter"].sudo().set_param("saas_sync.environment", "sandbox")
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.system = cls.env["saas.system"].create(
            {
                "name": "Billing",
                "code": f"billing-{cls.__name__.lower()}",
                "kind": "billing",
                "environment": "sandbox",
                "company_id": cls.company.id,
                "owns_customers": True,
                "owns_subscriptions": True,
                "owns_payments": True,
            }
        )
        cls.product_starter = cls._create_product(name="Starter plan", type="service")
        cls.product_pro = cls._create_product(name="Pro plan", type="service")
        cls.map_product("starter", cls.product_starter)
        cls.map_product("pro", cls.product_pro)
        cls.map_product("annual", cls.product_pro)

    @classmethod
    def map_product(cls, key, product, system=None):
        mapping = cls.env["saas.mapping"].create(
            {
                "system_id": (system or cls.system).id,
                "kind": "product",
                "external_key": key,
                "target_ref": f"product.product,{product.id}",
            }
        )
        mapping.action_approve()
        return mapping

    # ----------------------------------------------------------------- events
    def emit(
        self,
        event_type,
        data,
        occurred_at="2026-01-01T00:00:00Z",
        system=None,
        event_id=None,
        process=True,
        entity=None,
    ):
        system = system or self.system
        payload = {
            "id": event_id or f"evt_{event_type}_{next(_counter)}",
            "type": event_type,
            "occurred_at": occurred_at,
            "schema_version": 1,
            "livemode": False,
            "data": data,
        }
        if entity:
            payload["entity"] = entity
        [(event, _created)] = self.env["saas.event"]._receive_canonical(system, payload)
        if process:
            self.env["saas.event"].process_pending(system_ids=system.ids)
        return event

    def customer(self, customer_id="cus_1", **data):
        data.setdefault("name", f"Customer {customer_id}")
        data.setdefault("email", f"{customer_id}@example.com")
        event = self.emit("customer.upserted", dict(data, customer_id=customer_id))
        self.assertEqual(event.state, "done", event.last_error)
        return self.env["saas.binding"].find_record(self.system, "res.partner", customer_id)

    def subscribe(
        self,
        event_type,
        sub_id,
        customer_id="cus_1",
        plan="starter",
        price="10.00",
        interval="month",
        quantity="1",
        when="2026-01-01T00:00:00Z",
        **extra,
    ):
        data = {
            "subscription_id": sub_id,
            "customer_id": customer_id,
            "currency": self.currency.name,
            "items": [
                {
                    "plan": plan,
                    "quantity": quantity,
                    "unit_amount": price,
                    "interval": interval,
                    **extra.pop("item", {}),
                }
            ],
            **extra,
        }
        return self.emit(event_type, data, occurred_at=when)

    def sub_event(
        self, event_type, sub_id, customer_id="cus_1", when="2026-01-01T00:00:00Z", **extra
    ):
        return self.emit(
            event_type,
            {"subscription_id": sub_id, "customer_id": customer_id, **extra},
            occurred_at=when,
        )

    def subscription(self, sub_id, system=None):
        return self.env["saas.binding"].find_record(
            system or self.system, "saas.subscription", sub_id
        )

    def assertLedgerHolds(self):
        self.assertFalse(
            self.env["saas.subscription"]._check_ledger(),
            "movements must sum to each subscription's MRR",
        )

    def assertDone(self, event):
        self.assertEqual(event.state, "done", f"{event.event_type}: {event.last_error}")

    @staticmethod
    def dumps(value):
        return json.dumps(value)
