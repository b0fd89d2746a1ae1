# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""POST /saas/webhook/chargebee/<code> over real HTTP: Basic auth credentials,
rotation, malformed bodies, sites and environments, each with its answer and
what it stores."""

import base64
import json

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.saas_sync.tests.common import WebhookPoster, sandbox_system

from .samples import chargebee_event, resource


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@tagged("post_install", "-at_install")
class TestChargebeeWebhook(WebhookPoster, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system = sandbox_system(
            cls.env,
            name="Chargebee test",
            code="cb-webhook",
            kind="chargebee",
            chargebee_webhook_user="odoo-old",
            chargebee_webhook_password="old-secret",
        )
        cls.system.chargebee_site = "acme-test"
        # Rotation: a new pair; the old one stays valid until forgotten.
        cls.system.write(
            {"chargebee_webhook_user": "odoo", "chargebee_webhook_password": "s3cret:pass"}
        )
        cls.url = "/saas/webhook/chargebee/cb-webhook"

    def post(self, payload, authorization=None, url=None):
        return self.post_webhook(payload, {"Authorization": authorization}, url)

    def payload(self, event_type="customer_created", **kwargs):
        customer = resource("customer", email="jane@acme.example")
        return json.dumps(chargebee_event(event_type, customer=customer, **kwargs))

    def test_good_credentials_store_the_event_once(self):
        payload = self.payload(event_id="ev_ok")
        response = self.post(payload, basic("odoo", "s3cret:pass"))
        self.assertEqual(response.status_code, 200, response.text)
        event = self.stored()
        self.assertEqual(
            (event.external_id, event.event_type, event.api_version, event.state, event.lane),
            ("ev_ok", "customer_created", "v2", "received", "operational"),
        )
        self.assertEqual(str(event.occurred_at), "2026-01-01 00:00:00")
        self.assertEqual(event.sudo().payload, payload)
        self.assertNotIn("jane@acme.example", event.payload_masked)
        again = self.post(payload, basic("odoo", "s3cret:pass"))
        self.assertEqual((again.status_code, again.json()["duplicate"]), (200, True))
        self.assertEqual(again.json()["id"], event.id)
        self.assertEqual(len(self.stored()), 1)

    def test_previous_credentials_during_rotation(self):
        self.assertEqual(
            self.post(self.payload(), basic("odoo-old", "old-secret")).status_code, 200
        )
        self.system.action_forget_previous_secret()
        response = self.post(self.payload(), basic("odoo-old", "old-secret"))
        self.assertEqual(response.status_code, 401)
        self.assertEqual(len(self.stored()), 1)

    def test_refusals_store_nothing_and_are_counted(self):
        before = self.system.signature_failure_count
        cases = [
            ("wrong password", basic("odoo", "wrong")),
            ("wrong user", basic("mallory", "s3cret:pass")),
            ("missing header", None),
            ("bearer instead of basic", "Bearer s3cret:pass"),
            ("not base64", "Basic %%%"),
            ("no colon", "Basic " + base64.b64encode(b"odoo").decode()),
        ]
        for label, authorization in cases:
            with self.subTest(label):
                response = self.post(self.payload(), authorization)
                self.assertEqual(response.status_code, 401, label)
                self.assertEqual(response.json()["error"], "unauthorized")
                self.assertIn("Basic", response.headers["WWW-Authenticate"])
        self.assertFalse(self.stored())
        self.system.invalidate_recordset()
        self.assertEqual(self.system.signature_failure_count, before + len(cases))
        reasons = self.env["saas.signature.failure"].search([("system_id", "=", self.system.id)])
        self.assertEqual(set(reasons.mapped("reason")), {"bad_credentials"})

    def test_malformed_bodies_answer_400(self):
        auth = basic("odoo", "s3cret:pass")
        cases = [
            ("not json", b"{not json"),
            ("a list", b"[]"),
            ("no content", json.dumps({"id": "ev_x", "occurred_at": 1, "event_type": "x"})),
            ("text timestamp", json.dumps(dict(json.loads(self.payload()), occurred_at="today"))),
            ("id not a string", json.dumps(dict(json.loads(self.payload()), id=42))),
            ("api v1", json.dumps(dict(json.loads(self.payload()), api_version="v1"))),
        ]
        for label, body in cases:
            with self.subTest(label):
                response = self.post(body, auth)
                self.assertEqual(response.status_code, 400, f"{label}: {response.text}")
        self.assertFalse(self.stored())

    def test_unknown_type_is_stored_ignored(self):
        response = self.post(self.payload("coupon_created"), basic("odoo", "s3cret:pass"))
        self.assertEqual(response.status_code, 200)
        event = self.stored()
        self.assertEqual(event.state, "ignored")
        self.assertIn("coupon_created is not handled", event.ignore_reason)

    def test_unknown_code_answers_404(self):
        response = self.post(
            self.payload(), basic("odoo", "s3cret:pass"), "/saas/webhook/chargebee/nope"
        )
        self.assertEqual(response.status_code, 404)

    def test_site_and_environment_mismatch_answer_409(self):
        auth = basic("odoo", "s3cret:pass")
        other = self.post(self.payload(), auth, self.url + "?site=globex-test")
        self.assertEqual((other.status_code, other.json()["error"]), (409, "site_mismatch"))
        ok = self.post(self.payload(), auth, self.url + "?site=acme-test")
        self.assertEqual(ok.status_code, 200, ok.text)
        self.assertEqual(len(self.stored()), 1)
        # A live site on a sandbox system: livemode does not match.
        self.system.chargebee_site = "acme"
        live = self.post(self.payload(), auth, self.url + "?site=acme")
        self.assertEqual((live.status_code, live.json()["error"]), (409, "wrong_environment"))
        # A production system in a sandbox database.
        self.system.environment = "production"
        prod = self.post(self.payload(), auth)
        self.assertEqual(prod.status_code, 409)
        self.assertEqual(len(self.stored()), 1)

    def test_too_large_and_back_pressure(self):
        auth = basic("odoo", "s3cret:pass")
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.max_body_bytes", "200")
        self.assertEqual(self.post(self.payload(), auth).status_code, 413)
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.max_body_bytes", "1048576")
        self.system.max_pending_events = 1
        self.assertEqual(self.post(self.payload(), auth).status_code, 200)
        full = self.post(self.payload(), auth)
        self.assertEqual(full.status_code, 429)
        self.assertTrue(full.headers.get("Retry-After"))
        self.assertEqual(len(self.stored()), 1)

    def test_credentials_are_write_only(self):
        self.system.invalidate_recordset()  # what the next request reads
        values = self.system.read(
            ["chargebee_webhook_password", "chargebee_site", "chargebee_api_key"]
        )[0]
        self.assertFalse(
            values["chargebee_webhook_password"]
            or values["chargebee_site"]
            or values["chargebee_api_key"]
        )
        self.assertEqual(self.system.chargebee_webhook_user, "odoo")
        self.assertTrue(self.system.webhook_secret_previous_set)
        self.assertTrue(self.system.chargebee_webhook_url.endswith(self.url))
        with self.assertRaises(UserError):
            # A new user alone would leave Chargebee's pair unknown.
            self.system.write({"chargebee_webhook_user": "someone-else"})
