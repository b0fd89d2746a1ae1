# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""POST /saas/webhook/stripe/<code> over real HTTP: signatures, rotation,
replayed timestamps, tampering and environment, each with its answer."""

import json
import time

from odoo.tests import HttpCase, tagged

from odoo.addons.saas_sync.tests.common import WebhookPoster, sandbox_system

from .common import sign, stripe_event, stripe_fixture


@tagged("post_install", "-at_install")
class TestStripeWebhook(WebhookPoster, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system = sandbox_system(cls.env, name="Stripe test", code="stripe-test", kind="stripe")
        cls.system.webhook_secret = "whsec_old"
        cls.system.webhook_secret = "whsec_current"  # rotation: old stays accepted
        cls.url = "/saas/webhook/stripe/stripe-test"

    def post(self, payload, header):
        return self.post_webhook(payload, {"Stripe-Signature": header})

    def payload(self, **kwargs):
        return json.dumps(
            stripe_event(
                "customer.created",
                stripe_fixture("customer", email="jane@example.com", name="Jane"),
                **kwargs,
            )
        )

    def test_valid_signature_is_stored_once(self):
        payload = self.payload(event_id="evt_ok")
        response = self.post(payload, sign(payload, "whsec_current"))
        self.assertEqual(response.status_code, 200, response.text)
        event = self.stored()
        self.assertEqual(
            (event.external_id, event.event_type, event.api_version, event.state),
            ("evt_ok", "customer.created", "2025-06-30.basil", "received"),
        )
        self.assertEqual(event.sudo().payload, payload)
        self.assertNotIn("jane@example.com", event.payload_masked)
        again = self.post(payload, sign(payload, "whsec_current"))
        self.assertEqual((again.status_code, again.json()["duplicate"]), (200, True))
        self.assertEqual(len(self.stored()), 1)

    def test_previous_secret_is_accepted_during_rotation(self):
        payload = self.payload()
        self.assertEqual(self.post(payload, sign(payload, "whsec_old")).status_code, 200)
        self.system.action_forget_previous_secret()
        payload = self.payload()
        self.assertEqual(self.post(payload, sign(payload, "whsec_old")).status_code, 401)

    def test_refusals_store_no_payload(self):
        failures_before = self.system.signature_failure_count
        payload = self.payload()
        cases = [
            ("wrong secret", payload, sign(payload, "whsec_wrong")),
            ("expired timestamp", payload, sign(payload, "whsec_current", time.time() - 301)),
            ("missing header", payload, None),
            ("tampered body", payload.replace("Jane", "Mallory"), sign(payload, "whsec_current")),
            ("garbage header", payload, "t=abc,v1=nope"),
        ]
        for label, body, header in cases:
            with self.subTest(label):
                response = self.post(body, header)
                self.assertEqual(response.status_code, 401, response.text)
                self.assertEqual(response.json()["error"], "bad_signature")
        self.assertFalse(self.stored())
        self.system.invalidate_recordset()
        self.assertEqual(self.system.signature_failure_count, failures_before + len(cases))

    def system_row_version(self):
        """xmin and write_date of the system's row, read in SQL."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT xmin::text, write_date FROM saas_system WHERE id = %s", (self.system.id,)
        )
        return self.env.cr.fetchone()

    def test_bad_signature_leaves_the_system_row_alone(self):
        """Counting a refusal writes no saas_system row (a flood cannot
        serialize on it), and the count still shows it."""
        before = self.system_row_version()
        failures_before = self.system.signature_failure_count
        payload = self.payload()
        response = self.post(payload, sign(payload, "whsec_wrong"))
        self.assertEqual(response.status_code, 401)
        self.assertEqual(self.system_row_version(), before)
        self.system.invalidate_recordset()
        self.assertEqual(self.system.signature_failure_count, failures_before + 1)
        self.assertTrue(self.system.last_signature_failure_at)
        failure = self.env["saas.signature.failure"].search([("system_id", "=", self.system.id)])
        self.assertEqual(failure.mapped("reason"), ["bad_signature"])

    def test_id_and_type_of_every_json_kind_are_a_named_400(self):
        for key in ("id", "type"):
            for value in (None, True, 12.5, 10**30, "", "x" * 300, ["a"], {"a": 1}):
                with self.subTest(key=key, value=str(value)[:20]):
                    event = json.loads(self.payload())
                    event[key] = value
                    payload = json.dumps(event)
                    response = self.post(payload, sign(payload, "whsec_current"))
                    self.assertEqual(response.status_code, 400, response.text)
                    self.assertEqual(response.json()["field"], key)
        self.assertFalse(self.stored())

    def test_wrong_livemode_is_409(self):
        payload = self.payload(livemode=True)
        response = self.post(payload, sign(payload, "whsec_current"))
        self.assertEqual(response.status_code, 409)
        self.assertFalse(self.stored())

    def test_unknown_type_is_stored_ignored(self):
        payload = json.dumps(stripe_event("issuing.card.created", {"id": "ic_1"}))
        response = self.post(payload, sign(payload, "whsec_current"))
        self.assertEqual(response.status_code, 200)
        event = self.stored()
        self.assertEqual(event.state, "ignored")
        self.assertIn("not handled", event.ignore_reason)

    def test_unknown_system_and_bad_json(self):
        response = self.url_open(
            "/saas/webhook/stripe/nope", data="{}", headers={"Stripe-Signature": "t=1,v1=x"}
        )
        self.assertEqual(response.status_code, 404)
        body = "{not json"
        self.assertEqual(self.post(body, sign(body, "whsec_current")).status_code, 400)

    def test_stripe_events_stay_in_the_operational_lane(self):
        """Stripe's own ``invoice.voided`` shares its name with a canonical
        financial type: a Stripe event stays operational (the lane its
        webhook wakes up), whatever its name."""
        payload = json.dumps(
            stripe_event("invoice.voided", stripe_fixture("invoice"), event_id="evt_void")
        )
        response = self.post(payload, sign(payload, "whsec_current"))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.stored().lane, "operational")
        self.assertEqual(self.env["saas.event"]._lane_for("invoice.voided"), "financial")

    def test_canonical_api_refuses_a_stripe_system_key(self):
        """A Stripe system's API key is refused on the canonical API with a clear
        403: its events would otherwise die later with a bare ``'object'``."""
        key = self.system.generate_api_key("misused")
        event = {
            "id": "evt_canonical_to_stripe",
            "type": "customer.upserted",
            "occurred_at": "2026-01-31T23:59:00Z",
            "schema_version": 1,
            "livemode": False,
            "data": {"customer_id": "cus_1001"},
        }
        response = self.url_open(
            "/saas/api/v1/events",
            data=json.dumps(event),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
        )
        self.assertEqual(response.status_code, 403, response.text)
        body = response.json()
        self.assertEqual(body["error"], "wrong_system_kind")
        self.assertIn("/saas/webhook/stripe/stripe-test", body["message"])
        self.assertFalse(self.stored())
        # The same key still reads the health of its company.
        health = self.url_open("/saas/api/v1/health", headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(health.status_code, 200, health.text)
