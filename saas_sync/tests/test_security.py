# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import SaasSyncCommon, canonical_event


@tagged("post_install", "-at_install")
class TestSecurity(SaasSyncCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system.webhook_secret = "whsec_current"
        data = {
            "customer_id": "cus_1",
            "email": "jane.doe@example.com",
            "vat": "BE0477472701",
            "address": {"line1": "1 Main St", "city": "Ghent"},
            "card": {"last4": "4242", "exp_month": 12},
            "payment_reference": "pi_3MtwBwLkdIwHu7ix28a3tqPa",
        }
        cls.event = cls.env["saas.event"]._store_incoming(
            cls.system,
            json.dumps(canonical_event("evt_pii", data=data)),
            canonical_event("evt_pii", data=data),
            {"id": "evt_pii", "type": "customer.upserted"},
        )[0]

    def test_support_reads_masked_payload_only(self):
        event = self.event.with_user(self.support_user)
        masked = json.loads(event.payload_masked)["data"]
        self.assertEqual(masked["email"], "j***@example.com")
        self.assertEqual(masked["vat"], "***2701")
        self.assertEqual(masked["address"], "***")
        self.assertEqual(masked["card"], "***")
        self.assertEqual(masked["payment_reference"], "***tqPa")
        self.assertNotIn("jane.doe", event.payload_masked)
        with self.assertRaises(AccessError):
            event.read(["payload"])
        # The administrator reads the raw payload.
        self.assertIn("jane.doe@example.com", self.event.payload)

    def test_support_sees_no_secret(self):
        system = self.system.with_user(self.support_user)
        self.assertEqual(system.name, "Test billing")
        for field in ("webhook_secret", "webhook_secret_value", "webhook_secret_previous_value"):
            with self.assertRaises(AccessError, msg=field):
                system.read([field])
        with self.assertRaises(AccessError):
            self.env["saas.api.key"].with_user(self.support_user).search([])
        with self.assertRaises(AccessError):
            system.generate_api_key("sneaky")

    def test_secrets_are_write_only_even_for_admins(self):
        admin = new_test_user(
            self.env, login="saas_admin2", groups="base.group_user,saas_sync.group_saas_admin"
        )
        system = self.system.with_user(admin)
        self.assertFalse(system.webhook_secret)  # never read back
        self.assertTrue(system.webhook_secret_set)
        with self.assertRaises(AccessError):
            system.read(["webhook_secret_value"])
        self.assertEqual(system.read(["webhook_secret"])[0]["webhook_secret"], False)
        system.webhook_secret = "whsec_next"
        # Rotation: both secrets are accepted until the rotation is finished.
        self.assertEqual(self.system._webhook_secrets(), ["whsec_next", "whsec_current"])
        system.action_forget_previous_secret()
        self.assertEqual(self.system._webhook_secrets(), ["whsec_next"])

    def test_api_keys_are_stored_hashed_and_revocable(self):
        key = self.system.generate_api_key("ci")
        record = self.env["saas.api.key"].search(
            [("system_id", "=", self.system.id), ("name", "=", "ci")]
        )
        self.assertTrue(key.startswith(f"saas_{record.prefix}_"))
        self.assertNotIn(key.split("_", 2)[2], record.sudo().key_hash)
        self.assertEqual(self.env["saas.system"]._authenticate_api_key(key), self.system)
        self.assertFalse(self.env["saas.system"]._authenticate_api_key(key + "x"))
        record.action_revoke()
        self.assertFalse(self.env["saas.system"]._authenticate_api_key(key))

    def test_other_company_sees_nothing(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        user_b = new_test_user(
            self.env,
            login="saas_support_b",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
            groups="base.group_user,saas_sync.group_saas_support",
        )
        Event = self.env["saas.event"].with_user(user_b)
        self.assertFalse(Event.search([("id", "=", self.event.id)]))
        self.assertFalse(
            self.env["saas.system"].with_user(user_b).search([("id", "=", self.system.id)])
        )
        with self.assertRaises(AccessError):
            self.event.with_user(user_b).payload_masked  # noqa: B018
        # A system of company B is visible to B, not to A's support user.
        system_b = self.env["saas.system"].create(
            {"name": "B", "code": "b-billing", "company_id": company_b.id}
        )
        self.assertEqual(self.env["saas.system"].with_user(user_b).search([]), system_b)
        self.assertNotIn(system_b, self.env["saas.system"].with_user(self.support_user).search([]))
