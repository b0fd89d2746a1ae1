# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoices posted before the deferred revenue account was set: the *Defer past
invoices* wizard gives them their schedules and moves the revenue not yet
earned from income to deferred revenue, once."""

from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RevenueCommon


@tagged("post_install", "-at_install")
class TestDeferPast(RevenueCommon):
    def setUp(self):
        super().setUp()
        self.company.saas_revenue_deferred_account_id = False
        self.subscription = self.env["saas.subscription"].create(
            {
                "name": "sub_past",
                "partner_id": self.partner_a.id,
                "system_id": self.system.id,
                "company_id": self.company.id,
                "currency_id": self.currency.id,
            }
        )
        # 1,200.00 for 2023, posted in January with no deferred account: all in income.
        self.invoice = self.make_invoice(
            1200.0,
            date(2023, 1, 1),
            date(2023, 12, 31),
            invoice_date=date(2023, 1, 10),
            saas_subscription_id=self.subscription.id,
        )
        self.assertFalse(self.invoice.saas_revenue_schedule_ids)
        self.assertEqual(self.invoice.invoice_line_ids.account_id, self.income_account)
        self.company.saas_revenue_deferred_account_id = self.deferred_account

    def defer(self, day):
        wizard = self.env["saas.revenue.defer.past"].create({"date": day})
        return wizard.action_defer()

    def test_defer_moves_the_unearned_part_once(self):
        # Before: the ledger has nothing deferred, yet the invoice spans the year.
        action = self.defer(date(2023, 3, 31))
        entry = self.env["account.move"].browse(action["res_id"])
        self.assertEqual((entry.state, entry.date), ("posted", date(2023, 3, 31)))
        income = entry.line_ids.filtered(lambda line: line.account_id == self.income_account)
        deferred = entry.line_ids.filtered(lambda line: line.account_id == self.deferred_account)
        self.assertEqual((income.debit, deferred.credit), (900.0, 900.0))
        schedule = self.invoice.saas_revenue_schedule_ids
        self.assertEqual(len(schedule), 1)
        self.assertEqual(schedule.amount, 900.0)
        self.assertEqual(
            schedule.line_ids.mapped("date"),
            [date(2023, m + 1, 1) - date.resolution for m in range(4, 12)] + [date(2023, 12, 31)],
        )
        self.assertEqual(schedule.line_ids.mapped("amount"), [100.0] * 9)
        self.assertEqual(set(schedule.line_ids.mapped("origin_date")), {date(2023, 3, 31)})
        self.assertTiesOut()
        self.assertEqual(self.tieout_at(date(2023, 3, 30))["unrecognized"], 0.0)
        self.assertEqual(self.tieout_at(date(2023, 3, 31))["unrecognized"], 900.0)
        # April's batch recognizes April from the new schedule.
        self.run_batch(date(2023, 4, 30))
        self.assertEqual(self.tieout_at(date(2023, 4, 30))["unrecognized"], 800.0)
        self.assertTiesOut()
        # A second run finds nothing to do and changes nothing.
        moves = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "nothing was changed"):
            self.defer(date(2023, 3, 31))
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(self.invoice.saas_revenue_schedule_ids, schedule)

    def test_defer_into_a_locked_period_goes_to_the_first_open_date(self):
        self.company.sudo().fiscalyear_lock_date = date(2023, 4, 15)
        action = self.defer(date(2023, 3, 31))
        entry = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(entry.date, date(2023, 4, 16))
        self.assertIn("locked until", entry.ref)
        self.assertEqual(sum(entry.line_ids.mapped("credit")), 900.0)
        schedule = self.invoice.saas_revenue_schedule_ids
        self.assertEqual(set(schedule.line_ids.mapped("origin_date")), {date(2023, 4, 16)})
        self.assertTiesOut()
        self.assertEqual(self.tieout_at(date(2023, 4, 16))["unrecognized"], 900.0)
