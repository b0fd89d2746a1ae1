# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo CRM records went through the inbox and say what the reports show
(tests run on a database with demo data)."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSalesforceDemoData(TransactionCase):
    def test_demo_deals(self):
        system = self.env.ref("saas_salesforce.demo_system_salesforce")
        events = self.env["saas.event"].search([("system_id", "=", system.id)])
        self.assertEqual(len(events), 6)
        self.assertEqual(set(events.mapped("state")), {"done"}, events.mapped("ignore_reason"))
        deals = self.env["saas.booked.deal"].search([("system_id", "=", system.id)])
        by_name = {deal.partner_id.name: deal for deal in deals}
        self.assertEqual(set(by_name), {"Initech Software", "Umbrella Labs", "Hooli Data"})
        billing = self.env.ref("saas_subscription.demo_system_billing")
        initech = self.env["saas.binding"].find_record(billing, "saas.subscription", "sub_initech")
        self.assertEqual(by_name["Initech Software"].subscription_id, initech)
        self.assertEqual(by_name["Hooli Data"].state, "waiting")
        self.assertTrue(by_name["Hooli Data"].is_leaking)
        # The Account and the billing customer are one partner.
        self.assertEqual(
            self.env["saas.binding"].find_record(system, "res.partner", "0015e00000DEMO002"),
            self.env["saas.binding"].find_record(billing, "res.partner", "cus_4"),
        )
