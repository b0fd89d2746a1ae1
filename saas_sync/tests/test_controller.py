# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The canonical API over real HTTP: every bad input gets its documented
status, stores nothing, and nothing a client sends produces a 500."""

import copy
import json

from odoo.tests import HttpCase, tagged

from ..lib.schema import EVENT_TYPES, ITEM_FIELDS, LINE_FIELDS, OPTIONAL_AMOUNTS
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

    def test_list_with_repeats_answers_each_with_its_original_id(self):
        first = self.post([canonical_event("evt_rep_1"), canonical_event("evt_rep_2")])
        self.assertEqual(first.status_code, 202)
        ids = {e["external_id"]: e["id"] for e in first.json()["events"]}
        response = self.post(
            [
                canonical_event("evt_rep_2"),
                canonical_event("evt_rep_3"),
                canonical_event("evt_rep_3"),
                canonical_event("evt_rep_1"),
            ]
        )
        self.assertEqual(response.status_code, 202, response.text)
        answers = response.json()["events"]
        new_id = answers[1]["id"]
        self.assertEqual(
            answers,
            [
                {"id": ids["evt_rep_2"], "external_id": "evt_rep_2", "duplicate": True},
                {"id": new_id, "external_id": "evt_rep_3", "duplicate": False},
                {"id": new_id, "external_id": "evt_rep_3", "duplicate": True},
                {"id": ids["evt_rep_1"], "external_id": "evt_rep_1", "duplicate": True},
            ],
        )
        self.assertEqual(self.count(), 3)

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


# One JSON value of each kind, as raw JSON text (a huge number overflows a
# float; a huge integer has 300 digits).
JSON_KINDS = {
    "null": "null",
    "bool": "true",
    "number": "12.5",
    "huge number": "1e400",
    "huge integer": "1" + "0" * 300,
    "string": '"not valid"',
    "long string": json.dumps("x" * 5000),
    "list": '["a", 1]',
    "object": '{"a": 1}',
}
SAMPLE_VALUES = {
    "str": "x_1",
    "amount": "10.00",
    "currency": "USD",
    "items": [{"plan": "p", "quantity": "1", "unit_amount": "10.00", "interval": "month"}],
    "lines": [{"quantity": "1", "unit_amount": "10.00"}],
}
PLACEHOLDER = "__json_kind__"


def sample_event(event_type):
    """A valid canonical event of ``event_type`` (every required data key set)."""
    data = {
        key: copy.deepcopy(SAMPLE_VALUES[kind]) for key, kind in EVENT_TYPES[event_type].items()
    }
    return canonical_event(f"evt_kind_{event_type}", event_type=event_type, data=data)


def kind_cases():
    """(label, event with PLACEHOLDER at one key, JSON kind to put there, field
    the answer names, status).

    Every top-level key and every data key the schema documents (required
    keys per type, item and line keys, optional amounts, interval_count),
    each with every JSON kind that is not a valid value there.
    """
    valid = {
        ("id", "string"),
        ("livemode", "null"),
        ("entity", "null"),
        ("entity", "string"),
    }
    base = sample_event("subscription.activated")
    for key in ("id", "type", "occurred_at", "schema_version", "livemode", "entity", "data"):
        for kind in JSON_KINDS:
            if (key, kind) in valid:
                continue
            # livemode=true is well formed but names the wrong environment: 409.
            status = 409 if (key, kind) == ("livemode", "bool") else 400
            yield f"{key}={kind}", dict(base, **{key: PLACEHOLDER}), kind, key, status
    for event_type, spec in EVENT_TYPES.items():
        for key, value_kind in spec.items():
            for kind in JSON_KINDS:
                if value_kind == "str" and kind == "string":
                    continue
                event = sample_event(event_type)
                event["data"][key] = PLACEHOLDER
                yield f"{event_type} data.{key}={kind}", event, kind, f"data.{key}", 400
    nested = [("items", key) for key in ITEM_FIELDS] + [("lines", key) for key in LINE_FIELDS]
    nested += [("items", key) for key in (*OPTIONAL_AMOUNTS, "interval_count")]
    for list_key, key in nested:
        event_type = "subscription.activated" if list_key == "items" else "invoice.issued"
        for kind in JSON_KINDS:
            optional = key not in ITEM_FIELDS and key not in LINE_FIELDS
            if (optional and kind == "null") or (key, kind) == ("interval_count", "huge integer"):
                continue
            if key == "plan" and kind == "string":
                continue
            event = sample_event(event_type)
            event["data"][list_key][0][key] = PLACEHOLDER
            field = f"data.{list_key}[0].{key}"
            yield f"{event_type} {field}={kind}", event, kind, field, 400
    for key in OPTIONAL_AMOUNTS:
        for kind in JSON_KINDS:
            if kind == "null":
                continue
            event = sample_event("payment.succeeded")
            event["data"][key] = PLACEHOLDER
            yield f"payment.succeeded data.{key}={kind}", event, kind, f"data.{key}", 400


@tagged("post_install", "-at_install")
class TestEventsApiJsonKinds(SaasSyncCommon, HttpCase):
    def test_every_key_with_every_json_kind_is_a_named_4xx(self):
        """No JSON value at any documented key gets past the schema or makes a 5xx."""
        Event = self.env["saas.event"]
        before = Event.search_count([])
        headers = {"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"}
        checked = 0
        for label, event, kind, field, status in kind_cases():
            body = json.dumps(event).replace(json.dumps(PLACEHOLDER), JSON_KINDS[kind])
            with self.subTest(label):
                response = self.url_open(URL, data=body, headers=headers)
                self.assertEqual(response.status_code, status, response.text[:300])
                answer = response.json()
                if status == 400:
                    self.assertEqual(answer["error"], "invalid")
                    named = answer["field"]
                    self.assertTrue(
                        named == field or named.startswith((f"{field}.", f"{field}[")),
                        f"{label}: field {named!r}",
                    )
                else:
                    self.assertIn(field, answer["message"])
            checked += 1
        self.assertGreater(checked, 400)
        self.assertEqual(Event.search_count([]), before)
