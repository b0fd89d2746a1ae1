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
        # the days are counted in the user's time zone (the UTC date differs
        # near midnight)
        today = fields.Date.context_today(self.env["saas.booked.deal"])
        old = fields.Date.to_string(today - timedelta(days=31))
        recent = fields.Date.to_string(today - timedelta(days=29))
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

    def report_row(self, month="2026-01-01"):
        self.env.flush_all()
        self.env.invalidate_all()  # the report is a view: read it again
        return self.env["saas.booking.mrr.report"].search(
            [("month", "=", month), ("company_id", "=", self.env.company.id)]
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

    def report_month(self, month):
        row = self.report_row(month)
        return (row.bookings, row.deal_count) if row else (0.0, 0)

    def test_multi_year_deal_books_its_annual_value_per_year(self):
        # Worked example: a 3-year Opportunity of 36,000 with a contract term
        # of 36 months books 12,000 a year, at its close date and at each
        # anniversary; the deal counts once.
        self.system.salesforce_term_field = "Contract_Term_Months__c"
        months = ("2027-04-01", "2028-04-01", "2029-04-01", "2030-04-01")
        before = {month: self.report_month(month) for month in months}
        self.push(
            dict(account("001MY1"), _type="Account"),
            dict(
                opportunity(
                    "006MY1",
                    "001MY1",
                    CloseDate="2027-04-15",
                    Amount="36000.00",
                    Contract_Term_Months__c="36",
                ),
                _type="Opportunity",
            ),
        )
        deal = self.deal("006MY1")
        self.assertEqual((deal.amount, deal.term_months, deal.annual_value), (36000.0, 36, 12000.0))
        self.assertEqual(
            [(y.year, str(y.date_start), y.months, y.amount) for y in deal.booking_year_ids],
            [
                (1, "2027-04-15", 12, 12000.0),
                (2, "2028-04-15", 12, 12000.0),
                (3, "2029-04-15", 12, 12000.0),
            ],
        )
        self.assertEqual(sum(deal.booking_year_ids.mapped("amount_company")), deal.amount_company)
        after = {month: self.report_month(month) for month in months}
        changes = [
            (round(after[m][0] - before[m][0], 2), after[m][1] - before[m][1]) for m in months
        ]
        self.assertEqual(changes, [(12000.0, 1), (12000.0, 0), (12000.0, 0), (0.0, 0)])

        # The term renegotiated to 30 months (a newer version): the years
        # follow, the last one of 6 months; an uneven total rounds last.
        self.push(
            dict(
                opportunity(
                    "006MY1",
                    "001MY1",
                    "2026-01-08T10:00:00.000Z",
                    CloseDate="2027-04-15",
                    Amount="10000.00",
                    Contract_Term_Months__c="30.0",
                ),
                _type="Opportunity",
            )
        )
        self.assertEqual((deal.term_months, deal.annual_value), (30, 4000.0))
        self.assertEqual(
            [(y.months, y.amount) for y in deal.booking_year_ids],
            [(12, 4000.0), (12, 4000.0), (6, 2000.0)],
        )

    def test_deal_without_term_is_one_year_and_a_bad_term_is_refused(self):
        self.push(
            dict(account("001MY2"), _type="Account"),
            dict(opportunity("006MY2", "001MY2", Amount="1000.00"), _type="Opportunity"),
        )
        deal = self.deal("006MY2")
        self.assertEqual((deal.term_months, deal.annual_value), (12, 1000.0))
        self.assertEqual(deal.booking_year_ids.mapped("amount"), [1000.0])

        self.system.salesforce_term_field = "Contract_Term_Months__c"
        for term in ("0", "2.5", "three years"):
            with self.subTest(term=term):
                [event] = self.push(
                    dict(
                        opportunity("006MY3", "001MY2", Contract_Term_Months__c=term),
                        _type="Opportunity",
                    )
                )
                self.assertEqual(event.state, "dead")
                self.assertIn("contract term", event.last_error)
                self.assertIn("Contract_Term_Months__c", event.last_error)
                self.assertFalse(self.deal("006MY3"), "nothing booked from a bad term")
