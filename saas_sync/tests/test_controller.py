# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The canonical API over real HTTP: every bad input gets its documented
status, stores nothing, and nothing a client sends produces a 500."""

import json

from odoo.tests import HttpCase, tagged

from .common import SaasSyncCommon, canonical_event

URL = "/saas/api/v1/events"


@tagged("post_install", "-at_install")
class TestEventsApi(SaasSyncCommon, HttpCase):
    def post(self, body, key=None, raw=None, headers=None):
        all_headers = {"Content-Type": "application/json"}
        if key is not False:
            all_headers["Authorization"] = f"Bearer {key or self.api_key}"
        all_headers.update(headers or {})
        data = raw if raw is not None else json.dumps(body)
        return self.url_open(URL, data=data, headers=all_headers)

    def count(self):
        return self.env["saas.event"].search_count([("system_id", "=", self.system.id)])

    def assertRefused(self, response, status, error=None, field=None):
        self.assertEqual(response.status_code, status, response.text)
        body = response.json()
        if error:
            self.assertEqual(body["error"], error)
        if field:
            self.assertEqual(body["field"], field)
        return body

    def test_accepts_then_answers_duplicate_with_original_id(self):
        response = self.post(canonical_event("evt_http_1"))
        self.assertEqual(response.status_code, 202, response.text)
        stored = response.json()["events"]
        self.assertEqual(len(stored), 1)
        self.assertFalse(stored[0]["duplicate"])
        event = self.env["saas.event"].browse(stored[0]["id"])
        self.assertEqual((event.external_id, event.state), ("evt_http_1", "received"))
        again = self.post(canonical_event("evt_http_1"))
        self.assertEqual(again.status_code, 200)
        self.assertEqual(
            again.json()["events"],
            [{"id": event.id, "external_id": "evt_http_1", "duplicate": True}],
        )
        self.assertEqual(self.count(), 1)
        # Receipt triggers the lane cron for near-real-time processing.
        cron = self.env.ref("saas_sync.ir_cron_process_operational")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))

    def test_accepts_a_list(self):
        response = self.post([canonical_event("evt_list_1"), canonical_event("evt_list_2")])
        self.assertEqual(response.status_code, 202)
        self.assertEqual(
            [e["external_id"] for e in response.json()["events"]], ["evt_list_1", "evt_list_2"]
        )
        self.assertEqual(self.count(), 2)

    def test_bad_input_is_refused_and_stores_nothing(self):
        before = self.count()
        cases = [
            ("malformed JSON", dict(raw="{not json"), 400, "malformed", None),
            ("not UTF-8", dict(raw=b"\xff\xfe{}"), 400, "malformed", None),
            ("NaN", dict(raw='{"id": NaN}'), 400, "malformed", None),
            ("not an object", dict(body="hello"), 400, "invalid", "$"),
            ("empty list", dict(body=[]), 400, "invalid", "$"),
            ("missing id", dict(body={**canonical_event("x"), "id": ""}), 400, "invalid", "id"),
            (
                "unknown type",
                dict(body=canonical_event("x", event_type="foo.bar")),
                400,
                "invalid",
                "type",
            ),
            (
                "schema version",
                dict(body=canonical_event("x", schema_version=2)),
                400,
                "invalid",
                "schema_version",
            ),
            (
                "no time zone",
                dict(body=canonical_event("x", occurred_at="2026-02-01T00:00:00")),
                400,
                "invalid",
                "occurred_at",
            ),
            (
                "missing data field",
                dict(body=canonical_event("x", data={"email": "a@b.c"})),
                400,
                "invalid",
                "data.customer_id",
            ),
            (
                "float amount",
                dict(
                    body=canonical_event(
                        "x",
                        event_type="payment.succeeded",
                        data={
                            "payment_id": "p",
                            "customer_id": "c",
                            "currency": "USD",
                            "amount": 12.5,
                        },
                    )
                ),
                400,
                "invalid",
                "data.amount",
            ),
            (
                "bad item in a list",
                dict(
                    body=[
                        canonical_event("ok1"),
                        canonical_event(
                            "bad",
                            event_type="subscription.activated",
                            data={
                                "subscription_id": "s",
                                "customer_id": "c",
                                "currency": "USD",
                                "items": [
                                    {
                                        "plan": "p",
                                        "quantity": "1",
                                        "unit_amount": "1.00",
                                        "interval": "fortnight",
                                    }
                                ],
                            },
                        ),
                    ]
                ),
                400,
                "invalid",
                "[1].data.items[0].interval",
            ),
            (
                "same id twice",
                dict(body=[canonical_event("twice"), canonical_event("twice")]),
                400,
                "invalid",
                "[1].id",
            ),
            (
                "no credentials",
                dict(body=canonical_event("x"), key=False),
                401,
                "unauthorized",
                None,
            ),
            (
                "wrong key",
                dict(body=canonical_event("x"), key="saas_00000000_nope"),
                401,
                "unauthorized",
                None,
            ),
            (
                "garbage key",
                dict(body=canonical_event("x"), key="Basic abc"),
                401,
                "unauthorized",
                None,
            ),
            (
                "livemode on a sandbox system",
                dict(body=canonical_event("x", livemode=True)),
                409,
                "wrong_environment",
                None,
            ),
        ]
        for label, kwargs, status, error, field in cases:
            with self.subTest(label):
                self.assertRefused(self.post(**{"body": None, **kwargs}), status, error, field)
        self.assertEqual(self.count(), before)

    def test_too_many_events(self):
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.max_events_per_request", "2")
        events = [canonical_event(f"evt_many_{n}") for n in range(3)]
        self.assertRefused(self.post(events), 400, "invalid", "$")
        self.assertEqual(self.count(), 0)

    def test_too_large(self):
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.max_body_bytes", "2048")
        event = canonical_event("evt_big", data={"customer_id": "c", "name": "x" * 4096})
        self.assertRefused(self.post(event), 413, "too_large")
        self.assertEqual(self.count(), 0)

    def test_revoked_key(self):
        key = self.system.generate_api_key("temp")
        self.env["saas.api.key"].search([("name", "=", "temp")]).action_revoke()
        self.assertRefused(self.post(canonical_event("evt_revoked"), key=key), 401)
        self.assertEqual(self.count(), 0)

    def test_wrong_environment(self):
        self.system.environment = "production"
        self.assertRefused(
            self.post(canonical_event("evt_env", livemode=True)), 409, "wrong_environment"
        )
        self.assertEqual(self.count(), 0)

    def test_back_pressure(self):
        self.system.max_pending_events = 2
        self.assertEqual(
            self.post([canonical_event("bp_1"), canonical_event("bp_2")]).status_code, 202
        )
        response = self.post(canonical_event("bp_3"))
        self.assertRefused(response, 429, "back_pressure")
        self.assertEqual(response.headers["Retry-After"], "30")
        self.assertEqual(self.count(), 2)
        # A duplicate adds nothing: it is still answered with its original id.
        self.assertEqual(self.post(canonical_event("bp_1")).status_code, 200)

    def test_get_is_not_a_500(self):
        response = self.url_open(URL, headers={"Authorization": f"Bearer {self.api_key}"})
        self.assertLess(response.status_code, 500)
