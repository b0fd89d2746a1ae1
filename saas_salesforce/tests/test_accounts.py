# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Accounts -> customers: Salesforce's owned fields, the billing platform's
customer on the same partner, the salesperson, dedup merges."""

from odoo.tests import TransactionCase, tagged

from .common import SalesforceSetup
from .soap_fixtures import account, rest_record

_ids = iter(range(1, 10**6))


@tagged("post_install", "-at_install")
class TestSalesforceAccounts(SalesforceSetup, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_systems()

    def billing_customer(self, customer_id, **data):
        event = {
            "id": f"evt_billing_{next(_ids)}",
            "type": "customer.upserted",
            "occurred_at": "2026-01-10T00:00:00Z",
            "schema_version": 1,
            "livemode": False,
            "data": dict({"customer_id": customer_id}, **data),
        }
        [(stored, _created)] = self.env["saas.event"]._receive_canonical(self.billing, event)
        self.process()
        return stored

    def account_event(self, account_id, **fields):
        [(stored, _created)] = self.receive_records(
            [rest_record("Account", account(account_id, **fields))], prefix=f"n{next(_ids)}"
        )
        self.process()
        return stored

    def partner_of(self, system, external_id):
        return self.env["saas.binding"].find_record(system, "res.partner", external_id)

    def test_account_becomes_customer(self):
        event = self.account_event("001ACC1", VAT_Number__c="FR40303265045")
        self.assertEqual(event.state, "done", event.last_error)
        partner = self.partner_of(self.system, "001ACC1")
        self.assertEqual(
            (partner.name, partner.street, partner.street2, partner.city, partner.zip),
            ("Acme Corp", "12 Rue de la Paix", "Building B", "Paris", "75002"),
        )
        self.assertEqual(partner.country_id.code, "FR")
        self.assertEqual(partner.vat, "FR40303265045")
        self.assertTrue(partner.is_company)
        # No salesperson mapping yet: noted, and a draft waits for the administrator.
        self.assertIn("0055e000000OWNERAAA", event.attempt_ids[-1].notes)
        draft = self.env["saas.mapping"].search(
            [("kind", "=", "user"), ("external_key", "=", "0055e000000OWNERAAA")]
        )
        self.assertEqual(draft.state, "draft")
        draft.target_ref = self.env.user
        draft.action_approve()
        self.account_event("001ACC1", SystemModstamp="2026-01-06T10:00:00.000Z")
        self.assertEqual(partner.user_id, self.env.user)

    def test_billing_customer_first_then_account_same_partner(self):
        self.billing_customer("cus_FIRST", name="acme corp (billing)", email="ap@acme.test")
        billing_partner = self.partner_of(self.billing, "cus_FIRST")
        self.account_event("001ACC2", Billing_Customer_Id__c="cus_FIRST")
        self.assertEqual(self.partner_of(self.system, "001ACC2"), billing_partner)
        # Salesforce owns the name: it overwrites the billing platform's.
        self.assertEqual(billing_partner.name, "Acme Corp")
        self.assertEqual(billing_partner.email, "ap@acme.test")

    def test_account_first_then_billing_customer_same_partner(self):
        self.account_event("001ACC3", Billing_Customer_Id__c="cus_LATER")
        partner = self.partner_of(self.system, "001ACC3")
        self.assertEqual(self.partner_of(self.billing, "cus_LATER"), partner)
        count = self.env["res.partner"].search_count([])
        self.billing_customer("cus_LATER", name="Other name", email="billing@acme.test")
        self.assertEqual(self.env["res.partner"].search_count([]), count, "no second customer")
        self.assertEqual(self.partner_of(self.billing, "cus_LATER"), partner)

    def test_salesforce_owned_field_not_overwritten_by_billing_platform(self):
        self.account_event("001ACC4", Billing_Customer_Id__c="cus_OWN")
        partner = self.partner_of(self.system, "001ACC4")
        event = self.billing_customer(
            "cus_OWN",
            name="ACME BILLING LTD",
            email="invoices@acme.test",
            address={"line1": "1 Billing Road", "city": "Paris"},
        )
        self.assertEqual(event.state, "done", event.last_error)
        self.assertEqual(partner.name, "Acme Corp", "Salesforce owns the name")
        self.assertEqual(partner.street, "12 Rue de la Paix", "Salesforce owns the address")
        self.assertEqual(partner.email, "invoices@acme.test", "the email is not Salesforce's")
        notes = event.attempt_ids[-1].notes
        self.assertIn("Kept name", notes)
        self.assertIn("ACME BILLING LTD", notes)
        self.assertIn("1 Billing Road", notes)
        self.assertIn("sf-test", notes)
        # A field Salesforce does not own stays the billing platform's to change.
        self.billing_customer("cus_OWN", email="ap@acme.test")
        self.assertEqual(partner.email, "ap@acme.test")
        # Once the name is no longer Salesforce's, the owner of customers writes it.
        self.system.salesforce_owned_field_ids = self.system.salesforce_owned_field_ids.filtered(
            lambda f: f.name != "name"
        )
        self.billing_customer("cus_OWN", name="ACME BILLING LTD")
        self.assertEqual(partner.name, "ACME BILLING LTD")

    def test_salesforce_fills_only_empty_fields_it_does_not_own(self):
        self.billing_customer("cus_PH", name="Phone Co", phone="+33 1 00 00 00 00")
        self.account_event("001ACC5", Billing_Customer_Id__c="cus_PH", Phone="+33 9 99 99 99 99")
        partner = self.partner_of(self.system, "001ACC5")
        self.assertEqual(partner.phone, "+33 1 00 00 00 00")
        self.assertEqual(partner.name, "Acme Corp")

    def test_dedup_merge_keeps_bindings(self):
        self.account_event("001ACC6")
        self.billing_customer("cus_DUP", name="Acme duplicate", email="dup@acme.test")
        sf_partner = self.partner_of(self.system, "001ACC6")
        billing_partner = self.partner_of(self.billing, "cus_DUP")
        self.assertNotEqual(sf_partner, billing_partner)
        billing_partner.vat = sf_partner.vat = "BE0477472701"
        wizard = self.env["saas.partner.dedup"].create({})
        line = wizard.line_ids.filtered(lambda group: sf_partner in group.partner_ids)
        line.write({"selected": True, "dst_partner_id": sf_partner.id})
        wizard.action_merge()
        self.assertFalse(billing_partner.exists())
        self.assertEqual(self.partner_of(self.billing, "cus_DUP"), sf_partner)
        self.assertEqual(self.partner_of(self.system, "001ACC6"), sf_partner)
