# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pull against a local server answering Salesforce's REST paths:
client credentials token, query pages through nextRecordsUrl, one expired
session, one REQUEST_LIMIT_EXCEEDED; every record stored once, the watermark
moved only by a pull that read everything."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import FakeSalesforce, SalesforceSetup
from .soap_fixtures import account, opportunity, rest_record


def _accounts():
    return [
        rest_record(
            "Account",
            account(f"0015e00000PULL00{i}", f"2026-01-0{i}T10:00:00.000+0000", Name=f"Pull {i}"),
        )
        for i in (1, 2, 3)
    ]


def _opportunities():
    return [
        rest_record(
            "Opportunity",
            opportunity(
                "0065e00000PULL001",
                "0015e00000PULL001",
                "2026-01-04T10:00:00.000+0000",
                Amount=12000.5,
                IsWon=True,
                IsClosed=True,
            ),
        ),
        rest_record(
            "Opportunity",
            opportunity(
                "0065e00000PULL002",
                "0015e00000PULL002",
                "2026-01-04T11:00:00.000+0000",
                StageName="Prospecting",
                IsWon=False,
                IsClosed=False,
            ),
        ),
    ]


@tagged("post_install", "-at_install")
class TestSalesforcePull(SalesforceSetup, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_systems()

    def connect(self, fake):
        self.system.write(
            {
                "salesforce_login_url": fake.url,
                "salesforce_client_id": "3MVG9-consumer-key",
                "salesforce_client_secret": "consumer-secret",
            }
        )

    def stored(self):
        return self.env["saas.event"].search([("system_id", "=", self.system.id)])

    def test_every_record_once_and_watermark_after_success(self):
        with FakeSalesforce({"Account": _accounts(), "Opportunity": _opportunities()}) as fake:
            self.connect(fake)
            fake.expire_next_token_use = True  # the first query meets an expired session
            fake.limit_once_on = "Opportunity"  # and the org's limit is reached once
            first = self.system._salesforce_pull()
            self.assertIn("REQUEST_LIMIT_EXCEEDED", first.error)
            self.assertEqual((first.stored, first.duplicates), (3, 0))
            self.assertEqual(fake.tokens_issued, 2, "one token, then one refresh on 401")
            self.assertFalse(self.system.salesforce_last_sync, "no watermark after a failure")
            self.assertGreater(self.system.salesforce_backoff_until, fields.Datetime.now())
            # The cron waits while backing off.
            self.system.salesforce_pull = True
            queries = len(fake.queries)
            self.env["saas.system"]._cron_salesforce_pull()
            self.assertEqual(len(fake.queries), queries, "the cron respects the back-off")

            started = fields.Datetime.now()
            second = self.system._salesforce_pull()
            self.assertFalse(second.error)
            self.assertEqual((second.stored, second.duplicates), (2, 3))
            self.assertGreaterEqual(self.system.salesforce_last_sync, started)
            self.assertFalse(self.system.salesforce_backoff_until)
            self.assertEqual(fake.tokens_issued, 2, "the stored token is reused")
            self.assertTrue(all(" WHERE " not in q for q in fake.queries))

            events = self.stored()
            self.assertEqual(len(events), 5)
            self.assertEqual(
                sorted(events.mapped("external_id")),
                sorted(
                    [
                        f"Account:0015e00000PULL00{i}@2026-01-0{i}T10:00:00.000+0000"
                        for i in (1, 2, 3)
                    ]
                    + [
                        "Opportunity:0065e00000PULL001@2026-01-04T10:00:00.000+0000",
                        "Opportunity:0065e00000PULL002@2026-01-04T11:00:00.000+0000",
                    ]
                ),
            )
            # The next pull asks for what changed since the watermark (less the overlap).
            watermark = self.system.salesforce_last_sync
            third = self.system._salesforce_pull()
            self.assertEqual(third.stored, 0)
            since = (watermark - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.assertIn(f"WHERE SystemModstamp > {since}", fake.queries[-1])
            self.assertGreaterEqual(self.system.salesforce_last_sync, watermark)

        self.process()
        partners = self.env["saas.binding"].search(
            [("system_id", "=", self.system.id), ("res_model", "=", "res.partner")]
        )
        self.assertEqual(len(partners), 3)
        deal = self.env["saas.booked.deal"].search([("system_id", "=", self.system.id)])
        self.assertEqual(len(deal), 1, "only the closed-won opportunity is a deal")
        self.assertEqual(deal.amount, 12000.5)
        self.assertEqual(deal.partner_id.name, "Pull 1")
        lost = self.stored().filtered(
            lambda e: "PULL002@" in e.external_id and "Opportunity" in e.external_id
        )
        self.assertEqual(lost.state, "ignored")

    def test_pull_is_idempotent_with_pushed_messages(self):
        accounts = _accounts()
        # The same version arrives first by Outbound Message, and is applied.
        self.receive_records(accounts[:1])
        self.process()
        partner = self.env["saas.binding"].find_record(
            self.system, "res.partner", "0015e00000PULL001"
        )
        self.assertEqual(partner.name, "Pull 1")
        partner.name = "Renamed in Odoo meanwhile"
        with FakeSalesforce({"Account": accounts, "Opportunity": []}) as fake:
            self.connect(fake)
            self.system._salesforce_pull()
        self.process()
        pulled = self.stored().filtered(
            lambda e: e.external_id.startswith("Account:0015e00000PULL001")
        )
        self.assertEqual(pulled.state, "ignored")
        self.assertIn("already applied", pulled.ignore_reason)
        self.assertEqual(partner.name, "Renamed in Odoo meanwhile", "not applied twice")

    def test_refused_credentials_keep_the_watermark(self):
        with FakeSalesforce({"Account": _accounts()}) as fake:
            self.connect(fake)
            fake.bad_credentials = True
            outcome = self.system._salesforce_pull()
            self.assertIn("invalid_client", outcome.error)
            self.assertFalse(self.system.salesforce_last_sync)
            self.assertFalse(self.stored())
            with self.assertRaisesRegex(UserError, "consumer key"):
                self.system.action_salesforce_test_connection()

    def test_buttons_test_connection_and_pull_now(self):
        with FakeSalesforce({"Account": _accounts(), "Opportunity": []}) as fake:
            with self.assertRaisesRegex(UserError, "consumer key"):
                self.system.action_salesforce_test_connection()
            self.connect(fake)
            answer = self.system.action_salesforce_test_connection()
            self.assertEqual(answer["params"]["type"], "success")
            self.assertIn("3 Accounts", answer["params"]["message"])
            self.assertEqual(fake.queries[-1], "SELECT COUNT() FROM Account")
            answer = self.system.action_salesforce_pull_now()
            self.assertEqual(answer["params"]["type"], "info")
            self.assertIn("3 records stored", answer["params"]["message"])
        self.assertTrue(self.system.salesforce_last_sync)

    def test_secrets_are_write_only(self):
        self.system.salesforce_client_secret = "s3cret"
        self.system.invalidate_recordset()
        self.assertFalse(self.system.salesforce_client_secret)
        self.assertFalse(self.system.salesforce_credentials_set, "no consumer key yet")
        self.assertEqual(self.system.sudo().salesforce_client_secret_value, "s3cret")
        user = self.env["res.users"].create(
            {
                "name": "Support SF",
                "login": "support_sf",
                "groups_id": [(6, 0, [self.env.ref("saas_sync.group_saas_support").id])],
            }
        )
        values = self.system.with_user(user).read(["salesforce_org_id"])
        self.assertNotIn("salesforce_client_secret_value", values[0])
        with self.assertRaises(AccessError):
            self.system.with_user(user).read(["salesforce_client_secret_value"])
        with self.assertRaises(AccessError):
            self.system.with_user(user).action_salesforce_generate_token()
