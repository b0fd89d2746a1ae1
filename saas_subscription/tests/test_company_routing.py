# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Multi-company: an event routed by ``entity`` lives in the company it is
routed to, and mapping targets belong to the mapping's company."""

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestCompanyRouting(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Entity B"})
        entity = cls.env["saas.mapping"].create(
            {
                "system_id": cls.system.id,
                "kind": "company",
                "external_key": "EU",
                "target_ref": f"res.company,{cls.company_b.id}",
            }
        )
        entity.action_approve()
        group = "base.group_user,saas_sync.group_saas_support"
        cls.support_a = new_test_user(
            cls.env,
            login="routing_support_a",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            groups=group,
        )
        cls.support_b = new_test_user(
            cls.env,
            login="routing_support_b",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
            groups=group,
        )

    def visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_event_routed_by_entity_is_recorded_in_that_company(self):
        event = self.emit(
            "customer.upserted", {"customer_id": "cus_eu", "name": "EU customer"}, entity="EU"
        )
        self.assertDone(event)
        self.assertEqual(self.system.company_id, self.company)
        self.assertEqual(event.company_id, self.company_b)
        self.assertTrue(event.attempt_ids and event.record_ids)
        self.assertEqual(event.attempt_ids.company_id, self.company_b)
        self.assertEqual(event.record_ids.company_id, self.company_b)
        for records in (event, event.attempt_ids, event.record_ids):
            self.assertEqual(self.visible(self.support_b, records), records)
            self.assertFalse(self.visible(self.support_a, records))
        # Without an entity the event stays in the system's company.
        local = self.emit("customer.upserted", {"customer_id": "cus_local"})
        self.assertDone(local)
        self.assertEqual(local.company_id, self.company)
        self.assertEqual(local.attempt_ids.company_id, self.company)

    def test_mapping_targets_belong_to_the_mapping_company(self):
        tax_a = self.company_data["default_tax_sale"]
        country = self.env.ref("base.us")
        group_b = self.env["account.tax.group"].create(
            {"name": "B taxes", "company_id": self.company_b.id, "country_id": country.id}
        )
        tax_b = self.env["account.tax"].create(
            {
                "name": "B tax",
                "amount": 10,
                "company_id": self.company_b.id,
                "tax_group_id": group_b.id,
                "country_id": country.id,
            }
        )
        values = {"system_id": self.system.id, "kind": "tax", "external_key": "T"}
        with self.assertRaises(ValidationError):
            self.env["saas.mapping"].create(dict(values, target_ref=f"account.tax,{tax_b.id}"))
        mapping = self.env["saas.mapping"].create(
            dict(values, target_ref=f"account.tax,{tax_a.id}")
        )
        with self.assertRaises(ValidationError):
            mapping.target_ref = f"account.tax,{tax_b.id}"
        # A shared mapping (no system, no company) takes shared targets only.
        with self.assertRaises(ValidationError):
            self.env["saas.mapping"].create(
                {"kind": "tax", "external_key": "T-ALL", "target_ref": f"account.tax,{tax_a.id}"}
            )
        product = self.env["product.product"].create({"name": "Shared plan"})
        shared = self.env["saas.mapping"].create(
            {
                "kind": "product",
                "external_key": "shared",
                "target_ref": f"product.product,{product.id}",
            }
        )
        self.assertFalse(shared.company_id)
