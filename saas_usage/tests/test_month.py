# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A month's usage per customer and meter, aggregated in SQL and rated:
Lago's worked examples, with the pure library as the reference."""

from datetime import date, datetime
from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..lib.aggregation import UsageRecord, aggregate
from .common import UsageCommon

JANUARY = date(2023, 1, 1)


@tagged("post_install", "-at_install")
class TestMonthUsage(UsageCommon, TransactionCase):
    def month(self, meter, month=JANUARY, company=None):
        lines = self.Meter._month_usage(company or self.company, month)
        return {
            line["partner_id"]: (line["quantity"], line["amount"])
            for line in lines
            if line["meter_id"] == meter.id
        }

    def pageviews(self, aggregation, values, **meter_values):
        """Lago docs, "Aggregations": events of ``pageviews`` from one user,
        on Jan 16 and Jan 17."""
        meter = self.Meter.create(
            {
                "code": f"pageviews_{aggregation}",
                "name": "Page views",
                "aggregation": aggregation,
                "unique_key": "user",
                **meter_values,
            }
        )
        days = (datetime(2023, 1, 16, 10), datetime(2023, 1, 17, 10))
        for day, value in zip(days, values, strict=True):
            self.make_record(
                f"{aggregation}_{day.day}_{value}",
                value=value,
                timestamp=day,
                meter_id=meter.id,
                properties={"user": "u_1"},
            )
        reference = aggregate(
            aggregation,
            [
                UsageRecord(day, Decimal(value), {"user": "u_1"})
                for day, value in zip(days, values, strict=True)
            ],
            unique_key="user",
        )
        return meter, reference

    def test_lago_docs_aggregation_examples(self):
        for aggregation, expected in (
            ("count", 2),
            ("sum", 30),
            ("max", 20),
            ("unique_count", 1),
            ("last", 20),
        ):
            with self.subTest(aggregation=aggregation):
                meter, reference = self.pageviews(aggregation, (10, 20))
                quantity, amount = self.month(meter)[self.partner.id]
                self.assertEqual(quantity, Decimal(expected))
                self.assertEqual(quantity, reference)
                self.assertIsNone(amount)

    def test_lago_docs_last_value_when_values_come_20_then_10(self):
        meter, reference = self.pageviews("last", (20, 10))
        self.assertEqual(self.month(meter)[self.partner.id][0], Decimal(10))
        self.assertEqual(reference, Decimal(10))

    def test_lago_docs_graduated_example_rates_the_month(self):
        # Lago docs, "Graduated pricing": 1.00 for the first 100 calls, 0.50
        # for the next 100, 0.10 after: 250 calls cost 155.00.
        self.meter.write(
            {
                "price_model": "graduated",
                "currency_id": self.company.currency_id.id,
                "tier_ids": [
                    (0, 0, {"up_to": 100, "unit_amount": 1.0}),
                    (0, 0, {"up_to": 200, "unit_amount": 0.5}),
                    (0, 0, {"up_to_infinite": True, "unit_amount": 0.1}),
                ],
            }
        )
        self.make_record("jan_1", value=200, timestamp=datetime(2023, 1, 3))
        self.make_record("jan_2", value=50, timestamp=datetime(2023, 1, 31, 23, 59, 59))
        # Neither another month, nor a cancelled record, nor another company counts.
        self.make_record("feb_1", value=1000, timestamp=datetime(2023, 2, 1))
        self.make_record(
            "jan_cancelled", value=1000, timestamp=datetime(2023, 1, 5)
        ).action_cancel()
        self.assertEqual(
            self.month(self.meter), {self.partner.id: (Decimal(250), Decimal("155.00"))}
        )
        self.assertEqual(
            self.month(self.meter, date(2023, 2, 15)),
            {self.partner.id: (Decimal(1000), Decimal("230.00"))},
        )
        other = self.env["res.company"].create({"name": "Usage other company"})
        self.assertFalse(self.Meter._month_usage(other, JANUARY))

    def test_lago_docs_per_unit_example(self):
        # Lago docs, revenue recognition: 200 calls at 0.05 on Jan 3 are 10.00.
        self.meter.write({"price_model": "per_unit", "unit_amount": 0.05})
        self.make_record("jan_3", value=200, timestamp=datetime(2023, 1, 3))
        self.assertEqual(self.month(self.meter)[self.partner.id], (Decimal(200), Decimal("10.00")))

    def test_unique_count_tells_json_kinds_apart(self):
        """Before: the SQL compared the properties' text, so the number 1 and
        the string "1" were one user (the pure reference counts two)."""
        meter = self.Meter.create(
            {
                "code": "users_kinds",
                "name": "Active users",
                "aggregation": "unique_count",
                "unique_key": "user",
            }
        )
        values = (1, 1.0, "1", True, {"a": 1, "b": 2}, {"b": 2, "a": 1}, None)
        for index, value in enumerate(values):
            self.make_record(
                f"kinds_{index}",
                timestamp=datetime(2023, 1, 16, 10),
                meter_id=meter.id,
                properties={"user": value},
            )
        quantity, _amount = self.month(meter)[self.partner.id]
        self.assertEqual(quantity, Decimal(4))

    def test_a_wrong_price_says_so(self):
        self.meter.write({"price_model": "volume"})
        self.make_record("jan_w", value=1, timestamp=datetime(2023, 1, 3))
        with self.assertRaisesRegex(UserError, "at least one tier"):
            self.month(self.meter)
