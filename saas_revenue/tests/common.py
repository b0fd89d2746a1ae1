# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared setup: a company with a deferred revenue account and journal, and
factories for invoices posted in Odoo or sent through the integration inbox."""

from datetime import date

from odoo import Command

from odoo.addons.saas_subscription.tests.common import SubscriptionCommon


class RevenueCommon(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.deferred_account = cls.env["account.account"].create(
            {
                "name": "Deferred revenue",
                "code": "DEFREV",
                "account_type": "liability_current",
                "company_ids": [Command.link(cls.company.id)],
            }
        )
        cls.revenue_journal = cls.env["account.journal"].create(
            {
                "name": "Revenue recognition",
                "code": "REVR",
                "type": "general",
                "company_id": cls.company.id,
            }
        )
        cls.company.write(
            {
                "saas_revenue_deferred_account_id": cls.deferred_account.id,
                "saas_revenue_journal_id": cls.revenue_journal.id,
                "saas_revenue_method": "month",
            }
        )
        cls.income_account = cls.company_data["default_account_revenue"]
        cls.Batch = cls.env["saas.revenue.batch"]

    def make_invoice(
        self,
        amount,
        start,
        end,
        invoice_date=None,
        product=None,
        currency=None,
        move_type="out_invoice",
        post=True,
        partner=None,
        **extra,
    ):
        """A customer invoice entered in Odoo, one line with a service period."""
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or self.partner_a).id,
                "invoice_date": invoice_date or start,
                "currency_id": (currency or self.currency).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": (product or self.product_pro).id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                            "saas_period_start": start,
                            "saas_period_end": end,
                        }
                    )
                ],
                **extra,
            }
        )
        if post:
            move.action_post()
        return move

    def run_batch(self, day, post=True):
        batch = self.Batch._build(self.company, day)
        if batch and post:
            batch.action_approve()
            batch.action_post()
        return batch

    def deferred_balance(self, day=None):
        """Credit balance of the deferred revenue account (positive = owed service)."""
        domain = [("account_id", "=", self.deferred_account.id), ("parent_state", "=", "posted")]
        if day:
            domain.append(("date", "<=", day))
        lines = self.env["account.move.line"].search(domain)
        return self.company.currency_id.round(-sum(lines.mapped("balance")))

    def unrecognized(self, schedules=None):
        Line = self.env["saas.revenue.schedule.line"]
        domain = [("state", "in", ("pending", "stopped")), ("company_id", "=", self.company.id)]
        if schedules is not None:
            domain.append(("schedule_id", "in", schedules.ids))
        return self.company.currency_id.round(sum(Line.search(domain).mapped("amount_company")))

    def tieout_at(self, day):
        """The tie-out row of the company at ``day``, checked against the ledger
        read through the ORM (entries dated on or before ``day``)."""
        rows = self.env["saas.monitor"]._revenue_tieout(day=day, company_ids=self.company.ids)
        row = rows[0] if rows else {"deferred": 0.0, "unrecognized": 0.0, "balanced": True}
        self.assertAlmostEqual(row["deferred"], self.deferred_balance(day), places=6)
        self.assertTrue(row["balanced"], f"tie-out at {day}: {row}")
        return row

    def assertTiesOut(self):
        self.assertAlmostEqual(self.deferred_balance(), self.unrecognized(), places=6)
        row = self.env["saas.monitor"]._revenue_tieout(
            day=date(2100, 1, 1), company_ids=self.company.ids
        )
        self.assertTrue(all(r["balanced"] for r in row), row)
