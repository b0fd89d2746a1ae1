# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.saas_revenue.lib.recognition import month_end

from .common import RevenueCommon


@tagged("post_install", "-at_install")
class TestBatches(RevenueCommon):
    def test_batch_groups_lines_and_links_them_to_the_entry(self):
        analytic_plan = self.env["account.analytic.plan"].create({"name": "Teams"})
        analytic = self.env["account.analytic.account"].create(
            {"name": "EMEA", "plan_id": analytic_plan.id}
        )
        first = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.make_invoice(600.0, date(2023, 1, 1), date(2023, 12, 31))
        tagged_invoice = self.make_invoice(240.0, date(2023, 1, 1), date(2023, 12, 31), post=False)
        tagged_invoice.invoice_line_ids.analytic_distribution = {str(analytic.id): 100}
        tagged_invoice.action_post()
        batch = self.Batch._build(self.company, date(2023, 1, 15))
        self.assertEqual(
            (batch.state, batch.date, batch.line_count), ("draft", date(2023, 1, 31), 3)
        )
        batch.action_approve()
        self.assertEqual((batch.state, batch.approved_by_id), ("approved", self.env.user))
        batch.action_post()
        self.assertEqual(batch.state, "posted")
        entry = batch.move_ids
        self.assertEqual(len(entry), 1)
        self.assertEqual(
            (entry.state, entry.journal_id, entry.date),
            ("posted", self.revenue_journal, date(2023, 1, 31)),
        )
        income = entry.line_ids.filtered(lambda line: line.account_id == self.income_account)
        # One line per (income account, analytic): 150.00 untagged, 20.00 tagged.
        self.assertEqual(sorted(income.mapped("credit")), [20.0, 150.0])
        self.assertEqual(
            income.filtered(lambda line: line.credit == 20.0).analytic_distribution,
            {str(analytic.id): 100},
        )
        deferred = entry.line_ids.filtered(lambda line: line.account_id == self.deferred_account)
        self.assertEqual(deferred.debit, 170.0)
        self.assertEqual(sum(entry.line_ids.mapped("balance")), 0.0)
        january = first.saas_revenue_schedule_ids.line_ids[0]
        self.assertEqual(
            (january.state, january.move_id, january.batch_id), ("posted", entry, batch)
        )
        self.assertTiesOut()

    def test_second_run_for_the_same_month_creates_nothing(self):
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        first = self.run_batch(date(2023, 1, 31))
        self.assertTrue(first)
        self.assertFalse(self.Batch._build(self.company, date(2023, 1, 31)))
        # A draft batch not yet posted holds its lines: no second batch either.
        self.assertTrue(self.Batch._build(self.company, date(2023, 2, 28)))
        self.assertFalse(self.Batch._build(self.company, date(2023, 2, 28)))
        self.assertEqual(self.Batch.search_count([]), 2)

    def test_locked_month_goes_into_the_first_open_month(self):
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.company.fiscalyear_lock_date = date(2023, 2, 28)
        batch = self.run_batch(date(2023, 2, 28))
        self.assertEqual(
            (batch.date, batch.accounting_date), (date(2023, 2, 28), date(2023, 3, 31))
        )
        self.assertIn("locked", batch.lock_note)
        self.assertIn("2023-03-31", batch.lock_note)
        self.assertEqual(batch.move_ids.date, date(2023, 3, 31))
        self.assertIn(batch.lock_note, batch.move_ids.ref)
        self.assertEqual(batch.amount_company, 200.0)
        self.assertTiesOut()

    def test_tax_and_hard_lock_dates_are_respected(self):
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.company.tax_lock_date = date(2023, 1, 31)
        batch = self.run_batch(date(2023, 1, 31))
        self.assertEqual(batch.accounting_date, date(2023, 2, 28))
        self.assertIn("tax lock date", batch.lock_note)
        self.company.hard_lock_date = date(2023, 3, 31)
        batch = self.run_batch(date(2023, 3, 31))
        self.assertEqual(batch.move_ids.date, date(2023, 4, 30))
        self.assertIn("hard lock date", batch.lock_note)

    def test_which_lock_dates_a_batch_respects(self):
        """Issue 19 #8: the recognition entry goes to a miscellaneous journal,
        yet the sales lock date closes recognized revenue too; the purchase
        lock date does not."""
        self.assertEqual(self.revenue_journal.type, "general")
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.company.sale_lock_date = date(2023, 1, 31)
        batch = self.run_batch(date(2023, 1, 31))
        self.assertEqual(batch.move_ids.date, date(2023, 2, 28))
        self.assertIn("sales lock date", batch.lock_note)
        self.company.purchase_lock_date = date(2023, 3, 31)
        batch = self.run_batch(date(2023, 3, 31))
        self.assertEqual((batch.move_ids.date, batch.lock_note), (date(2023, 3, 31), False))
        self.company.fiscalyear_lock_date = date(2023, 4, 30)
        batch = self.run_batch(date(2023, 4, 30))
        self.assertEqual(batch.move_ids.date, date(2023, 5, 31))
        self.assertIn("fiscal year lock date", batch.lock_note)
        self.company.tax_lock_date = date(2023, 6, 30)
        batch = self.run_batch(date(2023, 6, 30))
        self.assertEqual(batch.move_ids.date, date(2023, 7, 31))
        self.assertIn("tax lock date", batch.lock_note)
        self.company.hard_lock_date = date(2023, 8, 31)
        batch = self.run_batch(date(2023, 8, 31))
        self.assertEqual(batch.move_ids.date, date(2023, 9, 30))
        self.assertIn("hard lock date", batch.lock_note)
        self.assertTiesOut()

    def build_wizard(self, day):
        return self.env["saas.revenue.batch.build"].create(
            {"company_id": self.company.id, "date": day}
        )

    def test_building_a_month_not_ended_needs_confirmation(self):
        """Issue 19 #7: the current (or a future) month is not earned yet."""
        today = date.today()
        self.make_invoice(1200.0, today.replace(day=1), today.replace(day=1) + timedelta(days=400))
        for day in (today, today + timedelta(days=40)):
            wizard = self.build_wizard(day)
            self.assertTrue(wizard.month_open)
            with self.assertRaisesRegex(UserError, "has not ended"):
                wizard.action_build()
        self.assertFalse(self.Batch.search([("company_id", "=", self.company.id)]))
        wizard = self.build_wizard(today)
        wizard.confirm_open_month = True
        action = wizard.action_build()
        batch = self.Batch.browse(action["res_id"])
        self.assertEqual(batch.date, month_end(today))
        self.assertFalse(self.build_wizard(today.replace(day=1) - timedelta(days=1)).month_open)

    def test_earlier_months_without_a_batch_are_named_and_built_one_by_one(self):
        """Issue 19 #7: February to October due and no batch: building November
        says so, and offers one batch per month."""
        self.make_invoice(1200.0, date(2023, 2, 1), date(2024, 1, 31))
        wizard = self.build_wizard(date(2023, 11, 30))
        self.assertEqual(
            wizard.earlier_months,
            "2023-02, 2023-03, 2023-04, 2023-05, 2023-06, 2023-07, 2023-08, 2023-09, 2023-10",
        )
        action = wizard.action_build_per_month()
        batches = self.Batch.search(action["domain"], order="date")
        self.assertEqual(len(batches), 10)
        self.assertEqual(batches[0].date, date(2023, 2, 28))
        self.assertEqual(batches[-1].date, date(2023, 11, 30))
        self.assertEqual(set(batches.mapped("line_count")), {1})
        self.assertEqual(set(batches.mapped("amount_company")), {100.0})
        self.assertFalse(self.build_wizard(date(2023, 12, 31)).earlier_months)

    def test_one_batch_sweeping_earlier_months_says_so(self):
        self.make_invoice(1200.0, date(2023, 2, 1), date(2024, 1, 31))
        action = self.build_wizard(date(2023, 4, 30)).action_build()
        batch = self.Batch.browse(action["res_id"])
        self.assertEqual((batch.line_count, batch.amount_company), (3, 300.0))
        self.assertIn(
            "Also recognizes the revenue due in 2023-02, 2023-03",
            batch.message_ids.mapped("body")[0],
        )

    def test_journal_items_of_a_batch_and_no_reset_to_draft(self):
        """Issue 19 #7: the entry's lines open from the batch (Community hides
        the Journal Items tab); its posted entry does not go back to draft."""
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        batch = self.run_batch(date(2023, 1, 31))
        action = batch.action_view_journal_items()
        self.assertEqual(action["res_model"], "account.move.line")
        items = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(items, batch.move_ids.line_ids)
        self.assertEqual(sorted(items.mapped("balance")), [-100.0, 100.0])
        with self.assertRaisesRegex(UserError, "Reverse it instead"):
            batch.move_ids.button_draft()
        self.assertEqual((batch.state, batch.move_ids.state), ("posted", "posted"))

    def reverse_entry(self, entry, day):
        """Reverse ``entry`` at ``day`` through Odoo's Reverse wizard."""
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=entry.ids)
            .create({"date": day, "journal_id": entry.journal_id.id, "reason": "by hand"})
        )
        wizard.reverse_moves()
        return entry.reversal_move_ids

    def test_a_reversed_recognition_entry_is_recognized_again(self):
        """Issue 20: a recognition entry reversed by hand (the Reverse wizard)
        puts its months back to recognize from the reversal's date; the next
        batch recognizes them once, and the tie-out is exact at every date."""
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        schedule = invoice.saas_revenue_schedule_ids
        batch = self.run_batch(date(2023, 2, 28))
        entry = batch.move_ids
        reversal = self.reverse_entry(entry, date(2023, 3, 10))
        self.assertEqual(reversal.state, "posted")
        self.assertEqual((schedule.amount_recognized, schedule.amount_remaining), (0.0, 1200.0))
        self.assertEqual(self.unrecognized(), 1200.0)
        self.assertTiesOut()
        for day in (date(2023, 2, 27), date(2023, 2, 28), date(2023, 3, 9), date(2023, 3, 10)):
            self.tieout_at(day)
        self.assertEqual(self.tieout_at(date(2023, 3, 9))["unrecognized"], 1000.0)
        self.assertEqual(self.tieout_at(date(2023, 3, 10))["unrecognized"], 1200.0)
        # Reversed once: neither again, nor the reversal itself, nor back to draft.
        with self.assertRaisesRegex(UserError, "already reversed"):
            self.reverse_entry(entry, date(2023, 3, 15))
        with self.assertRaisesRegex(UserError, "recognized again by the next"):
            self.reverse_entry(reversal, date(2023, 3, 15))
        with self.assertRaisesRegex(UserError, "stays posted"):
            reversal.button_draft()
        again = self.run_batch(date(2023, 3, 31))
        self.assertEqual((again.state, again.amount_company), ("posted", 300.0))
        self.assertEqual((schedule.amount_recognized, schedule.amount_remaining), (300.0, 900.0))
        self.assertTiesOut()
        for day in (date(2023, 3, 10), date(2023, 3, 31), date(2023, 12, 31)):
            self.tieout_at(day)
        self.assertEqual(self.tieout_at(date(2023, 3, 31))["unrecognized"], 900.0)
        self.assertFalse(self.Batch._build(self.company, date(2023, 3, 31)))

    def test_failed_batch_leaves_no_entry_and_tells_the_reviewers(self):
        reviewer = self.env["res.users"].create(
            {
                "name": "Reviewer",
                "login": "rev_reviewer",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref("saas_sync.group_saas_reviewer").id,
                        ],
                    )
                ],
            }
        )
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.make_invoice(600.0, date(2023, 1, 1), date(2023, 12, 31), product=self.product_starter)
        self.income_account.deprecated = True
        batch = self.Batch._build(self.company, date(2023, 1, 31))
        batch.action_approve()
        batch.action_post()
        self.assertEqual(batch.state, "approved")
        self.assertIn("deprecated", batch.error)
        self.assertFalse(
            self.env["account.move"].search([("saas_revenue_batch_id", "=", batch.id)])
        )
        self.assertFalse(batch.line_ids.filtered(lambda line: line.state == "posted"))
        activity = batch.activity_ids.filtered(lambda a: a.user_id == reviewer)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("saas_revenue.mail_activity_revenue_batch_failed"),
        )
        self.assertTiesOut()
        # Fixed: the same batch posts.
        self.income_account.deprecated = False
        batch.action_post()
        self.assertEqual((batch.state, batch.error), ("posted", False))
        self.assertTiesOut()

    def test_cron_builds_and_auto_posts(self):
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        self.Batch._cron_build_batches(date(2023, 1, 31))
        batch = self.Batch.search([("company_id", "=", self.company.id)])
        self.assertEqual(batch.state, "draft", "without auto-post a reviewer approves")
        self.company.saas_revenue_auto_post = True
        self.Batch._cron_build_batches(date(2023, 2, 28))
        auto = self.Batch.search(
            [("company_id", "=", self.company.id), ("date", "=", date(2023, 2, 28))]
        )
        self.assertEqual(auto.state, "posted")
        self.assertTrue(auto.move_ids)
        self.assertTrue(self.env.ref("saas_revenue.ir_cron_saas_revenue_batches").active)

    def test_cancelled_batch_releases_its_lines(self):
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        batch = self.Batch._build(self.company, date(2023, 1, 31))
        batch.action_cancel()
        self.assertEqual(batch.state, "cancelled")
        again = self.run_batch(date(2023, 1, 31))
        self.assertEqual((again.state, again.line_count), ("posted", 1))

    def test_settings_write_the_company_and_the_cron(self):
        settings = self.env["res.config.settings"].create(
            {
                "saas_revenue_method": "full_month",
                "saas_revenue_auto_post": True,
                "saas_revenue_cancel_policy": "recognize",
                "saas_revenue_cron_interval_number": 2,
                "saas_revenue_cron_interval_type": "weeks",
            }
        )
        settings.execute()
        self.assertEqual(
            (
                self.env.company.saas_revenue_method,
                self.env.company.saas_revenue_auto_post,
                self.env.company.saas_revenue_cancel_policy,
            ),
            ("full_month", True, "recognize"),
        )
        cron = self.env.ref("saas_revenue.ir_cron_saas_revenue_batches")
        self.assertEqual((cron.interval_number, cron.interval_type), (2, "weeks"))
        fresh = self.env["res.config.settings"].create({})
        self.assertEqual(fresh.saas_revenue_cron_interval_type, "weeks")
