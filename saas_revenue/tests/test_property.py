# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Property test: after any sequence of invoices, batches, credit notes, voids
and cancellations, in currencies with 0, 2 and 3 decimals, every schedule sums
exactly, no line has the wrong sign, and the deferred revenue account equals
what the schedules still hold."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.tests import tagged

from .common import RevenueCommon

STEP = st.one_of(
    st.tuples(
        st.just("invoice"),
        st.integers(min_value=1, max_value=2_000_000),  # minor units
        st.sampled_from(["USD", "JPY", "KWD"]),
        st.integers(min_value=0, max_value=700),  # start offset (days)
        st.integers(min_value=0, max_value=500),  # length (days)
        st.sampled_from(["day", "month", "full_month"]),
    ),
    st.tuples(st.just("batch"), st.integers(min_value=0, max_value=40)),
    st.tuples(st.just("credit"), st.integers(min_value=0, max_value=50), st.integers(1, 100)),
    st.tuples(st.just("void"), st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=50), st.booleans()),
)
BASE = date(2024, 1, 1)


@tagged("post_install", "-at_install")
class TestRevenueProperty(RevenueCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currencies = {
            "USD": cls.company.currency_id,
            "JPY": cls.setup_other_currency("JPY", rates=[("2020-01-01", 150.0)]),
            "KWD": cls.setup_other_currency("KWD", rates=[("2020-01-01", 0.3)], rounding=0.001),
        }
        cls.partner = cls.partner_a
        cls.env["res.partner"].create({"name": "Subscriber"})

    def _invoice(self, minor, code, offset, length, method):
        currency = self.currencies[code]
        amount = float(Decimal(minor).scaleb(-currency.decimal_places))
        start = BASE + timedelta(days=offset)
        self.product_pro.saas_revenue_method = method
        sub = self.env["saas.subscription"].create(
            {
                "name": f"sub_{len(self.invoices)}",
                "partner_id": self.partner.id,
                "system_id": self.system.id,
                "company_id": self.company.id,
                "currency_id": currency.id,
            }
        )
        move = self.make_invoice(
            amount,
            start,
            start + timedelta(days=length),
            invoice_date=start,
            currency=currency,
            saas_subscription_id=sub.id,
        )
        self.invoices.append(move)

    def _pick(self, index):
        live = [m for m in self.invoices if m.payment_state != "reversed"]
        return live[index % len(live)] if live else None

    def _credit(self, index, percent):
        invoice = self._pick(index)
        schedule = invoice and invoice.saas_revenue_schedule_ids
        if not schedule or schedule.state == "cancelled":
            return
        currency = invoice.currency_id
        left = Decimal(
            str(
                sum(
                    schedule.line_ids.filtered(lambda line: line.state != "cancelled").mapped(
                        "amount"
                    )
                )
            )
        )
        amount = (left * percent / 100).quantize(Decimal(1).scaleb(-currency.decimal_places))
        if amount <= 0:
            return
        day = max(invoice.date, self.today)
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "currency_id": currency.id,
                "invoice_date": day,
                "reversed_entry_id": invoice.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_pro.id,
                            "price_unit": float(amount),
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        refund.action_post()

    def _apply(self, step):
        kind = step[0]
        if kind == "invoice":
            self._invoice(*step[1:])
        elif kind == "batch":
            self.today = max(self.today, BASE + timedelta(days=31 * step[1]))
            batch = self.Batch._build(self.company, self.today)
            if batch:
                batch._approve()
                batch._post_batch()
                self.assertEqual(batch.state, "posted", batch.error)
                self.assertTrue(
                    self.company.currency_id.is_zero(sum(batch.move_ids.line_ids.mapped("balance")))
                )
        elif kind == "credit":
            self._credit(step[1], step[2])
        elif kind == "void":
            invoice = self._pick(step[1])
            if invoice and invoice.payment_state == "not_paid":
                invoice._reverse_moves(
                    [{"invoice_date": max(invoice.date, self.today)}], cancel=True
                )
        elif kind == "cancel":
            invoice = self._pick(step[1])
            if invoice and invoice.saas_subscription_id.state != "cancelled":
                self.company.saas_revenue_cancel_policy = "recognize" if step[2] else "stop"
                invoice.saas_subscription_id.write(
                    {"state": "cancelled", "ended_at": max(invoice.date, self.today)}
                )

    def _check_schedules(self):
        for schedule in self.env["saas.revenue.schedule"].search([]):
            digits = schedule.currency_id.decimal_places
            sign = 1 if schedule.amount > 0 else -1
            planned = schedule.line_ids.filtered(lambda line: line.kind == "recognition")
            # The planned months never change: they sum exactly to the schedule,
            # credited or not, and none has the wrong sign.
            total = sum(Decimal(str(a)) for a in planned.mapped("amount"))
            self.assertEqual(
                total.quantize(Decimal(1).scaleb(-digits)),
                Decimal(str(schedule.amount)).quantize(Decimal(1).scaleb(-digits)),
            )
            for line in planned:
                self.assertGreaterEqual(line.amount * sign, 0, "no line has the wrong sign")
                self.assertGreaterEqual(line.amount_company * sign, 0)
            # A month with its credit adjustments never goes below zero.
            months = schedule.line_ids.filtered(lambda line: line.kind != "reversal").grouped(
                lambda line: (line.date, line.state)
            )
            for lines in months.values():
                self.assertGreaterEqual(round(sum(lines.mapped("amount")) * sign, 6), 0)
                self.assertGreaterEqual(round(sum(lines.mapped("amount_company")) * sign, 6), 0)

    def _check_past_dates(self, offsets):
        """The tie-out at every date the deferred account moved (and the day
        before), and at random dates: the ledger as of that date equals what the
        schedules held then, credit notes, voids and cancellations included."""
        moved = self.env["account.move.line"].search(
            [("account_id", "=", self.deferred_account.id), ("parent_state", "=", "posted")]
        )
        days = {BASE + timedelta(days=offset) for offset in offsets}
        for day in set(moved.mapped("date")):
            days |= {day, day - timedelta(days=1)}
        for day in sorted(days):
            self.tieout_at(day)

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        st.lists(STEP, min_size=1, max_size=10),
        st.lists(st.integers(min_value=0, max_value=1500), max_size=4),
    )
    def test_property_deferred_account_equals_unrecognized(self, steps, offsets):
        with self.env.cr.savepoint() as savepoint:
            self.invoices, self.today = [], BASE
            for step in steps:
                self._apply(step)
                self.assertTiesOut()
            self._check_schedules()
            self._check_past_dates(offsets)
            savepoint.rollback()
            self.env.invalidate_all()
