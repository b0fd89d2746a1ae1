# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""POST /saas/webhook/salesforce/<code>/<token> over real HTTP: each
Notification stored once and acknowledged; every refusal a SOAP fault with
its status, nothing stored, never a 500."""

import logging
import time
from unittest.mock import patch

from odoo.tests import HttpCase, tagged

from .common import SalesforceSetup
from .soap_fixtures import (
    ENTITY_BOMB,
    EXTERNAL_ENTITY,
    account,
    opportunity,
    outbound_message,
)

ACK = "<Ack>true</Ack>"


@tagged("post_install", "-at_install")
class TestOutboundMessage(SalesforceSetup, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_systems()
        cls.system.webhook_secret = "tok-old"
        cls.system.webhook_secret = "tok-current"  # rotation: the old one stays accepted

    def post(self, body, token="tok-current", code="sf-test"):
        url = f"/saas/webhook/salesforce/{code}" + (f"/{token}" if token is not None else "")
        return self.url_open(
            url, data=body, headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
        )

    def stored(self):
        return self.env["saas.event"].search([("system_id", "=", self.system.id)], order="id")

    def test_notifications_stored_once_each_and_acknowledged(self):
        body = outbound_message(
            [
                ("04l000000000001AAA", "Account", account("0015e000001AAAAAA1")),
                ("04l000000000002AAA", "Account", account("0015e000001AAAAAA2", Name="Beta")),
                (
                    "04l000000000003AAA",
                    "Opportunity",
                    opportunity("0065e000001AAAAAA1", "0015e000001AAAAAA1"),
                ),
            ]
        )
        response = self.post(body)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn(ACK, response.text)
        self.assertIn("notificationsResponse", response.text)
        self.assertTrue(response.headers["Content-Type"].startswith("text/xml"))
        events = self.stored()
        self.assertEqual(
            [(e.external_id, e.event_type, e.state) for e in events],
            [
                ("04l000000000001AAA", "salesforce.account", "received"),
                ("04l000000000002AAA", "salesforce.account", "received"),
                ("04l000000000003AAA", "salesforce.opportunity", "received"),
            ],
        )
        self.assertIn('"Beta"', events[1].sudo().payload)
        # Salesforce delivers again (it may, even after an ack): acked, no second row.
        again = self.post(body)
        self.assertEqual((again.status_code, ACK in again.text), (200, True))
        self.assertEqual(len(self.stored()), 3)
        # A message mixing a known and a new notification stores only the new one.
        mixed = outbound_message(
            [
                ("04l000000000001AAA", "Account", account("0015e000001AAAAAA1")),
                ("04l000000000004AAA", "Account", account("0015e000001AAAAAA3")),
            ]
        )
        self.assertIn(ACK, self.post(mixed).text)
        self.assertEqual(
            self.stored().mapped("external_id"),
            [
                "04l000000000001AAA",
                "04l000000000002AAA",
                "04l000000000003AAA",
                "04l000000000004AAA",
            ],
        )

    def test_previous_token_accepted_until_rotation_finished(self):
        body = outbound_message([("04l0000000000R1AAA", "Account", account("001R1"))])
        self.assertIn(ACK, self.post(body, token="tok-old").text)
        self.system.action_forget_previous_secret()
        body = outbound_message([("04l0000000000R2AAA", "Account", account("001R2"))])
        self.assertEqual(self.post(body, token="tok-old").status_code, 401)
        self.assertEqual(self.stored().mapped("external_id"), ["04l0000000000R1AAA"])

    def test_refusals_store_nothing(self):
        good = outbound_message([("04l0000000000X1AAA", "Account", account("001X1"))])
        failures = self.system.signature_failure_count
        cases = [
            ("wrong token", good, "tok-wrong", 401),
            ("no token", good, None, 401),
            ("empty token", good, "", 401),
            (
                "wrong org",
                outbound_message(
                    [("04l0000000000X2AAA", "Account", account("001X2"))],
                    org_id="00D5e000000ZZZZEAU",
                ),
                "tok-current",
                401,
            ),
            ("malformed XML", b"<soapenv:Envelope><unclosed>", "tok-current", 400),
            ("not SOAP", b'{"id": "evt_1"}', "tok-current", 400),
            ("entity bomb", ENTITY_BOMB, "tok-current", 400),
            ("external entity", EXTERNAL_ENTITY, "tok-current", 400),
        ]
        for label, body, token, status in cases:
            with self.subTest(label):
                response = self.post(body, token=token)
                self.assertEqual(response.status_code, status, response.text)
                self.assertIn("<faultstring>", response.text)
                self.assertNotIn(ACK, response.text)
        self.assertFalse(self.stored())
        self.system.invalidate_recordset(["signature_failure_count"])
        # wrong/no/empty token and wrong org are counted as refused requests
        self.assertEqual(self.system.signature_failure_count, failures + 4)
        unknown = self.post(good, code="no-such-system")
        self.assertEqual(unknown.status_code, 404)
        self.assertFalse(self.stored())

    def test_oversized_body_refused(self):
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.max_body_bytes", "2000")
        body = outbound_message(
            [(f"04l0000000000L{i}AA", "Account", account(f"001L{i}")) for i in range(10)]
        )
        response = self.post(body)
        self.assertEqual(response.status_code, 413, response.text)
        self.assertIn("<faultstring>", response.text)
        self.assertFalse(self.stored())

    def test_generated_token_opens_the_endpoint(self):
        action = self.system.action_salesforce_generate_token()
        url = action["context"]["default_endpoint_url"]
        self.assertIn("/saas/webhook/salesforce/sf-test/", url)
        token = url.rsplit("/", 1)[1]
        self.assertGreaterEqual(len(token), 40)
        self.assertNotIn(token, self.system.salesforce_endpoint_url)
        body = outbound_message([("04l0000000000G1AAA", "Account", account("001G1"))])
        self.assertIn(ACK, self.post(body, token=token).text)
        # the token it replaced is still accepted until the rotation is finished
        body = outbound_message([("04l0000000000G2AAA", "Account", account("001G2"))])
        self.assertIn(ACK, self.post(body, token="tok-current").text)
        self.assertEqual(len(self.stored()), 2)

    def test_the_token_is_masked_in_the_access_log(self):
        """Odoo's access log (werkzeug, INFO) showed the endpoint's secret token."""
        body = outbound_message([("04l0000000000L1AAA", "Account", account("001L1"))])
        lines = []

        class Collect(logging.Handler):
            def emit(self, record):
                lines.append(self.format(record))

        logger = logging.getLogger("werkzeug")
        handler, level = Collect(), logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        try:
            self.assertIn(ACK, self.post(body).text)
            self.post(body, token="tok-wrong")
            # the server's thread logs the request as it answers it
            for _wait in range(50):
                found = [line for line in lines if "/saas/webhook/salesforce/" in line]
                if len(found) >= 2:
                    break
                time.sleep(0.1)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        self.assertEqual(len(found), 2, lines)
        for line in found:
            self.assertIn("/saas/webhook/salesforce/sf-test/*** HTTP/1.1", line)
            self.assertNotIn("tok-", line)

    def test_wrong_environment_refused(self):
        self.system.environment = "production"
        body = outbound_message([("04l0000000000E1AAA", "Account", account("001E1"))])
        response = self.post(body)
        self.assertEqual(response.status_code, 409, response.text)
        self.assertIn("<faultstring>", response.text)
        self.assertFalse(self.stored())

    def test_server_trouble_is_a_503_fault_not_a_500(self):
        body = outbound_message([("04l0000000000S1AAA", "Account", account("001S1"))])
        Event = type(self.env["saas.event"])
        with (
            patch.object(Event, "_receive", side_effect=RuntimeError("database on fire")),
            self.assertLogs("odoo.addons.saas_salesforce.controllers.main", "ERROR"),
        ):
            response = self.post(body)
        self.assertEqual(response.status_code, 503, response.text)
        self.assertEqual(response.headers.get("Retry-After"), "30")
        self.assertIn("soapenv:Server", response.text)
        self.assertNotIn("database on fire", response.text)
        self.assertFalse(self.stored())
        # Salesforce delivers again: stored and acknowledged.
        self.assertIn(ACK, self.post(body).text)
        self.assertEqual(len(self.stored()), 1)
