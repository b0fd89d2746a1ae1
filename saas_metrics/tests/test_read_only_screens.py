# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 20: screens that only read never write, and no figure of one company
reaches a user of another: the financial lane keeps the snapshot and the cash
forecast current, the dashboard, the forecast, the aging and the executive
report read them."""

from datetime import date
from decimal import Decimal

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MetricsCommon

D = Decimal


@tagged("post_install", "-at_install")
class TestReadOnlyScreens(MetricsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Read-only company B")["company"]
        cls.system_b = cls.env["saas.system"].create(
            {
                "name": "Billing B",
                "code": "billing-read-only-b",
                "kind": "billing",
                "environment": "sandbox",
                "company_id": cls.company_b.id,
                "owns_customers": True,
                "owns_subscriptions": True,
                "owns_payments": True,
            }
        )
        cls.map_product("starter", cls.product_starter, system=cls.system_b)
        cls.users = {
            company: new_test_user(
                cls.env,
                login=f"read_only_{key}",
                groups="base.group_user,account.group_account_invoice",
                company_id=company.id,
                company_ids=[company.id],
            )
            for key, company in (("a", cls.company), ("b", cls.company_b))
        }

    def subscribe_in(self, system, sub_id, price):
        customer_id = f"cus_{sub_id}"
        self.emit("customer.upserted", {"customer_id": customer_id, "name": sub_id}, system=system)
        data = {
            "subscription_id": sub_id,
            "customer_id": customer_id,
            "currency": self.currency.name,
            "items": [
                {"plan": "starter", "quantity": "1", "unit_amount": price, "interval": "month"}
            ],
        }
        event = self.emit(
            "subscription.activated", data, occurred_at="2026-01-05T00:00:00Z", system=system
        )
        self.assertDone(event)

    def invoice_in(self, company, amount):
        """An overdue customer invoice of ``amount`` in ``company``."""
        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        account = self.env["account.account"].search(
            [("company_ids", "in", company.id), ("account_type", "=", "income")], limit=1
        )
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "partner_id": self.partner_a.id,
                    "invoice_date": date(2026, 1, 10),
                    "invoice_date_due": date(2026, 1, 10),
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "name": "Service",
                                "quantity": 1,
                                "price_unit": amount,
                                "account_id": account.id,
                                "tax_ids": [fields.Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        move.action_post()
        return move

    def writes(self):
        """Rows inserted, updated or deleted by this transaction so far."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "FROM pg_stat_xact_user_tables"
        )
        return self.env.cr.fetchone()[0]

    def assertWritesNothing(self, read):
        before = self.writes()
        result = read()
        self.assertEqual(self.writes(), before, "reading a screen wrote to the database")
        return result

    def test_screens_only_read_and_show_their_company_alone(self):
        self.subscribe_in(self.system, "ro_a", "100.00")
        self.subscribe_in(self.system_b, "ro_b", "777.00")
        self.invoice_in(self.company, 100.0)
        self.invoice_in(self.company_b, 777.0)
        # The financial lane's scheduled actions.
        self.env["saas.mrr.snapshot"]._cron_refresh_snapshot()
        self.env["saas.cash.forecast.line"]._cron_rebuild_forecast()
        Forecast = self.env["saas.cash.forecast.line"].sudo()
        self.assertTrue(Forecast.search([("company_id", "=", self.company_b.id)]))
        # A later change the lane has not picked up yet: the screens do not either.
        self.subscribe_in(self.system, "ro_a_later", "5.00")
        refreshed_at = self.env["saas.mrr.snapshot"]._refreshed_at()
        self.assertTrue(refreshed_at)
        for company, figure in ((self.company, D(100)), (self.company_b, D(777))):
            env = self.env(user=self.users[company], context={})
            metrics = env["saas.metrics"]
            data = self.assertWritesNothing(metrics.get_dashboard_data)
            closing = next(card for card in data["cards"] if card["key"] == "closing")
            self.assertEqual(D(str(closing["value"])), figure, company.name)
            self.assertEqual(data["refreshed_at"], fields.Datetime.to_string(refreshed_at))
            self.assertFalse(data["can_refresh"])
            with self.assertRaises(AccessError):
                metrics.action_refresh_snapshot()
            values = self.assertWritesNothing(
                lambda metrics=metrics: metrics._executive_values(date(2026, 2, 1))
            )
            self.assertEqual(values["figures"]["closing"], figure, company.name)
            self.assertEqual(
                values["collections"]["total_due"],
                metrics._format(figure, company.currency_id),
                company.name,
            )
            other = self.company_b if company == self.company else self.company
            with self.assertRaises(AccessError):
                metrics._executive_values(date(2026, 2, 1), other)
            forecast = env["saas.cash.forecast.line"]
            self.assertWritesNothing(forecast.action_open_forecast)
            lines = self.assertWritesNothing(lambda forecast=forecast: forecast.search([]))
            self.assertTrue(lines)
            self.assertEqual(lines.company_id, company)
            self.assertEqual(
                sum(lines.filtered(lambda line: line.kind == "invoice").mapped("amount")),
                float(figure),
            )
            snapshot = env["saas.mrr.snapshot"].search([])
            self.assertEqual(snapshot.company_id, company)
            self.assertEqual(set(snapshot.mapped("mrr_company")), {float(figure)})
            aging = env["saas.receivable.aging"].search([])
            self.assertEqual(aging.company_id, company)
            self.assertEqual(sum(aging.mapped("amount_residual")), float(figure))
        # A Finance Reviewer refreshes at once.
        reviewer = self.users[self.company]
        reviewer.groups_id += self.env.ref("saas_sync.group_saas_reviewer")
        metrics = self.env(user=reviewer, context={})["saas.metrics"]
        self.assertTrue(metrics.get_dashboard_data()["can_refresh"])
        metrics.action_refresh_snapshot()
        closing = next(c for c in metrics.get_dashboard_data()["cards"] if c["key"] == "closing")
        self.assertEqual(D(str(closing["value"])), D(105))
