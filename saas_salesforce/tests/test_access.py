# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who sees and changes booked deals, who may trigger what over JSON-RPC; the
views of the web client load."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.saas_sync.tests.common import RpcAccessCase, RpcRow

from .common import SalesforceSetup

NO_APP = (UserError, "Enter the Salesforce domain URL")


@tagged("post_install", "-at_install")
class TestBookedDealAccess(SalesforceSetup, RpcAccessCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_systems()
        cls.partner = cls.env["res.partner"].create({"name": "Access Co", "is_company": True})
        cls.deal = cls.env["saas.booked.deal"].create(
            {
                "name": "Access deal",
                "opportunity_id": "006ACCESS",
                "system_id": cls.system.id,
                "company_id": cls.system.company_id.id,
                "partner_id": cls.partner.id,
                "currency_id": cls.env.company.currency_id.id,
                "amount": 100.0,
                "close_date": "2026-01-01",
            }
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other SaaS Co"})
        support = cls.env.ref("saas_sync.group_saas_support")
        cls.support = cls.env["res.users"].create(
            {
                "name": "Support deals",
                "login": "support_deals",
                "groups_id": [(6, 0, [support.id])],
            }
        )
        cls.outsider = cls.env["res.users"].create(
            {
                "name": "Other company support",
                "login": "other_support_deals",
                "company_id": cls.other_company.id,
                "company_ids": [(6, 0, [cls.other_company.id])],
                "groups_id": [(6, 0, [support.id])],
            }
        )
        cls.make_roles("rpc_sf", roles=("user", "reviewer", "admin"), other=("admin",))

    def test_rpc_actions_check_their_role(self):
        """Tokens and pulls are for administrators of the system's company,
        matching booked deals for finance reviewers (of the deal's company)."""
        deal = lambda t: [t.deal.ids]  # noqa: E731
        system = lambda t: [t.system.ids]  # noqa: E731
        pulls = ("action_salesforce_test_connection", "action_salesforce_pull_now")
        self.assertRpcTable(
            [
                *self.admin_rows("saas.system", ["action_salesforce_generate_token"], system),
                *self.admin_rows("saas.system", pulls, system, NO_APP),
                RpcRow(
                    "saas.booked.deal",
                    "action_match_subscription",
                    deal,
                    (self.user, self.support, self.outsider, self.admin_b),
                    self.reviewer,
                ),
                RpcRow(
                    "saas.booked.deal",
                    "action_unmatch",
                    deal,
                    (self.user, self.support, self.outsider, self.admin_b),
                    self.reviewer,
                ),
            ]
        )

    def test_support_reads_but_does_not_change(self):
        deal = self.deal.with_user(self.support)
        self.assertEqual(deal.name, "Access deal")
        with self.assertRaises(AccessError):
            deal.write({"amount": 1.0})
        with self.assertRaises(AccessError):
            deal.action_match_subscription()
        with self.assertRaises(AccessError):
            deal.action_unmatch()
        # its contract years too: read, never written (the deal writes them)
        self.assertEqual(deal.booking_year_ids.mapped("amount"), [100.0])
        with self.assertRaises(AccessError):
            deal.booking_year_ids.write({"amount": 1.0})
        with self.assertRaises(AccessError):
            deal.booking_year_ids.unlink()

    def test_other_company_sees_no_deal(self):
        Deal = self.env["saas.booked.deal"].with_user(self.outsider)
        self.assertNotIn(self.deal, Deal.search([]))
        with self.assertRaises(AccessError):
            self.deal.with_user(self.outsider).read(["name"])
        Year = self.env["saas.booked.deal.year"].with_user(self.outsider)
        self.assertFalse(Year.search([("deal_id", "=", self.deal.id)]))
        report = self.env["saas.booking.mrr.report"].with_user(self.outsider)
        self.assertFalse(report.search([("company_id", "=", self.system.company_id.id)]))

    def test_views_load(self):
        for model, kinds in (
            ("saas.booked.deal", ("list", "form", "pivot", "graph", "search")),
            ("saas.booking.mrr.report", ("pivot", "graph", "list")),
            ("saas.system", ("form",)),
            ("saas.salesforce.endpoint.show", ("form",)),
        ):
            views = self.env[model].get_views([(False, kind) for kind in kinds])
            self.assertEqual(set(views["views"]), set(kinds))
        form = self.env["saas.system"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("salesforce_endpoint_url", form)
        self.assertIn("action_salesforce_test_connection", form)
        groups = self.env["saas.booking.mrr.report"].read_group(
            [], ["bookings:sum", "new_mrr:sum"], ["month:month"]
        )
        self.assertTrue(any(group["bookings"] for group in groups))
