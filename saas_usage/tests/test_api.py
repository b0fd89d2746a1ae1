# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``POST /saas/api/v1/usage`` over real HTTP: idempotent per system and
identifier, per-record refusals, the time window, cancellation, the size
limits, and no 500 for any JSON kind of any documented field."""

import json
from datetime import datetime, timedelta

from odoo.tests import HttpCase, tagged

from .common import UsageCommon

URL = "/saas/api/v1/usage"
JSON_KINDS = {
    "null": None,
    "integer": 1,
    "decimal": 1.5,
    "string": "x",
    "list": [],
    "object": {},
    "bool": True,
}
FIELDS = ("identifier", "meter", "customer", "subscription", "value", "timestamp", "properties")


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@tagged("post_install", "-at_install")
class TestUsageApi(UsageCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = datetime.utcnow().replace(microsecond=0)
        cls.subscription = cls.env["saas.subscription"].create(
            {
                "name": "sub_1",
                "partner_id": cls.partner.id,
                "system_id": cls.system.id,
                "company_id": cls.company.id,
                "currency_id": cls.company.currency_id.id,
            }
        )
        cls.env["saas.binding"].bind(cls.system, cls.subscription, "sub_1")

    def post(self, body, key=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.api_key}"
        data = raw if raw is not None else json.dumps(body)
        return self.url_open(URL, data=data, headers=headers)

    def usage(self, identifier, **values):
        record = {
            "identifier": identifier,
            "meter": "test_calls",
            "customer": "cus_1",
            "value": "12",
            "timestamp": iso(self.now - timedelta(days=1)),
            "properties": {"endpoint": "/v1/orders"},
        }
        record.update(values)
        return record

    def stored(self, system=None):
        return self.Record.search([("system_id", "=", (system or self.system).id)])

    def test_records_are_stored_once_per_identifier(self):
        response = self.post({"records": [self.usage("u_1"), self.usage("u_2", value=0.1)]})
        self.assertEqual(response.status_code, 202, response.text)
        self.assertEqual(response.json()["created"], ["u_1", "u_2"])
        again = self.post([self.usage("u_1"), self.usage("u_3"), self.usage("u_3")])
        self.assertEqual(again.status_code, 202, again.text)
        self.assertEqual(again.json()["created"], ["u_3"])
        self.assertEqual(sorted(again.json()["duplicates"]), ["u_1", "u_3"])
        records = self.stored()
        self.assertEqual(sorted(records.mapped("identifier")), ["u_1", "u_2", "u_3"])
        record = records.filtered(lambda r: r.identifier == "u_1")
        self.assertEqual((record.partner_id, record.meter_id), (self.partner, self.meter))
        self.assertEqual(record.properties, {"endpoint": "/v1/orders"})
        self.env.cr.execute(
            "SELECT value::text FROM saas_usage_record WHERE system_id = %s AND identifier = 'u_2'",
            [self.system.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], "0.1")
        only_duplicates = self.post([self.usage("u_1")])
        self.assertEqual(only_duplicates.status_code, 200)
        self.assertEqual(only_duplicates.json()["duplicates"], ["u_1"])

    def test_a_record_by_subscription_takes_its_customer(self):
        response = self.post([self.usage("u_sub", customer=None, subscription="sub_1")])
        self.assertEqual(response.status_code, 202, response.text)
        record = self.stored()
        self.assertEqual(
            (record.subscription_id, record.partner_id), (self.subscription, self.partner)
        )

    def test_invalid_records_are_refused_one_by_one_and_the_valid_kept(self):
        other = self.env["res.partner"].create({"name": "Someone else"})
        self.env["saas.binding"].bind(self.system, other, "cus_other")
        records = [
            self.usage("ok_1"),
            self.usage("bad_meter", meter="nope"),
            self.usage("bad_customer", customer="cus_unknown"),
            self.usage("bad_pair", customer="cus_other", subscription="sub_1"),
            self.usage("old", timestamp=iso(self.now - timedelta(days=36))),
            self.usage("ahead", timestamp=iso(self.now + timedelta(minutes=10))),
            self.usage("negative", value="-1"),
            self.usage("no_zone", timestamp="2026-01-01T00:00:00"),
            "not an object",
            self.usage("ok_2", timestamp=int((self.now - timedelta(days=34)).timestamp())),
        ]
        response = self.post(records)
        self.assertEqual(response.status_code, 202, response.text)
        answer = response.json()
        self.assertEqual(answer["created"], ["ok_1", "ok_2"])
        reasons = {error["index"]: error["reason"] for error in answer["errors"]}
        self.assertEqual(sorted(reasons), [1, 2, 3, 4, 5, 6, 7, 8])
        self.assertIn("unknown meter 'nope'", reasons[1])
        self.assertIn("unknown customer 'cus_unknown'", reasons[2])
        self.assertIn("is not customer 'cus_other'", reasons[3])
        self.assertIn("35 days in the past", reasons[4])
        self.assertIn("5 minutes in the future", reasons[5])
        self.assertIn("cannot be negative", reasons[6])
        self.assertIn("no time zone", reasons[7])
        self.assertIn("must be an object", reasons[8])
        self.assertEqual(sorted(self.stored().mapped("identifier")), ["ok_1", "ok_2"])

    def test_a_key_of_another_system_cannot_write_for_its_customers(self):
        other = self.env["saas.system"].create(
            {"name": "System B", "code": "usage-b", "kind": "generic", "environment": "sandbox"}
        )
        other_key = other.generate_api_key("b")
        response = self.post([self.usage("u_b")], key=other_key)
        self.assertEqual(response.status_code, 422, response.text)
        self.assertIn("unknown customer 'cus_1'", response.json()["errors"][0]["reason"])
        response = self.post(
            [self.usage("u_b", customer=None, subscription="sub_1")], key=other_key
        )
        self.assertIn("unknown subscription 'sub_1'", response.json()["errors"][0]["reason"])
        self.assertFalse(self.stored(other) | self.stored())

    def test_cancellation_by_identifier_while_not_invoiced(self):
        self.post([self.usage("u_c1"), self.usage("u_c2"), self.usage("u_c3")])
        invoiced = self.stored().filtered(lambda r: r.identifier == "u_c3")
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.partner.id}
        )
        invoiced.sudo().write({"invoice_id": invoice.id})
        response = self.post(
            [
                {"identifier": "u_c1", "action": "cancel"},
                {"identifier": "u_c1", "action": "cancel"},
                {"identifier": "u_c3", "action": "cancel"},
                {"identifier": "u_none", "action": "cancel"},
                {"identifier": "u_c2", "action": "delete"},
            ]
        )
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(answer["cancelled"], ["u_c1", "u_c1"])
        reasons = {error["index"]: error["reason"] for error in answer["errors"]}
        self.assertIn("already invoiced", reasons[2])
        self.assertIn("no usage record", reasons[3])
        self.assertIn("action must be one of", reasons[4])
        states = {record.identifier: record.state for record in self.stored()}
        self.assertEqual(states, {"u_c1": "cancelled", "u_c2": "active", "u_c3": "active"})

    def test_whole_request_refusals(self):
        self.assertEqual(self.post([self.usage("u_k")], key="sk_wrong").status_code, 401)
        self.assertEqual(self.post([self.usage("u_k")], key=False).status_code, 401)
        self.assertEqual(self.post(None, raw="{not json").status_code, 400)
        for body in (None, 1, 1.5, "x", True, [], {}, {"records": {}}, {"records": None}):
            with self.subTest(body=body):
                self.assertEqual(self.post(body).status_code, 400)
        self.env["ir.config_parameter"].sudo().set_param("saas_usage.max_body_bytes", "2000")
        big = [self.usage(f"u_big_{index}") for index in range(20)]
        self.assertEqual(self.post(big).status_code, 413)
        self.env["ir.config_parameter"].sudo().set_param("saas_usage.max_body_bytes", "")
        too_many = [{"identifier": f"m{index}"} for index in range(10001)]
        response = self.post(too_many)
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["error"], "too_many_records")
        self.assertFalse(self.stored())

    def test_every_json_kind_of_every_field_answers_4xx_never_500(self):
        accepted = {
            ("value", "integer"),
            ("value", "decimal"),
            ("properties", "null"),
            ("properties", "object"),
            ("subscription", "null"),
            ("identifier", "string"),
        }
        for field in (*FIELDS, "action"):
            for kind, value in JSON_KINDS.items():
                with self.subTest(field=field, kind=kind):
                    record = self.usage(f"kind_{field}_{kind}")
                    record[field] = value
                    identifier = record["identifier"]
                    before = len(self.stored())
                    response = self.post([record])
                    if (field, kind) in accepted:
                        self.assertEqual(response.status_code, 202, response.text)
                        stored = self.stored().filtered(lambda r, i=identifier: r.identifier == i)
                        self.assertTrue(stored)
                        continue
                    self.assertEqual(response.status_code, 422, response.text)
                    [error] = response.json()["errors"]
                    self.assertEqual(error["index"], 0)
                    self.assertTrue(error["reason"])
                    self.assertEqual(len(self.stored()), before)
