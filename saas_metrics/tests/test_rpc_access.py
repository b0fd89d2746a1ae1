# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What each role may trigger over JSON-RPC among this addon's public methods:
the figures (dashboard, cash forecast, executive report, MRR as of a date)
are for support and invoicing users; a plain internal user gets none. The
``action_open_*`` openers of report rows need no check of their own."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.saas_sync.tests.common import RpcAccessCase, RpcRow


@tagged("post_install", "-at_install")
class TestMetricsRpcAccess(RpcAccessCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_roles("rpc_metrics", roles=("user", "accountant", "support", "reviewer"))
        cls.report = cls.env["saas.executive.report.wizard"].with_user(cls.support).create({})
        cls.asof = cls.env["saas.mrr.asof.wizard"].with_user(cls.support).create({})

    def test_figures_are_for_support_and_invoicing_users(self):
        none = lambda t: []  # noqa: E731
        self.assertRpcTable(
            [
                RpcRow("saas.metrics", "get_dashboard_data", none, (self.user,), self.support),
                RpcRow("saas.metrics", "get_dashboard_data", none, (), self.accountant),
                RpcRow("saas.metrics", "get_dashboard_cohorts", none, (self.user,), self.support),
                RpcRow(
                    "saas.metrics",
                    "action_refresh_snapshot",
                    none,
                    (self.user, self.accountant, self.support),
                    self.reviewer,
                ),
                RpcRow(
                    "saas.cash.forecast.line",
                    "action_open_forecast",
                    none,
                    (self.user,),
                    self.accountant,
                ),
                RpcRow(
                    "saas.executive.report.wizard",
                    "action_print",
                    lambda t: [t.report.ids],
                    (self.user,),
                    self.support,
                ),
                RpcRow(
                    "saas.mrr.asof.wizard",
                    "action_open",
                    lambda t: [t.asof.ids],
                    (self.user,),
                    self.support,
                ),
                RpcRow(
                    "saas.executive.report.wizard",
                    "create",
                    lambda t: [{}],
                    (self.user,),
                    self.accountant,
                ),
            ]
        )
