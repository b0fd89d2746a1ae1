# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A site with several business entities: each resource names its
``business_entity_id``, and each entity is booked in the company its company
mapping names (issue 20)."""

from odoo.tests import tagged

from .common import ChargebeeCase
from .samples import FEB_1, resource


@tagged("post_install", "-at_install")
class TestChargebeeBusinessEntities(ChargebeeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_eu = cls.env["res.company"].create({"name": "Acme Europe"})
        mapping = cls.env["saas.mapping"].create(
            {
                "system_id": cls.chargebee.id,
                "kind": "company",
                "external_key": "acme-eu",
                "target_ref": f"res.company,{cls.company_eu.id}",
            }
        )
        mapping.action_approve()

    def customer_event(self, customer_id, entity):
        customer = resource("customer", id=customer_id, business_entity_id=entity)
        return self.deliver("customer_created", FEB_1, customer=customer)

    def test_each_business_entity_goes_to_its_company(self):
        self.chargebee.chargebee_business_entities = True
        eu = self.customer_event("cb_cust_eu", "acme-eu")
        self.assertDone(eu)
        self.assertEqual(eu.company_id, self.company_eu)
        self.assertEqual(eu.record_ids.company_id, self.company_eu)
        # An entity no approved mapping names waits for one: nothing is booked
        # in the system's company by default.
        apac = self.customer_event("cb_cust_apac", "acme-apac")
        self.assertEqual(apac.state, "needs_mapping")
        self.assertEqual(
            (apac.missing_mapping_id.kind, apac.missing_mapping_id.external_key),
            ("company", "acme-apac"),
        )
        self.assertFalse(self.cb_bound("res.partner", "cb_cust_apac"))

    def test_a_site_of_one_entity_stays_in_the_system_company(self):
        event = self.customer_event("cb_cust_one", "acme-eu")
        self.assertDone(event)
        self.assertEqual(event.company_id, self.company)
