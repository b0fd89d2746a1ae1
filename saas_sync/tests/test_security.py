# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import signal

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

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

    def test_an_api_key_asks_for_its_name(self):
        """Issue 19: the button made a key named after its creation time; the
        dialog now asks for the name, and a key without one is refused."""
        Key = self.env["saas.api.key"].with_context(active_test=False)
        before = Key.search_count([("system_id", "=", self.system.id)])
        action = self.system.action_generate_api_key()
        self.assertEqual(Key.search_count([("system_id", "=", self.system.id)]), before)
        self.assertEqual(action["res_model"], "saas.api.key.show")
        Show = self.env["saas.api.key.show"].with_context(**action["context"])
        for name in ("", "   ", False):
            with self.subTest(name=name), self.assertRaisesRegex(UserError, "Name the API key"):
                Show.create({"name": name}).action_generate()
        self.assertEqual(Key.search_count([("system_id", "=", self.system.id)]), before)
        shown = Show.create({"name": " Billing platform "}).action_generate()
        key = Key.search([("system_id", "=", self.system.id), ("name", "=", "Billing platform")])
        self.assertEqual(len(key), 1)
        self.assertTrue(shown["context"]["default_key"].startswith(f"saas_{key.prefix}_"))
        self.assertEqual(shown["context"]["default_name"], "Billing platform")

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


@tagged("post_install", "-at_install")
class TestRpcSurface(SaasSyncCommon, HttpCase):
    """What a logged-in user can call over JSON-RPC, as that user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(cls.env, login="saas_portal", groups="base.group_portal")
        cls.partner_a = cls.env["res.partner"].create({"name": "Bound A"})
        cls.partner_b = cls.env["res.partner"].create({"name": "Bound B"})
        cls.binding = cls.env["saas.binding"].bind(cls.system, cls.partner_a, "cus_bound")

    def call(self, user, model, method, *args, **kwargs):
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def assertRefused(self, user, model, method, *args, error="AccessError", **kwargs):
        with self.assertRaises(JsonRpcException, msg=f"{model}.{method}") as refused:
            self.call(user, model, method, *args, **kwargs)
        self.assertEqual(str(refused.exception), f"odoo.exceptions.{error}")

    def test_binding_helpers_are_not_callable(self):
        target = self.partner_b.id
        for user in (self.portal_user, self.support_user, self.reviewer_user):
            self.assertRefused(
                user, "saas.binding", "move_bindings", "res.partner", [self.partner_a.id], target
            )
            self.assertRefused(
                user, "saas.binding", "find_binding", self.system.id, "res.partner", "cus_bound"
            )
            self.assertRefused(
                user, "saas.binding", "find_record", self.system.id, "res.partner", "cus_bound"
            )
            self.assertRefused(
                user, "saas.binding", "bind", self.system.id, self.partner_b.id, "cus_bound"
            )
            self.assertRefused(user, "saas.binding", "is_stale", [self.binding.id], False)
        self.assertEqual(self.binding.res_id, self.partner_a.id)

    def test_monitor_numbers_are_not_callable(self):
        company_ids = [self.company.id]
        for user in (self.portal_user, self.support_user):
            self.assertRefused(user, "saas.monitor", "queue_stats", company_ids)
            self.assertRefused(user, "saas.monitor", "events_per_hour", 24, company_ids)
            self.assertRefused(user, "saas.monitor", "prometheus_metrics", company_ids)
        # The dashboard entry point checks access to events.
        self.assertRefused(self.portal_user, "saas.monitor", "get_dashboard_data")
        data = self.call(self.support_user, "saas.monitor", "get_dashboard_data")
        self.assertIn("pending", data["stats"])

    def test_resolution_helpers_are_not_callable(self):
        self.assertRefused(
            self.portal_user, "saas.mapping", "resolve", self.system.id, "currency", "EUR"
        )
        self.assertRefused(self.portal_user, "saas.system", "owns", [self.system.id], "customers")

    def test_event_name_search_answers(self):
        """name_search on events (the replay wizard's event field) terminates."""
        event = self.store(canonical_event("evt_named"))
        support = self.env["saas.event"].with_user(self.support_user)
        # In process first, under an alarm: a looping search fails here instead
        # of leaving a server thread spinning.
        previous = signal.signal(signal.SIGALRM, _raise_timeout)
        signal.alarm(10)
        try:
            found = support.name_search("evt_named")
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        self.assertEqual([row[0] for row in found], event.ids)
        self.authenticate(self.support_user.login, self.support_user.login)
        response = self.url_open(
            "/web/dataset/call_kw/saas.event/name_search",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "saas.event",
                        "method": "name_search",
                        "args": [],
                        "kwargs": {
                            "name": "customer.upserted",
                            "args": [["system_id", "=", self.system.id]],
                        },
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
            timeout=20,
        )
        self.assertEqual(response.json()["result"], [[event.id, event.display_name]])

    def test_bad_api_key_leaves_the_system_row_alone(self):
        """A wrong key (known prefix) is counted apart: the saas_system row is
        not written, so a flood of bad keys cannot serialize on it."""
        self.env.flush_all()
        query = "SELECT xmin::text, write_date FROM saas_system WHERE id = %s"
        self.env.cr.execute(query, (self.system.id,))
        before = self.env.cr.fetchone()
        prefix = "_".join(self.api_key.split("_", 2)[:2])  # saas_<prefix>
        response = self.url_open(
            "/saas/api/v1/events",
            data=json.dumps(canonical_event("evt_bad_key")),
            headers={"Authorization": f"Bearer {prefix}_wrongsecret"},
        )
        self.assertEqual(response.status_code, 401)
        self.env.cr.execute(query, (self.system.id,))
        self.assertEqual(self.env.cr.fetchone(), before)
        self.system.invalidate_recordset()
        self.assertEqual(self.system.signature_failure_count, 1)
        failure = self.env["saas.signature.failure"].search([("system_id", "=", self.system.id)])
        self.assertEqual(failure.reason, "bad_api_key")
        self.assertFalse(self.env["saas.event"].search([("external_id", "=", "evt_bad_key")]))


def _raise_timeout(_signum, _frame):
    raise TimeoutError("name_search did not return within 10 seconds")
