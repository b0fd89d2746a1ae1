# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Replaying the whole event log into an empty ledger reproduces the same books.

A second company with its own chart of accounts and a second system stand for
the fresh database: nothing of the first run is visible to it (bindings are per
system, MRR per company)."""

import json

from odoo.tests import tagged

from odoo.addons.saas_sync.lib.schema import validate_event

from .common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestReplay(SubscriptionCommon):
    def _history(self):
        self.customer("cus_r1", email="r1@example.com")
        self.customer("cus_r2", email="r2@example.com")
        self.subscribe("subscription.activated", "sub_r1", "cus_r1", price="30.00")
        self.subscribe(
            "subscription.activated",
            "sub_r2",
            "cus_r2",
            plan="pro",
            price="1200.00",
            interval="year",
        )
        self.subscribe(
            "subscription.changed", "sub_r1", "cus_r1", price="45.00", when="2026-02-01T00:00:00Z"
        )
        self.emit(
            "invoice.issued",
            {
                "invoice_id": "in_r1",
                "customer_id": "cus_r1",
                "subscription_id": "sub_r1",
                "currency": self.currency.name,
                "total": "45.00",
                "lines": [{"plan": "starter", "quantity": "1", "unit_amount": "45.00"}],
            },
        )
        self.emit(
            "payment.succeeded",
            {
                "payment_id": "pay_r1",
                "customer_id": "cus_r1",
                "currency": self.currency.name,
                "amount": "20.00",
                "invoice_ids": ["in_r1"],
            },
        )
        self.sub_event("subscription.cancelled", "sub_r2", "cus_r2", when="2026-03-01T00:00:00Z")

    def _books(self, system):
        Binding = self.env["saas.binding"]
        bindings = Binding.search([("system_id", "=", system.id)], order="external_id")
        books = {}
        for binding in bindings:
            record = binding.record_ref
            if binding.res_model == "account.move":
                books[binding.external_id] = (
                    record.move_type,
                    record.state,
                    record.amount_total,
                    record.amount_residual,
                )
            elif binding.res_model == "account.payment":
                books[binding.external_id] = (record.amount, record.state)
            elif binding.res_model == "saas.subscription":
                books[binding.external_id] = (
                    record.state,
                    record.mrr,
                    [(m.movement_type, m.delta) for m in record.movement_ids.sorted("id")],
                )
        return books

    def test_replay_into_an_empty_ledger_gives_the_same_books(self):
        self._history()
        original = self._books(self.system)
        self.assertEqual(len(original), 4)  # 2 subscriptions, an invoice, a payment
        fresh_company = self.setup_other_company()["company"]
        fresh_company.currency_id = self.currency
        fresh = self.env["saas.system"].create(
            {
                "name": "Fresh",
                "code": "fresh",
                "kind": "billing",
                "company_id": fresh_company.id,
                "owns_customers": True,
            }
        )
        self.map_product("starter", self.product_starter, fresh)
        self.map_product("pro", self.product_pro, fresh)
        Event = self.env["saas.event"]
        for event in Event.search([("system_id", "=", self.system.id)], order="id"):
            payload = json.loads(event.payload)
            Event._receive(fresh, [(event.payload, payload, validate_event(payload))])
        Event.with_company(fresh_company).process_pending(system_ids=fresh.ids)
        self.assertEqual(self._books(fresh), original)
