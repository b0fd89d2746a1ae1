# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..lib.inbox import stripe_header

# (customer id, company name, price id, unit amount in cents, quantity, days ago)
DEMO_CUSTOMERS = [
    ("cus_demo_northwind", "Northwind Robotics", "price_demo_team_monthly", 19900, 2, 75),
    ("cus_demo_bluebird", "Bluebird Media", "price_demo_starter_monthly", 4900, 3, 40),
]


class SaasStripeDemo(models.AbstractModel):
    """A few Stripe webhook events (Stripe's own shapes) stored through the
    inbox's one way in and processed by the engine: for each customer its
    creation, its subscription and its first invoice, paid."""

    _name = "saas.stripe.demo"
    _description = "SaaS Stripe demo events"

    @api.model
    def _demo_events(self, today):
        events = []
        for customer_id, name, price_id, amount, quantity, days_ago in DEMO_CUSTOMERS:
            start = today - timedelta(days=days_ago)
            end = start + relativedelta(months=1)
            created, period_end = _unix(start), _unix(end)
            slug = customer_id.removeprefix("cus_demo_")
            price = {
                "id": price_id,
                "object": "plan",
                "amount": amount,
                "currency": "usd",
                "interval": "month",
                "interval_count": 1,
            }
            events.append(
                _event(
                    f"evt_demo_{slug}_customer",
                    "customer.created",
                    created,
                    {
                        "id": customer_id,
                        "object": "customer",
                        "name": name,
                        "email": f"billing@{slug}.example",
                        "created": created,
                    },
                )
            )
            events.append(
                _event(
                    f"evt_demo_{slug}_subscription",
                    "customer.subscription.created",
                    created + 60,
                    {
                        "id": f"sub_demo_{slug}",
                        "object": "subscription",
                        "customer": customer_id,
                        "status": "active",
                        "created": created,
                        "start_date": created,
                        "current_period_start": created,
                        "current_period_end": period_end,
                        "plan": price,
                        "items": {
                            "data": [{"id": f"si_demo_{slug}", "quantity": quantity, "plan": price}]
                        },
                    },
                )
            )
            total = amount * quantity
            events.append(
                _event(
                    f"evt_demo_{slug}_invoice",
                    "invoice.payment_succeeded",
                    created + 120,
                    {
                        "id": f"in_demo_{slug}_1",
                        "object": "invoice",
                        "customer": customer_id,
                        "subscription": f"sub_demo_{slug}",
                        "charge": f"ch_demo_{slug}_1",
                        "currency": "usd",
                        "status": "paid",
                        "total": total,
                        "amount_paid": total,
                        "amount_due": total,
                        "created": created,
                        "lines": {
                            "data": [
                                {
                                    "id": f"ii_demo_{slug}_1",
                                    "amount": total,
                                    "quantity": quantity,
                                    "description": f"{quantity} x {price_id}",
                                    "plan": {"id": price_id, "amount": amount},
                                    "period": {"start": created, "end": period_end},
                                }
                            ]
                        },
                    },
                )
            )
        return events

    @api.model
    def _load_demo(self, system_id):
        system = self.env["saas.system"].browse(system_id)
        today = fields.Date.context_today(self)
        items = [
            (json.dumps(event, sort_keys=True), event, stripe_header(event))
            for event in self._demo_events(today)
        ]
        self.env["saas.event"]._receive(system, items)
        self.env["saas.event"].sudo().process_pending(system_ids=system.ids)


def _unix(day):
    return int(datetime.combine(day, time(10, 0), tzinfo=timezone.utc).timestamp())


def _event(event_id, event_type, created, obj):
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "api_version": "2017-08-15",
        "created": created,
        "livemode": False,
        "data": {"object": obj},
    }
