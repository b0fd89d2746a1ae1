# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import format_amount

from .common import RevenueCommon


@tagged("post_install", "-at_install")
class TestCredits(RevenueCommon):
    def credit_note(self, invoice, amount, day):
        refund = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "invoice_date": day,
                "reversed_entry_id": invoice.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": invoice.invoice_line_ids.product_id.id,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        return refund

    def test_credit_note_reduces_what_remains_and_reverses_what_was_recognized(self):
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        schedule = invoice.saas_revenue_schedule_ids
        self.run_batch(date(2023, 3, 31))  # 300.00 recognized
        refund = self.credit_note(invoice, 600.0, date(2023, 4, 10))
        self.assertEqual(refund.invoice_line_ids.account_id, self.deferred_account)
        self.assertFalse(refund.saas_revenue_schedule_ids, "a credit reduces, it adds no schedule")
        pending = schedule.line_ids.filtered(
            lambda line: line.state == "pending" and line.kind == "recognition"
        )
        # The planned months never change: the credit adds a dated adjustment
        # per month. Half credited: the nine remaining months keep 450.00, 50.00 each.
        self.assertEqual(pending.mapped("amount"), [100.0] * 9)
        self.assertEqual(set(pending.mapped("origin_date")), {date(2023, 1, 1)})
        adjustments = schedule.line_ids.filtered(lambda line: line.kind == "adjustment")
        self.assertEqual(adjustments.mapped("amount"), [-50.0] * 9)
        self.assertEqual(adjustments.mapped("date"), pending.mapped("date"))
        self.assertEqual(set(adjustments.mapped("origin_date")), {date(2023, 4, 10)})
        self.assertEqual(adjustments.credit_move_id, refund)
        reversal = schedule.line_ids.filtered(lambda line: line.kind == "reversal")
        self.assertEqual(
            (reversal.amount, reversal.date, reversal.state, reversal.origin_date),
            (-150.0, date(2023, 4, 30), "pending", date(2023, 4, 10)),
        )
        self.assertEqual(schedule.credit_move_ids, refund)
        self.assertTiesOut()
        # The books at past dates: before the credit note the schedule still held
        # 900.00 (nine months of 100.00), after it 300.00.
        self.assertEqual(self.tieout_at(date(2023, 3, 31))["unrecognized"], 900.0)
        self.assertEqual(self.tieout_at(date(2023, 4, 9))["unrecognized"], 900.0)
        self.assertEqual(self.tieout_at(date(2023, 4, 10))["unrecognized"], 300.0)
        # The report of March is what it was before the credit note.
        report = self.env["saas.revenue.report"]
        march = report.search(report._generate(date(2023, 3, 1), date(2023, 3, 31)))
        self.assertEqual(
            (march.total, march.before, march.current, march.later), (1200.0, 200.0, 100.0, 900.0)
        )
        april = report.search(report._generate(date(2023, 4, 1), date(2023, 4, 30)))
        # April: 100.00 - 50.00 adjusted - 150.00 reversed; May..December 8 x 50.00.
        self.assertEqual(
            (april.total, april.before, april.current, april.later), (600.0, 300.0, -100.0, 400.0)
        )
        batch = self.run_batch(date(2023, 4, 30))
        # April: +50.00 recognized, -150.00 reversed as contra revenue: net -100.00.
        income = batch.move_ids.line_ids.filtered(
            lambda line: line.account_id == self.income_account
        )
        self.assertEqual(income.balance, 100.0)
        self.assertEqual((schedule.amount_recognized, schedule.amount_remaining), (200.0, 400.0))
        self.assertTiesOut()

    def test_voided_invoice_cancels_its_schedule_and_reverses_recognized(self):
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        schedule = invoice.saas_revenue_schedule_ids
        self.run_batch(date(2023, 2, 28))
        invoice._reverse_moves(
            [{"ref": "void", "date": date(2023, 3, 10), "invoice_date": date(2023, 3, 10)}],
            cancel=True,
        )
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(schedule.state, "cancelled")
        self.assertEqual(schedule.amount_remaining, -200.0)
        # The ten months left are cancelled with their adjustments (netting zero);
        # the months themselves keep their amounts for the books of past dates.
        cancelled = schedule.line_ids.filtered(lambda line: line.state == "cancelled")
        self.assertEqual(len(cancelled), 20)
        self.assertEqual(sum(cancelled.mapped("amount")), 0.0)
        self.assertEqual(self.tieout_at(date(2023, 3, 9))["unrecognized"], 1000.0)
        self.assertEqual(self.tieout_at(date(2023, 3, 10))["unrecognized"], -200.0)
        self.assertTiesOut()
        self.run_batch(date(2023, 3, 31))
        self.assertEqual(schedule.amount_remaining, 0.0)
        self.assertEqual(self.deferred_balance(), 0.0)
        income = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.income_account.id),
                ("move_id.saas_revenue_batch_id", "!=", False),
            ]
        )
        self.assertEqual(sum(income.mapped("balance")), 0.0, "recognized revenue fully reversed")
        self.assertTiesOut()

    def test_standalone_credit_note_with_a_period_has_a_negative_schedule(self):
        refund = self.make_invoice(
            300.0, date(2023, 1, 1), date(2023, 3, 31), move_type="out_refund"
        )
        schedule = refund.saas_revenue_schedule_ids
        self.assertEqual(schedule.line_ids.mapped("amount"), [-100.0] * 3)
        self.run_batch(date(2023, 1, 31))
        self.assertTiesOut()

    def test_cancelled_subscription_stops_or_recognizes_the_rest(self):
        self.customer()
        self.subscribe("subscription.activated", "sub_stop")
        self.subscribe("subscription.activated", "sub_now")
        stop = self.subscription("sub_stop")
        now = self.subscription("sub_now")
        inv_stop = self.make_invoice(
            1200.0, date(2023, 1, 1), date(2023, 12, 31), saas_subscription_id=stop.id
        )
        inv_now = self.make_invoice(
            1200.0, date(2023, 1, 1), date(2023, 12, 31), saas_subscription_id=now.id
        )
        self.run_batch(date(2023, 3, 31))
        # Policy "stop": months after the cancellation are held, still deferred.
        stop.write({"state": "cancelled", "ended_at": date(2023, 4, 15)})
        held = inv_stop.saas_revenue_schedule_ids
        self.assertEqual(held.state, "stopped")
        self.assertEqual(len(held.line_ids.filtered(lambda line: line.state == "stopped")), 8)
        # Policy "recognize": the rest is recognized in the cancellation month.
        self.company.saas_revenue_cancel_policy = "recognize"
        now.write({"state": "cancelled", "ended_at": date(2023, 4, 15)})
        rest = inv_now.saas_revenue_schedule_ids.line_ids.filtered(
            lambda line: line.state == "pending"
        )
        self.assertEqual(set(rest.mapped("date")), {date(2023, 4, 30)})
        self.assertEqual(sum(rest.mapped("amount")), 900.0)
        self.run_batch(date(2023, 4, 30))
        self.assertEqual(inv_now.saas_revenue_schedule_ids.state, "done")
        self.assertEqual(held.amount_remaining, 800.0)
        self.assertTiesOut()
        # A reviewer releases what the stopped schedule holds.
        held.action_recognize_rest()
        self.run_batch(date.today())
        self.assertEqual(held.amount_remaining, 0.0)
        self.assertTiesOut()

    def test_credit_beyond_what_is_left_is_refused(self):
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.credit_note(invoice, 600.0, date(2023, 4, 10))
        # amounts as money in the company's format (issue 19)
        money = [format_amount(self.env, amount, invoice.currency_id) for amount in (700.0, 600.0)]
        with (
            self.assertRaisesRegex(
                UserError, re.escape(f"credits {money[0]}, more than the {money[1]} left")
            ),
            self.env.cr.savepoint(),
        ):
            self.credit_note(invoice, 700.0, date(2023, 4, 11))
        self.assertTiesOut()
