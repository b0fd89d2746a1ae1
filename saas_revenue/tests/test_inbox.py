# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoices arriving through the integration inbox get their schedule with no
manual step: the canonical API and Stripe."""

import calendar
from datetime import date, datetime
from unittest import SkipTest

from odoo.modules.registry import Registry
from odoo.tests import tagged
from odoo.tests.common import get_db_name

from odoo.addons.saas_stripe.tests.test_translation import StripeCase

from .common import RevenueCommon


def ts(day):
    return calendar.timegm(datetime(day.year, day.month, day.day).timetuple())


@tagged("post_install", "-at_install")
class TestCanonicalInbox(RevenueCommon):
    def setUp(self):
        super().setUp()
        self.customer()
        self.subscribe(
            "subscription.activated", "sub_1", plan="annual", price="1200.00", interval="year"
        )

    def issue(self, invoice_id, amount, start, end, when="2026-01-01", **extra):
        return self.emit(
            "invoice.issued",
            {
                "invoice_id": invoice_id,
                "customer_id": "cus_1",
                "subscription_id": "sub_1",
                "currency": self.currency.name,
                "total": amount,
                "number": f"SRC-{invoice_id}",
                "date": when,
                "lines": [
                    {
                        "plan": "annual",
                        "description": "Annual plan",
                        "quantity": "1",
                        "unit_amount": amount,
                        "period_start": start,
                        "period_end": end,
                    }
                ],
                **extra,
            },
        )

    def test_canonical_invoice_gets_its_schedule(self):
        event = self.issue("in_annual", "1200.00", "2026-01-01", "2026-12-31")
        self.assertDone(event)
        invoice = self.env["saas.binding"].find_record(self.system, "account.move", "in_annual")
        schedule = invoice.saas_revenue_schedule_ids
        self.assertEqual(schedule.subscription_id, self.subscription("sub_1"))
        self.assertEqual(schedule.line_ids.mapped("amount"), [100.0] * 12)
        self.assertEqual(invoice.invoice_line_ids.account_id, self.deferred_account)
        self.assertTiesOut()

    def test_upgrade_proration_invoice_gets_its_own_schedule(self):
        self.assertDone(self.issue("in_annual", "1200.00", "2026-01-01", "2026-12-31"))
        self.assertDone(
            self.issue("in_upgrade", "550.00", "2026-02-01", "2026-12-31", when="2026-02-01")
        )
        sub = self.subscription("sub_1")
        schedules = self.env["saas.revenue.schedule"].search([("subscription_id", "=", sub.id)])
        self.assertEqual(len(schedules), 2)
        upgrade = schedules.filtered(lambda s: s.amount == 550.0)
        self.assertEqual(upgrade.line_ids.mapped("amount"), [50.0] * 11)
        self.assertTiesOut()

    def test_account_mapping_overrides_the_deferred_account(self):
        mapped = self.deferred_account.copy({"code": "DEFMAP"})
        self.env["saas.mapping"].create(
            {
                "system_id": self.system.id,
                "kind": "account",
                "external_key": "deferred_revenue",
                "target_ref": f"account.account,{mapped.id}",
            }
        ).action_approve()
        self.assertDone(self.issue("in_map", "1200.00", "2026-01-01", "2026-12-31"))
        invoice = self.env["saas.binding"].find_record(self.system, "account.move", "in_map")
        self.assertEqual(invoice.saas_revenue_schedule_ids.deferred_account_id, mapped)

    def test_void_and_credit_note_events(self):
        self.assertDone(self.issue("in_void", "1200.00", "2026-01-01", "2026-12-31"))
        self.assertDone(self.issue("in_cn", "1200.00", "2026-01-01", "2026-12-31"))
        self.run_batch(date(2026, 2, 28))
        void = self.emit(
            "invoice.voided", {"invoice_id": "in_void"}, occurred_at="2026-03-05T00:00:00Z"
        )
        self.assertDone(void)
        voided = self.env["saas.binding"].find_record(self.system, "account.move", "in_void")
        self.assertEqual(voided.saas_revenue_schedule_ids.state, "cancelled")
        note = self.emit(
            "credit_note.issued",
            {
                "credit_note_id": "cn_1",
                "invoice_id": "in_cn",
                "customer_id": "cus_1",
                "currency": self.currency.name,
                "total": "600.00",
                "date": "2026-03-05",
                "lines": [{"plan": "annual", "quantity": "1", "unit_amount": "600.00"}],
            },
            occurred_at="2026-03-05T00:00:00Z",
        )
        self.assertDone(note)
        credited = self.env["saas.binding"].find_record(self.system, "account.move", "in_cn")
        schedule = credited.saas_revenue_schedule_ids
        self.assertEqual(schedule.amount_remaining, 400.0)  # 500.00 left - 100.00 reversal
        self.assertTiesOut()
        self.run_batch(date(2026, 3, 31))
        self.assertTiesOut()


@tagged("post_install", "-at_install")
class TestStripeInbox(StripeCase):
    @classmethod
    def setUpClass(cls):
        # saas_revenue does not depend on saas_stripe: this class needs it installed.
        if "saas_stripe" not in Registry(get_db_name())._init_modules:
            raise SkipTest("saas_stripe is not installed")
        super().setUpClass()
        cls.deferred_account = cls.env["account.account"].create(
            {"name": "Deferred revenue", "code": "DEFREV", "account_type": "liability_current"}
        )
        cls.company.write(
            {
                "saas_revenue_deferred_account_id": cls.deferred_account.id,
                "saas_revenue_method": "day",
            }
        )

    def test_stripe_documentation_example(self):
        """Stripe's revenue recognition documentation: 120.00 for 2026-06-15 ..
        2026-10-13 (end exclusive) by day gives 16.00, 31.00, 31.00, 30.00, 12.00."""
        self.given_customer()
        invoice = self.open_invoice("in_rev_1", 12000, effective_at=ts(date(2026, 6, 15)))
        invoice["lines"]["data"][0]["period"] = {
            "start": ts(date(2026, 6, 15)),
            "end": ts(date(2026, 10, 13)),
        }
        self.assertDone(self.deliver("invoice.finalized", invoice))
        move = self.bound("account.move", "in_rev_1")
        line = move.invoice_line_ids
        self.assertEqual(
            (line.saas_period_start, line.saas_period_end), (date(2026, 6, 15), date(2026, 10, 12))
        )
        schedule = move.saas_revenue_schedule_ids
        self.assertEqual(schedule.line_ids.mapped("amount"), [16.0, 31.0, 31.0, 30.0, 12.0])
        self.assertEqual(
            schedule.line_ids.mapped("date"),
            [
                date(2026, 6, 30),
                date(2026, 7, 31),
                date(2026, 8, 31),
                date(2026, 9, 30),
                date(2026, 10, 31),
            ],
        )
