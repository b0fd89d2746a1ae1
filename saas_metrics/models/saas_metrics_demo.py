# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..lib.metrics import add_months, month_start

CUSTOMERS = 240
MONTHS = 18
# (plan key, unit price, interval, interval count)
PLANS = [
    ("starter", "49.00", "month", 1),
    ("pro", "99.00", "month", 1),
    ("pro", "270.00", "month", 3),
    ("pro", "990.00", "year", 1),
    ("starter", "490.00", "year", 1),
    ("team", "199.00", "month", 1),
    ("enterprise", "6000.00", "year", 1),
]
NAMES = [
    "Acorn",
    "Birch",
    "Cobalt",
    "Delta",
    "Ember",
    "Fjord",
    "Garnet",
    "Harbor",
    "Indigo",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Maple",
    "Nimbus",
    "Onyx",
    "Pioneer",
    "Quartz",
    "Riverstone",
    "Summit",
    "Tundra",
    "Umber",
    "Vertex",
    "Willow",
    "Xenon",
    "Yonder",
    "Zephyr",
]
SUFFIXES = [
    "Analytics",
    "Labs",
    "Cloud",
    "Systems",
    "Software",
    "Studio",
    "Data",
    "Health",
    "Logistics",
    "Robotics",
    "Media",
    "Security",
]


class SaasMetricsDemo(models.AbstractModel):
    """About 18 months of a few hundred customers, sent through the inbox and
    processed by the engine like any other events: several plans (monthly,
    quarterly, annual), USD and EUR, upgrades, downgrades, churn and returns,
    invoices, payments, failed payments, credit notes and refunds."""

    _name = "saas.metrics.demo"
    _description = "SaaS metrics demo history"

    @api.model
    def _demo_events(self, today, customers=CUSTOMERS, months=MONTHS, seed=2026):
        rng = random.Random(seed)
        first = add_months(month_start(today), -(months - 1))
        events = []

        def at(day, hour=10):
            return f"{day.isoformat()}T{hour:02d}:{rng.randint(0, 59):02d}:00Z"

        def items(plan, quantity):
            key, price, interval, count = plan
            return [
                {
                    "plan": key,
                    "quantity": str(quantity),
                    "unit_amount": price,
                    "interval": interval,
                    "interval_count": count,
                }
            ]

        # company names, each once (a name + a trade: more pairs than customers)
        names = rng.sample([f"{word} {trade}" for word in NAMES for trade in SUFFIXES], customers)
        # every customer started before today: no burst of activations dated
        # on the day the demo is installed
        last_start = today - timedelta(days=1)
        for n in range(1, customers + 1):
            cus = f"cus_met_{n:03d}"
            sub = f"sub_met_{n:03d}"
            currency = "EUR" if rng.random() < 0.2 else "USD"
            name = names[n - 1]
            # more customers start in the later months: a growing business
            start_month = add_months(first, min(months - 1, int(months * rng.random() ** 0.8)))
            start_month = min(start_month, month_start(last_start))
            start = start_month + timedelta(
                days=rng.randint(0, min(27, (last_start - start_month).days))
            )
            events.append(
                (
                    "customer.upserted",
                    at(start, 8),
                    {
                        "customer_id": cus,
                        "name": name,
                        "email": f"billing@{name.lower().replace(' ', '-')}.example",
                        "is_company": True,
                    },
                )
            )
            plan = rng.choice(PLANS)
            quantity = rng.randint(1, 5) if plan[2] == "month" and plan[3] == 1 else 1
            events.append(
                (
                    "subscription.activated",
                    at(start),
                    {
                        "subscription_id": sub,
                        "customer_id": cus,
                        "currency": currency,
                        "start_date": start.isoformat(),
                        "items": items(plan, quantity),
                    },
                )
            )
            # what happens to the customer month after month
            active = True
            changes = [(start, True, plan, quantity)]
            month = add_months(start_month, 1)
            while month <= month_start(today):
                day = month + timedelta(days=rng.randint(0, 27))
                if day > today:
                    break
                roll = rng.random()
                if active and roll < 0.03:
                    events.append(
                        (
                            "subscription.cancelled",
                            at(day, 15),
                            {
                                "subscription_id": sub,
                                "customer_id": cus,
                                "ended_at": day.isoformat(),
                            },
                        )
                    )
                    active = False
                elif active and roll < 0.07:
                    quantity += 1
                    if rng.random() < 0.3 and plan[0] == "starter" and plan[2] == "month":
                        plan = PLANS[1]
                    events.append(
                        self._demo_change(sub, cus, currency, items(plan, quantity), at(day, 14))
                    )
                elif active and roll < 0.09 and quantity > 1:
                    quantity -= 1
                    events.append(
                        self._demo_change(sub, cus, currency, items(plan, quantity), at(day, 14))
                    )
                elif not active and roll < 0.15:
                    events.append(
                        (
                            "subscription.reactivated",
                            at(day, 16),
                            {
                                "subscription_id": sub,
                                "customer_id": cus,
                                "currency": currency,
                                "items": items(plan, quantity),
                            },
                        )
                    )
                    active = True
                changes.append((day, active, plan, quantity))
                month = add_months(month, 1)
            # billing: an invoice per period started while active, for the whole
            # history (the invoices of each month back its MRR)
            step = relativedelta(months=plan[3]) if plan[2] == "month" else relativedelta(years=1)
            billing, period_start, invoice_no = start, start, 0
            unpaid = []  # failed invoices the next payment settles
            while billing <= today:
                _day, billed_active, billed_plan, billed_quantity = [
                    change for change in changes if change[0] <= billing
                ][-1]
                if billed_active:
                    period_start = billing
                    invoice_no += 1
                    credit = n % 20 == 0 and invoice_no == 1
                    events += self._demo_billing(
                        rng,
                        (2 if n % 40 == 0 else 1) if credit else 0,
                        cus,
                        sub,
                        currency,
                        billed_plan,
                        billed_quantity,
                        billing,
                        billing + step - timedelta(days=1),
                        invoice_no,
                        today,
                        unpaid,
                    )
                billing += step
            if active:
                # the current period, for the renewals of the cash forecast
                current_end = period_start + step - timedelta(days=1)
                events.append(
                    (
                        "subscription.renewed",
                        at(min(period_start, today), 18),
                        {
                            "subscription_id": sub,
                            "customer_id": cus,
                            "period_start": period_start.isoformat(),
                            "period_end": current_end.isoformat(),
                        },
                    )
                )
        events.sort(key=lambda event: event[1])
        return events

    @api.model
    def _demo_change(self, sub, cus, currency, new_items, when):
        data = {
            "subscription_id": sub,
            "customer_id": cus,
            "currency": currency,
            "items": new_items,
        }
        return ("subscription.changed", when, data)

    @api.model
    def _demo_billing(
        self,
        rng,
        credit,
        cus,
        sub,
        currency,
        plan,
        quantity,
        day,
        period_end,
        number,
        today,
        unpaid=None,
    ):
        """An invoice at ``day`` and what happened to it: paid (most), paid late,
        failed and open until the subscription's next payment settles it with
        its own invoice (``unpaid``: the failed invoices of the subscription not
        yet paid, as ``(invoice id, total)``); with ``credit`` 1, paid at once
        then credited; with 2, also refunded."""
        unpaid = [] if unpaid is None else unpaid
        key, price, _interval, _count = plan
        total = (Decimal(price) * quantity).quantize(Decimal("0.01"))
        inv = f"in_{sub}_{number}"
        due = day + timedelta(days=14)
        events = [
            (
                "invoice.issued",
                f"{day.isoformat()}T11:00:00Z",
                {
                    "invoice_id": inv,
                    "customer_id": cus,
                    "subscription_id": sub,
                    "currency": currency,
                    "total": str(total),
                    "date": day.isoformat(),
                    "due_date": due.isoformat(),
                    "lines": [
                        {
                            "plan": key,
                            "quantity": str(quantity),
                            "unit_amount": price,
                            "period_start": day.isoformat(),
                            "period_end": period_end.isoformat(),
                        }
                    ],
                },
            )
        ]
        roll = rng.random()
        paid_on = day + timedelta(days=rng.choice([0, 1, 3, 10, 16, 21, 30]))
        if credit:
            roll, paid_on = 1.0, day
        if roll < 0.07:
            failed_on = min(day + timedelta(days=1), today)
            events.append(
                (
                    "payment.failed",
                    f"{failed_on.isoformat()}T12:00:00Z",
                    {
                        "payment_id": f"pay_{inv}_failed",
                        "customer_id": cus,
                        "invoice_id": inv,
                        "subscription_id": sub,
                        "currency": currency,
                        "amount": str(total),
                        "failure_message": "Your card was declined.",
                    },
                )
            )
            unpaid.append((inv, total))
        elif paid_on <= today:
            settled = [*unpaid, (inv, total)]
            unpaid.clear()
            events.append(
                (
                    "payment.succeeded",
                    f"{paid_on.isoformat()}T13:00:00Z",
                    {
                        "payment_id": f"pay_{inv}",
                        "customer_id": cus,
                        "currency": currency,
                        "amount": str(sum((amount for _inv, amount in settled), Decimal(0))),
                        "invoice_ids": [key for key, _amount in settled],
                        "date": paid_on.isoformat(),
                    },
                )
            )
            credited_on = min(paid_on + timedelta(days=2), today)
            if credit:
                events.append(
                    (
                        "credit_note.issued",
                        f"{credited_on.isoformat()}T14:00:00Z",
                        {
                            "credit_note_id": f"cn_{inv}",
                            "invoice_id": inv,
                            "customer_id": cus,
                            "currency": currency,
                            "total": str(total),
                            "date": credited_on.isoformat(),
                        },
                    )
                )
                if credit == 2:
                    events.append(
                        (
                            "refund.issued",
                            f"{credited_on.isoformat()}T15:00:00Z",
                            {
                                "refund_id": f"re_{inv}",
                                "payment_id": f"pay_{inv}",
                                "credit_note_id": f"cn_{inv}",
                                "currency": currency,
                                "amount": str(total),
                                "date": credited_on.isoformat(),
                            },
                        )
                    )
        return events

    @api.model
    def _demo_rates(self, today, months=MONTHS + 1):
        """Activate EUR with a month-start rate for each demo month (the rates move)."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        company = self.env.company
        rates = self.env["res.currency.rate"]
        first = add_months(month_start(today), -(months - 1))
        for index in range(months):
            day = add_months(first, index)
            if rates.search_count(
                [("currency_id", "=", eur.id), ("name", "=", day), ("company_id", "=", company.id)]
            ):
                continue
            # USD per EUR between 1.05 and 1.13; the rate is EUR per USD
            usd_per_eur = Decimal("1.05") + Decimal(index % 9) / Decimal(100)
            rates.create(
                {
                    "currency_id": eur.id,
                    "name": day,
                    "company_id": company.id,
                    "rate": float((1 / usd_per_eur).quantize(Decimal("0.000001"))),
                }
            )

    @api.model
    def _load_demo_history(self, system_id):
        system = self.env["saas.system"].browse(system_id)
        today = fields.Date.context_today(self)
        self._demo_rates(today)
        Event = self.env["saas.event"]
        payloads = [
            {
                "id": f"evt_demo_met_{index:05d}",
                "type": event_type,
                "occurred_at": occurred_at,
                "schema_version": 1,
                "livemode": False,
                "data": data,
            }
            for index, (event_type, occurred_at, data) in enumerate(self._demo_events(today))
        ]
        # Through the inbox's one way in, a request-sized list at a time,
        # processed as it goes (the back-pressure limit holds).
        for start in range(0, len(payloads), 100):
            Event._receive_canonical(system, payloads[start : start + 100])
            if start % 1000 == 900:
                while Event.sudo().process_pending(system_ids=system.ids, limit=500):
                    pass
        while Event.sudo().process_pending(system_ids=system.ids, limit=500):
            pass
        self.env["saas.mrr.movement"]._cron_post_fx_movements()
        self.env["saas.mrr.snapshot"]._refresh_snapshot()
        # as the financial lane would at its next run: the forecast opens filled
        self.env["saas.cash.forecast.line"]._cron_rebuild_forecast()
