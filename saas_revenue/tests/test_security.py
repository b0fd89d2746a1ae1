# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import RevenueCommon


@tagged("post_install", "-at_install")
class TestRevenueSecurity(RevenueCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, group):
            return cls.env["res.users"].create(
                {
                    "name": login,
                    "login": login,
                    "password": login + "-pass-123",
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "groups_id": [
                        Command.set([cls.env.ref("base.group_user").id, cls.env.ref(group).id])
                    ],
                }
            )

        cls.support = user("rev_support", "saas_sync.group_saas_support")
        cls.reviewer = user("rev_reviewer", "saas_sync.group_saas_reviewer")

    def call(self, login, method, batch):
        self.authenticate(login, login + "-pass-123")
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/saas.revenue.batch/" + method,
            {
                "model": "saas.revenue.batch",
                "method": method,
                "args": [batch.ids],
                "kwargs": {},
            },
        )

    def test_only_a_finance_reviewer_approves(self):
        self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        batch = self.Batch._build(self.company, date(2023, 1, 31))
        with self.assertRaisesRegex(AccessError, "Only a Finance Reviewer"):
            batch.with_user(self.support).action_approve()
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self.call("rev_support", "action_approve", batch)
        batch.invalidate_recordset()
        self.assertEqual(batch.state, "draft")
        # Support still reads the batch.
        self.assertEqual(batch.with_user(self.support).read(["state"])[0]["state"], "draft")
        self.call("rev_reviewer", "action_approve", batch)
        batch.invalidate_recordset()
        self.assertEqual((batch.state, batch.approved_by_id), ("approved", self.reviewer))
        self.call("rev_reviewer", "action_post", batch)
        batch.invalidate_recordset()
        self.assertEqual(batch.state, "posted")

    def test_other_company_schedules_are_hidden(self):
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        schedule = invoice.saas_revenue_schedule_ids
        other = self.setup_other_company(name="Other revenue company")["company"]
        outsider = self.support.copy(
            {
                "login": "rev_outsider",
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
            }
        )
        Schedule = self.env["saas.revenue.schedule"].with_user(outsider)
        self.assertFalse(Schedule.search([("id", "=", schedule.id)]))
        self.assertTrue(
            self.env["saas.revenue.schedule"]
            .with_user(self.support)
            .search([("id", "=", schedule.id)])
        )
