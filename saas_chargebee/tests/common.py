# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A Chargebee system in a company with a chart of accounts, and helpers that
deliver Chargebee events through the inbox's one way in and the engine."""

import json

from odoo.addons.saas_subscription.tests.common import SubscriptionCommon

from ..lib.inbox import chargebee_header
from .samples import chargebee_event, resource


class ChargebeeCase(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.USD").active = True
        cls.chargebee = cls.env["saas.system"].create(
            {
                "name": "Chargebee",
                "code": f"cb-{cls.__name__.lower()}",
                "kind": "chargebee",
                "company_id": cls.company.id,
                "owns_customers": True,
            }
        )
        # By item id (from the default item price name) and by item price id.
        cls.map_product("starter", cls.product_starter, cls.chargebee)
        cls.map_product("pro-USD-Monthly", cls.product_pro, cls.chargebee)

    def deliver(self, event_type, occurred_at, event_id=None, system=None, process=True, **content):
        system = system or self.chargebee
        event = chargebee_event(event_type, occurred_at, event_id, **content)
        [(record, _created)] = self.env["saas.event"]._receive(
            system, [(json.dumps(event), event, chargebee_header(event))]
        )
        if process:
            self.env["saas.event"].process_pending(system_ids=system.ids)
        return record

    def cb_bound(self, model, external_id, system=None):
        return self.env["saas.binding"].find_record(system or self.chargebee, model, external_id)

    @staticmethod
    def sub(version, **overrides):
        return resource("subscription", resource_version=version, **overrides)

    @staticmethod
    def pro_items(quantity=2, unit_price=4000):
        return [
            {
                "item_price_id": "pro-USD-Monthly",
                "item_type": "plan",
                "quantity": quantity,
                "unit_price": unit_price,
                "amount": quantity * unit_price,
                "object": "subscription_item",
            }
        ]

    @staticmethod
    def invoice(invoice_id, total, date, item_price_id, quantity, unit, **overrides):
        invoice = resource("invoice", id=invoice_id, total=total, date=date, due_date=date)
        invoice["line_items"][0].update(
            id=f"li_{invoice_id}",
            entity_id=item_price_id,
            quantity=quantity,
            unit_amount=unit,
            amount=quantity * unit,
            date_from=date,
        )
        invoice.update(overrides)
        return invoice

    @staticmethod
    def payment(txn_id, amount, date, invoice_id, **overrides):
        values = {
            "id": txn_id,
            "amount": amount,
            "date": date,
            "id_at_gateway": f"pi_{txn_id}",
            "linked_invoices": [{"invoice_id": invoice_id, "applied_amount": amount}],
        }
        return resource("transaction", **dict(values, **overrides))
