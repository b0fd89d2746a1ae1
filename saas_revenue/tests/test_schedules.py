# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RevenueCommon


@tagged("post_install", "-at_install")
class TestSchedules(RevenueCommon):
    def test_odoo_documentation_day_example(self):
        """Odoo documentation, deferred revenues: 1,200.00 over 2023 by day
        recognizes 101.92 in January and 92.05 in February."""
        self.company.saas_revenue_method = "day"
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        line = invoice.invoice_line_ids
        self.assertEqual(line.account_id, self.deferred_account)
        self.assertEqual(line.saas_revenue_income_account_id, self.income_account)
        schedule = invoice.saas_revenue_schedule_ids
        self.assertEqual(len(schedule), 1)
        self.assertEqual(
            (schedule.income_account_id, schedule.method, schedule.journal_id),
            (self.income_account, "day", self.revenue_journal),
        )
        self.assertEqual(len(schedule.line_ids), 12)
        self.assertEqual(schedule.line_ids[0].date, date(2023, 1, 31))
        self.assertEqual(schedule.line_ids[0].amount, 101.92)
        self.assertEqual(schedule.line_ids[1].amount, 92.05)
        self.assertAlmostEqual(sum(schedule.line_ids.mapped("amount")), 1200.0, places=6)
        self.assertTiesOut()
        self.run_batch(date(2023, 2, 28))
        self.assertEqual(schedule.amount_recognized, 193.97)
        self.assertTiesOut()

    def test_odoo_documentation_month_example(self):
        """Odoo documentation, deferred revenues: with Months, 800.00 of 1,200.00
        over 2023 is recognized by the end of August and 400.00 remains."""
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        schedule = invoice.saas_revenue_schedule_ids
        self.assertEqual(schedule.line_ids.mapped("amount"), [100.0] * 12)
        for month in range(1, 9):
            self.run_batch(date(2023, month, 1))
        self.assertEqual((schedule.amount_recognized, schedule.amount_remaining), (800.0, 400.0))
        self.assertEqual(self.deferred_balance(), 400.0)
        income = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.income_account.id),
                ("move_id.saas_revenue_batch_id", "!=", False),
            ]
        )
        self.assertEqual(-sum(income.mapped("balance")), 800.0)
        self.assertTiesOut()

    def test_odoo_documentation_grouped_example(self):
        """Odoo documentation, deferred revenues (grouped, Months): invoices A
        1,200.00 and B 600.00 over 2023, C 600.00 not started yet: 2,250.00 stays
        deferred after January and 2,100.00 after February."""
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.make_invoice(600.0, date(2023, 1, 1), date(2023, 12, 31))
        self.make_invoice(600.0, date(2023, 3, 1), date(2024, 2, 29), invoice_date=date(2023, 1, 1))
        january = self.run_batch(date(2023, 1, 31))
        self.assertEqual(self.deferred_balance(date(2023, 1, 31)), 2250.0)
        # One grouped entry for three invoices: one income line, one deferred line.
        self.assertEqual(len(january.move_ids), 1)
        self.assertEqual(len(january.move_ids.line_ids), 2)
        self.run_batch(date(2023, 2, 28))
        self.assertEqual(self.deferred_balance(date(2023, 2, 28)), 2100.0)
        self.assertTiesOut()

    def test_lines_without_period_or_inside_the_month_are_recognized_at_once(self):
        inside = self.make_invoice(100.0, date(2023, 1, 1), date(2023, 1, 31))
        self.assertEqual(inside.invoice_line_ids.account_id, self.income_account)
        self.assertFalse(inside.saas_revenue_schedule_ids)
        none = self.make_invoice(100.0, False, False, invoice_date=date(2023, 1, 1))
        self.assertEqual(none.invoice_line_ids.account_id, self.income_account)
        self.assertFalse(none.saas_revenue_schedule_ids)
        arrears = self.make_invoice(
            100.0, date(2022, 12, 1), date(2022, 12, 31), invoice_date=date(2023, 1, 5)
        )
        self.assertFalse(arrears.saas_revenue_schedule_ids)

    def test_without_deferred_account_nothing_is_deferred(self):
        self.company.saas_revenue_deferred_account_id = False
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.assertEqual(invoice.invoice_line_ids.account_id, self.income_account)
        self.assertFalse(invoice.saas_revenue_schedule_ids)

    def test_product_and_category_overrides(self):
        category_account = self.deferred_account.copy({"code": "DEFCAT"})
        self.product_starter.categ_id = self.env["product.category"].create(
            {"name": "Annual plans", "saas_revenue_deferred_account_id": category_account.id}
        )
        self.product_starter.saas_revenue_method = "full_month"
        invoice = self.make_invoice(
            1200.0, date(2023, 1, 15), date(2024, 1, 14), product=self.product_starter
        )
        schedule = invoice.saas_revenue_schedule_ids
        self.assertEqual(schedule.deferred_account_id, category_account)
        self.assertEqual(invoice.invoice_line_ids.account_id, category_account)
        self.assertEqual(schedule.method, "full_month")
        self.assertEqual(schedule.line_ids.mapped("amount"), [100.0] * 12)
        self.assertEqual(schedule.line_ids[-1].date, date(2023, 12, 31))

    def test_foreign_currency_in_both_currencies(self):
        eur = self.setup_other_currency("EUR", rates=[("2023-01-01", 2.0)])
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31), currency=eur)
        schedule = invoice.saas_revenue_schedule_ids
        self.assertEqual((schedule.amount, schedule.amount_company), (1200.0, 600.0))
        self.assertEqual(schedule.line_ids.mapped("amount"), [100.0] * 12)
        self.assertEqual(schedule.line_ids.mapped("amount_company"), [50.0] * 12)
        batch = self.run_batch(date(2023, 1, 31))
        deferred = batch.move_ids.line_ids.filtered(
            lambda line: line.account_id == self.deferred_account
        )
        self.assertEqual(
            (deferred.currency_id, deferred.amount_currency, deferred.balance), (eur, 100.0, 50.0)
        )
        self.assertTiesOut()

    def test_draft_again_before_recognition_only(self):
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        invoice.button_draft()
        self.assertFalse(invoice.saas_revenue_schedule_ids)
        self.assertEqual(invoice.invoice_line_ids.account_id, self.income_account)
        invoice.action_post()
        self.assertEqual(len(invoice.saas_revenue_schedule_ids), 1)
        self.run_batch(date(2023, 1, 31))
        with self.assertRaisesRegex(UserError, "already recognized"):
            invoice.button_draft()

    def test_invoice_with_two_periods_gets_two_schedules(self):
        """An upgrade's proration line and the new period on one invoice: each
        line with a period beyond the month has its own schedule."""
        invoice = self.make_invoice(
            1200.0,
            date(2023, 1, 1),
            date(2023, 12, 31),
            post=False,
        )
        invoice.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_starter.id,
                            "price_unit": 55.0,
                            "tax_ids": [Command.clear()],
                            "saas_period_start": date(2023, 1, 15),
                            "saas_period_end": date(2023, 3, 14),
                        }
                    )
                ]
            }
        )
        invoice.action_post()
        self.assertEqual(len(invoice.saas_revenue_schedule_ids), 2)
        self.assertEqual(sorted(invoice.saas_revenue_schedule_ids.mapped("amount")), [55.0, 1200.0])
        self.assertTiesOut()
