# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestCustomers(SubscriptionCommon):
    def test_create_then_update_through_binding(self):
        partner = self.customer(
            "cus_a",
            name="Acme",
            email="billing@acme.example",
            address={"line1": "1 Main St", "city": "Ghent", "country": "BE"},
        )
        self.assertEqual(
            (partner.name, partner.street, partner.country_id.code), ("Acme", "1 Main St", "BE")
        )
        again = self.emit(
            "customer.upserted",
            {"customer_id": "cus_a", "name": "Acme Inc"},
            occurred_at="2026-01-02T00:00:00Z",
        )
        self.assertDone(again)
        self.assertEqual(partner.name, "Acme Inc")
        self.assertEqual(
            self.env["saas.binding"].search_count(
                [("system_id", "=", self.system.id), ("res_model", "=", "res.partner")]
            ),
            1,
        )

    def test_matches_existing_partner_by_email_then_vat(self):
        by_email = self.env["res.partner"].create(
            {"name": "Existing", "email": "Ops@Globex.example"}
        )
        self.assertEqual(self.customer("cus_g", email="ops@globex.example"), by_email)
        # The event shows what it matched (it created nothing; it wrote the name
        # it sent, the test system being the customers' system of record).
        event = self.env["saas.event"].search(
            [("system_id", "=", self.system.id)], order="id desc", limit=1
        )
        records = self.env["saas.event.record"].search([("event_id", "=", event.id)])
        self.assertEqual(
            [(r.res_model, r.res_id, r.operation) for r in records],
            [("res.partner", by_email.id, "match"), ("res.partner", by_email.id, "write")],
        )
        by_vat = self.env["res.partner"].create({"name": "VAT Co", "vat": "BE0477472701"})
        self.assertEqual(self.customer("cus_v", email=False, vat="BE 0477.472.701"), by_vat)

    def test_non_owner_only_fills_empty_fields_and_logs_the_rest(self):
        crm = self.env["saas.system"].create(
            {"name": "CRM", "code": "crm-test", "kind": "crm", "company_id": self.company.id}
        )
        partner = self.customer("cus_o", name="Owned Name", email="owned@example.com")
        self.env["saas.binding"].bind(crm, partner, "crm_1")
        event = self.emit(
            "customer.upserted",
            {
                "customer_id": "crm_1",
                "name": "CRM Name",
                "email": "crm@example.com",
                "phone": "+32 2 000 00 00",
            },
            system=crm,
            occurred_at="2026-01-05T00:00:00Z",
        )
        self.assertDone(event)
        self.assertEqual((partner.name, partner.email), ("Owned Name", "owned@example.com"))
        self.assertEqual(partner.phone, "+32 2 000 00 00")  # was empty: filled
        notes = event.attempt_ids.notes
        self.assertIn("Kept name", notes)
        self.assertIn("Kept email", notes)

    def test_older_customer_update_is_ignored(self):
        partner = self.customer("cus_late", name="New name")
        late = self.emit(
            "customer.upserted",
            {"customer_id": "cus_late", "name": "Old name"},
            occurred_at="2025-12-01T00:00:00Z",
        )
        self.assertEqual(late.state, "ignored")
        self.assertEqual(partner.name, "New name")

    def test_dedup_wizard_merges_and_moves_bindings(self):
        keep = self.customer("cus_d1", email="dup@example.com", name="Dup One")
        other = self.env["res.partner"].create({"name": "Dup Two", "email": "DUP@example.com "})
        self.env["saas.binding"].bind(self.system, other, "cus_d2")
        wizard = self.env["saas.partner.dedup"].create({})
        line = wizard.line_ids.filtered(lambda x: x.match_key == "dup@example.com")
        self.assertEqual(line.partner_ids, keep | other)
        line.write({"selected": True, "dst_partner_id": keep.id})
        wizard.action_merge()
        self.assertFalse(other.exists())
        self.assertEqual(
            self.env["saas.binding"].find_record(self.system, "res.partner", "cus_d2"), keep
        )
