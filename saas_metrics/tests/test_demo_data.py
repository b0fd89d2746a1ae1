# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 19: the demo history reads like a real SaaS business (tests run on a
database with demo data)."""

import re
from collections import Counter

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.saas_metrics.lib.metrics import add_months, month_start


@tagged("post_install", "-at_install")
class TestDemoHistoryReadsTrue(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(su=True)
        cls.system = cls.env.ref("saas_subscription.demo_system_billing")
        cls.subscriptions = cls.env["saas.subscription"].search([("name", "=like", "sub_met_%")])
        cls.events = cls.env["saas.event"].search(
            [("system_id", "=", cls.system.id), ("external_id", "=like", "evt_demo_met_%")]
        )
        # the day of the installation as the demo saw it (the user's time zone)
        cls.installed_on = fields.Date.context_today(
            cls.events[:1], min(cls.events.mapped("create_date"))
        )
        cls.invoices = cls.env["account.move"].search(
            [
                ("saas_subscription_id", "in", cls.subscriptions.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
            ]
        )

    def test_every_month_of_the_history_is_invoiced(self):
        self.assertGreater(len(self.subscriptions), 200, "run with the demo data")
        first = month_start(min(self.subscriptions.mapped("start_date")))
        invoiced = Counter(month_start(inv.invoice_date) for inv in self.invoices)
        month = first
        while month <= month_start(self.installed_on):
            self.assertGreater(invoiced[month], 0, f"no invoice in {month:%Y-%m}")
            month = add_months(month, 1)

    def test_mrr_is_backed_by_invoices(self):
        """Nearly every subscription with MRR in a month has an invoice line
        whose service period covers that month (the few others were
        reactivated between two billing dates)."""
        covered = {}
        for line in self.invoices.invoice_line_ids.filtered("saas_period_start"):
            subscription = line.move_id.saas_subscription_id
            month = month_start(line.saas_period_start)
            while month <= line.saas_period_end:
                covered[(subscription.id, month)] = True
                month = add_months(month, 1)
        rows = self.env["saas.mrr.snapshot"].search(
            [("subscription_id", "in", self.subscriptions.ids), ("mrr", ">", 0)]
        )
        self.assertGreater(len(rows), 1000)
        backed = [row for row in rows if covered.get((row.subscription_id.id, row.month))]
        self.assertGreaterEqual(len(backed) / len(rows), 0.9)

    def test_more_than_two_plans(self):
        plans = self.subscriptions.line_ids.product_id
        self.assertGreater(len(plans), 2, plans.mapped("name"))

    def test_customers_are_named_like_companies(self):
        names = self.subscriptions.partner_id.mapped("name")
        self.assertEqual(len(names), len(set(names)), "each customer has its own name")
        for name in names:
            self.assertFalse(re.search(r"\d", name), name)
            self.assertGreaterEqual(len(name.split()), 2, name)

    def test_no_burst_of_activations_on_the_install_day(self):
        starts = Counter(self.subscriptions.mapped("start_date"))
        self.assertFalse(starts[self.installed_on], "activations dated on the install day")
        self.assertLessEqual(max(starts.values()), 8, starts.most_common(3))
