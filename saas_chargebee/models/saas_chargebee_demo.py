# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..lib.inbox import chargebee_header

# (customer id, company name, item price id, period unit, unit price in cents,
# quantity, days ago)
DEMO_CUSTOMERS = [
    ("cb_demo_harborview", "Harborview Logistics", "pro-USD-Monthly", "month", 9900, 4, 90),
    ("cb_demo_quillon", "Quillon Health", "enterprise-USD-Yearly", "year", 600000, 1, 50),
]


class SaasChargebeeDemo(models.AbstractModel):
    """A few Chargebee webhook events (Chargebee's own shapes) stored through
    the inbox's one way in and processed by the engine: for each customer its
    creation, its subscription and its first invoice, paid."""

    _name = "saas.chargebee.demo"
    _description = "SaaS Chargebee demo events"

    @api.model
    def _demo_events(self, today):
        events = []
        for customer_id, name, price_id, unit, price, quantity, days_ago in DEMO_CUSTOMERS:
            start = today - timedelta(days=days_ago)
            term_end = start + relativedelta(**{f"{unit}s": 1})
            created, ends = _unix(start), _unix(term_end)
            slug = customer_id.removeprefix("cb_demo_")
            customer = {
                "id": customer_id,
                "object": "customer",
                "company": name,
                "email": f"finance@{slug}.example",
                "created_at": created,
                "resource_version": created * 1000,
            }
            subscription = {
                "id": f"cb_sub_{slug}",
                "object": "subscription",
                "customer_id": customer_id,
                "status": "active",
                "billing_period": 1,
                "billing_period_unit": unit,
                "currency_code": "USD",
                "created_at": created,
                "started_at": created,
                "activated_at": created,
                "current_term_start": created,
                "current_term_end": ends,
                "resource_version": created * 1000 + 1,
                "subscription_items": [
                    {
                        "item_price_id": price_id,
                        "item_type": "plan",
                        "quantity": quantity,
                        "unit_price": price,
                        "amount": price * quantity,
                        "object": "subscription_item",
                    }
                ],
            }
            total = price * quantity
            invoice = {
                "id": f"cb_inv_{slug}_1",
                "object": "invoice",
                "customer_id": customer_id,
                "subscription_id": subscription["id"],
                "status": "paid",
                "date": created,
                "due_date": created,
                "total": total,
                "amount_paid": total,
                "amount_due": 0,
                "currency_code": "USD",
                "resource_version": created * 1000 + 2,
                "line_items": [
                    {
                        "id": f"li_{slug}_1",
                        "date_from": created,
                        "date_to": ends,
                        "unit_amount": price,
                        "quantity": quantity,
                        "amount": total,
                        "description": f"{name}: {price_id}",
                        "entity_type": "plan_item_price",
                        "entity_id": price_id,
                        "object": "line_item",
                    }
                ],
            }
            transaction = {
                "id": f"txn_demo_{slug}_1",
                "object": "transaction",
                "customer_id": customer_id,
                "subscription_id": subscription["id"],
                "type": "payment",
                "status": "success",
                "date": created + 120,
                "amount": total,
                "currency_code": "USD",
                "resource_version": created * 1000 + 3,
                "linked_invoices": [{"invoice_id": invoice["id"], "applied_amount": total}],
            }
            events += [
                _event(f"ev_demo_{slug}_customer", "customer_created", created, customer=customer),
                _event(
                    f"ev_demo_{slug}_subscription",
                    "subscription_created",
                    created + 60,
                    subscription=subscription,
                    customer=customer,
                ),
                _event(
                    f"ev_demo_{slug}_payment",
                    "payment_succeeded",
                    created + 120,
                    transaction=transaction,
                    invoice=invoice,
                    customer=customer,
                ),
            ]
        return events

    @api.model
    def _load_demo(self, system_id):
        system = self.env["saas.system"].browse(system_id)
        today = fields.Date.context_today(self)
        items = [
            (json.dumps(event, sort_keys=True), event, chargebee_header(event))
            for event in self._demo_events(today)
        ]
        self.env["saas.event"]._receive(system, items)
        self.env["saas.event"].sudo().process_pending(system_ids=system.ids)


def _unix(day):
    return int(datetime.combine(day, time(10, 0), tzinfo=timezone.utc).timestamp())


def _event(event_id, event_type, occurred_at, **content):
    return {
        "id": event_id,
        "object": "event",
        "event_type": event_type,
        "api_version": "v2",
        "occurred_at": occurred_at,
        "source": "admin_console",
        "content": content,
    }
