# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models


class SaasSubscriptionDemo(models.AbstractModel):
    """Demo history played through the real engine: customers with upgrades, a
    downgrade, a cancellation, a reactivation, invoices and payments, then three
    events that really fail (needs mapping, dead letter, retry)."""

    _name = "saas.subscription.demo"
    _description = "SaaS subscription demo history"

    @api.model
    def _demo_events(self):
        def customer(n, name, email):
            return (
                "customer.upserted",
                f"2026-01-0{n}T09:00:00Z",
                {"customer_id": f"cus_{n}", "name": name, "email": email, "is_company": True},
            )

        def sub(kind, when, sub_id, cus, plan, qty="1", price="49.00", interval="month", **extra):
            data = {
                "subscription_id": sub_id,
                "customer_id": cus,
                "currency": "USD",
                "items": [
                    {"plan": plan, "quantity": qty, "unit_amount": price, "interval": interval}
                ],
                **extra,
            }
            return (kind, when, data)

        def invoice(when, inv, cus, sub_id, plan, price, start, end):
            return (
                "invoice.issued",
                when,
                {
                    "invoice_id": inv,
                    "customer_id": cus,
                    "subscription_id": sub_id,
                    "currency": "USD",
                    "total": price,
                    "date": when[:10],
                    "lines": [
                        {
                            "plan": plan,
                            "quantity": "1",
                            "unit_amount": price,
                            "period_start": start,
                            "period_end": end,
                        }
                    ],
                },
            )

        def payment(when, pay, cus, inv, amount):
            return (
                "payment.succeeded",
                when,
                {
                    "payment_id": pay,
                    "customer_id": cus,
                    "currency": "USD",
                    "amount": amount,
                    "invoice_ids": [inv],
                    "date": when[:10],
                },
            )

        return [
            customer(1, "Acme Analytics", "billing@acme.example"),
            customer(2, "Globex Cloud", "ap@globex.example"),
            customer(3, "Initech Software", "finance@initech.example"),
            customer(4, "Umbrella Labs", "accounts@umbrella.example"),
            sub("subscription.activated", "2026-01-05T10:00:00Z", "sub_acme", "cus_1", "starter"),
            invoice(
                "2026-01-05T10:01:00Z",
                "in_acme_1",
                "cus_1",
                "sub_acme",
                "starter",
                "49.00",
                "2026-01-05",
                "2026-02-04",
            ),
            payment("2026-01-05T10:02:00Z", "pay_acme_1", "cus_1", "in_acme_1", "49.00"),
            sub(
                "subscription.activated",
                "2026-01-10T10:00:00Z",
                "sub_globex",
                "cus_2",
                "pro",
                price="1188.00",
                interval="year",
            ),
            invoice(
                "2026-01-10T10:01:00Z",
                "in_globex_1",
                "cus_2",
                "sub_globex",
                "pro",
                "1188.00",
                "2026-01-10",
                "2027-01-09",
            ),
            payment("2026-01-10T10:02:00Z", "pay_globex_1", "cus_2", "in_globex_1", "1188.00"),
            sub(
                "subscription.activated",
                "2026-01-12T10:00:00Z",
                "sub_initech",
                "cus_3",
                "starter",
                qty="3",
            ),
            sub(
                "subscription.activated", "2026-01-15T10:00:00Z", "sub_umbrella", "cus_4", "starter"
            ),
            sub(
                "subscription.changed",
                "2026-02-05T10:00:00Z",
                "sub_acme",
                "cus_1",
                "pro",
                price="99.00",
            ),
            invoice(
                "2026-02-05T10:01:00Z",
                "in_acme_2",
                "cus_1",
                "sub_acme",
                "pro",
                "99.00",
                "2026-02-05",
                "2026-03-04",
            ),
            payment("2026-02-06T10:00:00Z", "pay_acme_2", "cus_1", "in_acme_2", "50.00"),
            sub(
                "subscription.changed",
                "2026-03-12T10:00:00Z",
                "sub_initech",
                "cus_3",
                "starter",
                qty="2",
            ),
            (
                "subscription.cancelled",
                "2026-03-15T10:00:00Z",
                {"subscription_id": "sub_umbrella", "customer_id": "cus_4"},
            ),
            sub(
                "subscription.reactivated",
                "2026-05-15T10:00:00Z",
                "sub_umbrella",
                "cus_4",
                "starter",
            ),
        ]

    @api.model
    def _demo_exception_events(self):
        """Events that fail for real once the history is applied, so the
        exception queue has one of each: a plan without a mapping (needs
        mapping), an invoice whose total the lines contradict (dead letter) and
        a payment for an invoice not issued yet (retry)."""
        return [
            (
                "subscription.activated",
                "2026-05-20T10:00:00Z",
                {
                    "subscription_id": "sub_globex_addon",
                    "customer_id": "cus_2",
                    "currency": "USD",
                    "items": [
                        {
                            "plan": "plan_unknown",
                            "quantity": "1",
                            "unit_amount": "49.00",
                            "interval": "month",
                        }
                    ],
                },
            ),
            (
                "invoice.issued",
                "2026-05-21T10:00:00Z",
                {
                    "invoice_id": "in_demo_bad",
                    "customer_id": "cus_1",
                    "currency": "USD",
                    "total": "10.00",
                    "date": "2026-05-21",
                    "lines": [
                        {"description": "Support hours", "quantity": "1", "unit_amount": "12.00"}
                    ],
                },
            ),
            (
                "payment.succeeded",
                "2026-05-22T10:00:00Z",
                {
                    "payment_id": "pay_demo_early",
                    "customer_id": "cus_3",
                    "currency": "USD",
                    "amount": "98.00",
                    "invoice_ids": ["in_initech_1"],
                    "date": "2026-05-22",
                },
            ),
        ]

    @api.model
    def _load_demo_history(self, system_id):
        system = self.env["saas.system"].browse(system_id)
        Event = self.env["saas.event"]
        samples = self._demo_events() + self._demo_exception_events()
        for index, (event_type, occurred_at, data) in enumerate(samples):
            payload = {
                "id": f"evt_demo_sub_{index:02d}",
                "type": event_type,
                "occurred_at": occurred_at,
                "schema_version": 1,
                "livemode": False,
                "data": data,
            }
            Event._receive_canonical(system, payload)
        # Process in order of occurrence, as the lane cron would.
        while Event.sudo().process_pending(system_ids=system.ids, limit=100):
            pass
