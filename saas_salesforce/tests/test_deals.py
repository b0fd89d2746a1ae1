# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Closed-won Opportunities -> booked deals, matched with the subscription the
billing platform activates; leakage; subscriptions without deal; bookings vs
new MRR."""

from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SalesforceSetup
from .soap_fixtures import account, opportunity, rest_record

_ids = iter(range(1, 10**6))


@tagged("post_install", "-at_install")
class TestBookedDeals(SalesforceSetup, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_systems()
        cls.setup_product()
        cls.env["ir.config_parameter"].sudo().set_param("saas_salesforce.leakage_days", "30")

    def push(self, *records):
        result = self.receive_records(
            [rest_record(r.pop("_type"), r) for r in records], prefix=f"n{next(_ids)}"
        )
        self.process()
        return [event for event, _created in result]

    def deal(self, opportunity_id):
        return self.env["saas.booked.deal"].search([("opportunity_id", "=", opportunity_id)])

    def test_closed_won_deal_matched_when_billing_activates(self):
        close = fields.Date.to_string(fields.Date.today() - timedelta(days=3))
        events = self.push(
            dict(account("001D1", Billing_Customer_Id__c="cus_D1"), _type="Account"),
            dict(
                opportunity("006D1", "001D1", Plan__c="pro", CloseDate=close, Amount="12000.10"),
                _type="Opportunity",
            ),
        )
        self.assertEqual(
            [e.state for e in events], ["done", "done"], [e.last_error for e in events]
        )
        deal = self.deal("006D1")
        self.assertEqual(
            (deal.state, deal.amount, deal.product_id, deal.partner_id.name),
            ("waiting", 12000.10, self.product, "Acme Corp"),
        )
        self.assertEqual(deal.currency_id, self.env.company.currency_id)
        subscription = self.activate("cus_D1", "sub_D1")
        self.assertEqual(subscription.partner_id, deal.partner_id)
        self.assertEqual((deal.state, deal.subscription_id), ("matched", subscription))
        self.assertFalse(deal.is_leaking)
        no_deal = self.env["saas.subscription"].search([("has_booked_deal", "=", False)])
        self.assertNotIn(subscription, no_deal)

    def test_subscription_first_then_deal_matched(self):
        self.push(dict(account("001D2", Billing_Customer_Id__c="cus_D2"), _type="Account"))
        subscription = self.activate("cus_D2", "sub_D2")
        self.assertIn(
            subscription, self.env["saas.subscription"].search([("has_booked_deal", "=", False)])
        )
        self.push(dict(opportunity("006D2", "001D2", Plan__c="pro"), _type="Opportunity"))
        self.assertEqual(self.deal("006D2").subscription_id, subscription)

    def test_unmatched_deal_older_than_n_days_is_leakage(self):
        old = fields.Date.to_string(fields.Date.today() - timedelta(days=31))
        recent = fields.Date.to_string(fields.Date.today() - timedelta(days=29))
        self.push(
            dict(account("001D3"), _type="Account"),
            dict(opportunity("006OLD", "001D3", CloseDate=old), _type="Opportunity"),
            dict(opportunity("006NEW", "001D3", CloseDate=recent), _type="Opportunity"),
        )
        action = self.env.ref("saas_salesforce.action_saas_booked_deal_leakage")
        leaking = self.env["saas.booked.deal"].search(safe_eval(action.domain))
        self.assertIn(self.deal("006OLD"), leaking)
        self.assertNotIn(self.deal("006NEW"), leaking)
        self.assertEqual(self.deal("006OLD").days_waiting, 31)
        # N is a setting.
        self.env["ir.config_parameter"].sudo().set_param("saas_salesforce.leakage_days", "28")
        leaking = self.env["saas.booked.deal"].search([("is_leaking", "=", True)])
        self.assertIn(self.deal("006NEW"), leaking)

    def test_deal_leaving_closed_won_is_cancelled_and_older_versions_ignored(self):
        self.push(
            dict(account("001D4"), _type="Account"),
            dict(opportunity("006D4", "001D4"), _type="Opportunity"),
        )
        deal = self.deal("006D4")
        self.assertEqual(deal.state, "waiting")
        [reopened] = self.push(
            dict(
                opportunity(
                    "006D4",
                    "001D4",
                    "2026-01-07T10:00:00.000Z",
                    StageName="Negotiation",
                    IsWon="false",
                    IsClosed="false",
                ),
                _type="Opportunity",
            )
        )
        self.assertEqual(reopened.state, "done")
        self.assertEqual(deal.state, "cancelled")
        [late] = self.push(dict(opportunity("006D4", "001D4"), _type="Opportunity"))
        self.assertEqual(late.state, "ignored")
        self.assertEqual(deal.state, "cancelled")

    def test_deal_of_unknown_account_waits(self):
        [event] = self.push(dict(opportunity("006D5", "001UNKNOWN"), _type="Opportunity"))
        self.assertEqual((event.state, event.error_class), ("retry", "dependency"))
        self.assertFalse(self.deal("006D5"))

    def report_row(self):
        self.env.flush_all()
        return self.env["saas.booking.mrr.report"].search(
            [("month", "=", "2026-01-01"), ("company_id", "=", self.env.company.id)]
        )

    def test_bookings_vs_new_mrr(self):
        # The demo data may hold subscriptions started that month: compare with before.
        before = self.report_row()
        new_mrr_before = before.new_mrr if before else 0.0
        bookings_before = before.bookings if before else 0.0
        self.push(
            dict(account("001D6", Billing_Customer_Id__c="cus_D6"), _type="Account"),
            dict(
                opportunity("006D6", "001D6", CloseDate="2026-01-15", Amount="12000.00"),
                _type="Opportunity",
            ),
        )
        self.activate("cus_D6", "sub_D6", start="2026-01-20")
        row = self.report_row()
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.bookings - bookings_before, 12000.00, places=2)
        self.assertAlmostEqual(row.new_mrr - new_mrr_before, 1000.00, places=2)
        self.assertAlmostEqual(row.new_arr, row.new_mrr * 12, places=2)
        self.assertGreaterEqual(row.deal_count, 1)
