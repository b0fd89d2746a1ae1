# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What each role may trigger over JSON-RPC among this addon's public methods:
building, approving, posting and cancelling batches and releasing held revenue
are for finance reviewers of the batch's company; invoicing users and support
only read. The ``action_view_*`` openers need no check of their own."""

from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.saas_sync.tests.common import RpcAccessCase, RpcRow

from .common import RevenueCommon


@tagged("post_install", "-at_install")
class TestRevenueRpcAccess(RevenueCommon, RpcAccessCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_roles(
            "rpc_rev", roles=("user", "accountant", "support", "reviewer"), other=("reviewer",)
        )

    def test_batches_and_schedules_are_for_the_company_reviewers(self):
        move = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        schedule = move.saas_revenue_schedule_ids
        batch = self.Batch._build(self.company, date(2023, 1, 31))
        self.assertTrue(batch and schedule)
        low = (self.user, self.accountant, self.support, self.reviewer_b)
        ids = lambda record: lambda t: [record.ids]  # noqa: E731
        build = {"company_id": self.company.id, "date": "2023-01-31"}
        self.assertRpcTable(
            [
                RpcRow("saas.revenue.batch", "action_approve", ids(batch), low, self.reviewer),
                RpcRow(
                    "saas.revenue.batch",
                    "action_post",
                    ids(batch),
                    low,
                    self.reviewer,
                    (UserError, "Approve the batch before posting it"),
                ),
                RpcRow(
                    "saas.revenue.batch", "action_approve_and_post", ids(batch), low, self.reviewer
                ),
                RpcRow("saas.revenue.batch", "action_cancel", ids(batch), low, self.reviewer),
                RpcRow(
                    "saas.revenue.schedule",
                    "action_recognize_rest",
                    ids(schedule),
                    low,
                    self.reviewer,
                ),
                RpcRow(
                    "saas.revenue.batch.build",
                    "create",
                    lambda t: [build],
                    low,
                    self.reviewer,
                ),
            ]
        )

    def test_building_a_batch_checks_the_group_first(self):
        wizard = (
            self.env["saas.revenue.batch.build"]
            .with_user(self.reviewer)
            .create({"company_id": self.company.id, "date": "2023-01-31"})
        )
        self.assertRpcRefused(self.support, "saas.revenue.batch.build", "action_build", wizard.ids)
        action = self.rpc(self.reviewer, "saas.revenue.batch.build", "action_build", wizard.ids)
        self.assertEqual(action["tag"], "display_notification")  # nothing due in 2023
        build_each = "action_build_per_month"
        self.assertRpcRefused(self.support, "saas.revenue.batch.build", build_each, wizard.ids)
        action = self.rpc(self.reviewer, "saas.revenue.batch.build", build_each, wizard.ids)
        self.assertEqual(action["tag"], "display_notification")
