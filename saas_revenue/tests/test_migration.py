# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The repair the 18.0.1.2.0 migration runs: months a credit note reduced in
place before 18.0.1.1.0 get their planned amount back and a dated credit
adjustment, so the tie-out at a date before the credit note is exact."""

from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import RevenueCommon


@tagged("post_install", "-at_install")
class TestCreditsInPlaceRepair(RevenueCommon):
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

    def to_old_shape(self, schedule):
        """What 18.0.1.0.0 left, as the 18.0.1.1.0 migration filled it: the
        adjustments folded into their months (reduced in place)."""
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE saas_revenue_schedule_line m
                  SET amount = m.amount + a.amount,
                      amount_company = m.amount_company + a.amount_company
                 FROM (SELECT schedule_id, date, SUM(amount) AS amount,
                              SUM(amount_company) AS amount_company
                         FROM saas_revenue_schedule_line
                        WHERE kind = 'adjustment'
                     GROUP BY 1, 2) a
                WHERE a.schedule_id = m.schedule_id AND a.date = m.date
                  AND m.kind = 'recognition' AND m.schedule_id = %s""",
            [schedule.id],
        )
        self.env.cr.execute(
            "DELETE FROM saas_revenue_schedule_line WHERE kind = 'adjustment' AND schedule_id = %s",
            [schedule.id],
        )
        self.env.invalidate_all()

    def test_repair_dates_the_in_place_reduction_by_its_credit_note(self):
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        schedule = invoice.saas_revenue_schedule_ids
        self.run_batch(date(2023, 3, 31))
        refund = self.credit_note(invoice, 600.0, date(2023, 4, 10))
        self.run_batch(date(2023, 4, 30))  # April recognized at its reduced amount
        self.to_old_shape(schedule)
        months = schedule.line_ids.filtered(lambda line: line.kind == "recognition")
        self.assertEqual(months.mapped("amount"), [100.0] * 3 + [50.0] * 9)
        # The old shape: before the credit note the schedules hold 450.00, the ledger 900.00.
        row = self.env["saas.monitor"]._revenue_tieout(
            day=date(2023, 4, 9), company_ids=self.company.ids
        )[0]
        self.assertEqual((row["deferred"], row["unrecognized"]), (900.0, 450.0))

        repaired = self.env["saas.revenue.schedule"]._repair_credits_in_place()

        self.assertEqual(repaired, schedule)
        self.assertEqual(months.mapped("amount"), [100.0] * 12)
        adjustments = schedule.line_ids.filtered(lambda line: line.kind == "adjustment")
        self.assertEqual(adjustments.mapped("amount"), [-50.0] * 9)
        self.assertEqual(set(adjustments.mapped("origin_date")), {date(2023, 4, 10)})
        self.assertEqual(adjustments.credit_move_id, refund)
        april = months.filtered(lambda line: line.date == date(2023, 4, 30))
        april_adjustment = adjustments.filtered(lambda line: line.date == date(2023, 4, 30))
        self.assertEqual(
            (april_adjustment.state, april_adjustment.move_id), ("posted", april.move_id)
        )
        self.assertEqual(self.tieout_at(date(2023, 4, 9))["unrecognized"], 900.0)
        self.assertEqual(self.tieout_at(date(2023, 4, 10))["unrecognized"], 300.0)
        self.assertEqual(self.tieout_at(date(2023, 4, 30))["unrecognized"], 400.0)
        self.assertTiesOut()
        # A second run changes nothing.
        self.assertFalse(self.env["saas.revenue.schedule"]._repair_credits_in_place())
        self.assertEqual(len(schedule.line_ids), 12 + 9 + 1)

    def test_repair_splits_a_month_between_its_credit_notes(self):
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        schedule = invoice.saas_revenue_schedule_ids
        self.run_batch(date(2023, 3, 31))
        first = self.credit_note(invoice, 300.0, date(2023, 4, 10))
        self.run_batch(date(2023, 4, 30))
        second = self.credit_note(invoice, 450.0, date(2023, 5, 10))

        def adjustments():
            return sorted(
                (line.date, line.origin_date, line.amount, line.credit_move_id.id, line.state)
                for line in schedule.line_ids
                if line.kind == "adjustment"
            )

        expected = adjustments()
        self.assertEqual({row[3] for row in expected}, {first.id, second.id})
        self.to_old_shape(schedule)
        self.assertFalse(adjustments())
        row = self.env["saas.monitor"]._revenue_tieout(
            day=date(2023, 5, 9), company_ids=self.company.ids
        )[0]
        self.assertFalse(row["balanced"], row)

        self.env["saas.revenue.schedule"]._repair_credits_in_place()

        self.assertEqual(adjustments(), expected)
        for day in (date(2023, 4, 9), date(2023, 4, 10), date(2023, 5, 9), date(2023, 5, 10)):
            self.tieout_at(day)
        self.assertTiesOut()

    def test_repair_leaves_schedules_credited_since_alone(self):
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        schedule = invoice.saas_revenue_schedule_ids
        self.credit_note(invoice, 600.0, date(2023, 4, 10))
        before = sorted(schedule.line_ids.mapped(lambda line: (line.kind, line.amount)))
        # The company recognizes by day since: the plan read again is not this schedule's.
        self.company.saas_revenue_method = "day"
        self.assertFalse(self.env["saas.revenue.schedule"]._repair_credits_in_place())
        self.assertEqual(
            sorted(schedule.line_ids.mapped(lambda line: (line.kind, line.amount))), before
        )
        self.assertTiesOut()
