# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deleted and merged records, read by the pull (``queryAll``: Outbound
Messages are never sent for deletions) from a local server answering
Salesforce's REST paths: a deleted Opportunity unbooks its deal (out of the
bookings, its subscription freed, the reason on its chatter), a restored one
is booked again; a merged Account is the master Account's customer and its
Opportunities follow it; a deleted Account keeps its customer."""

from datetime import timedelta

from odoo.tests import TransactionCase, tagged

from .common import FakeSalesforce, SalesforceSetup
from .soap_fixtures import account, opportunity, rest_record

CLOSE = "2026-03-10"
V1, V2, V3 = (
    "2026-03-10T10:00:00.000+0000",
    "2026-03-20T10:00:00.000+0000",
    "2026-03-25T10:00:00.000+0000",
)


def _account(account_id, modstamp=V1, **fields):
    return rest_record("Account", account(account_id, modstamp, **fields))


def _deal(opportunity_id, account_id, modstamp=V1, **fields):
    values = {"CloseDate": CLOSE, "Plan__c": "pro", **fields}
    return rest_record("Opportunity", opportunity(opportunity_id, account_id, modstamp, **values))


@tagged("post_install", "-at_install")
class TestSalesforceDeletions(SalesforceSetup, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_systems()
        cls.setup_product()

    def pull(self):
        outcome = self.system._salesforce_pull()
        self.assertFalse(outcome.error)
        self.process()
        return outcome

    def deal(self, opportunity_id):
        return self.env["saas.booked.deal"].search([("opportunity_id", "=", opportunity_id)])

    def partner(self, account_id):
        return self.env["saas.binding"].find_record(self.system, "res.partner", account_id)

    def event(self, external_id):
        return self.env["saas.event"].search(
            [("system_id", "=", self.system.id), ("external_id", "=", external_id)]
        )

    def chatter(self, record):
        return " ".join(str(body) for body in record.message_ids.mapped("body"))

    def bookings(self):
        self.env.flush_all()
        self.env.invalidate_all()  # the report is a view: read it again
        row = self.env["saas.booking.mrr.report"].search(
            [("month", "=", "2026-03-01"), ("company_id", "=", self.env.company.id)]
        )
        return (row.bookings, row.deal_count) if row else (0.0, 0)

    def test_deleted_and_merged_records(self):
        before, count_before = self.bookings()
        records = {
            "Account": [
                _account("001DEL1", Name="Kept Corp", Billing_Customer_Id__c="cus_DEL1"),
                _account("001DEL2", Name="Merged Away Corp"),
                _account("001DEL4", Name="Deleted Corp"),
            ],
            "Opportunity": [
                _deal("006DEL1", "001DEL1", Amount="12000.00"),
                _deal("006DEL2", "001DEL1", Amount="5000.00"),
                _deal("006DEL3", "001DEL2", Amount="3000.00"),
                _deal("006DEL9", "001DEL1", StageName="Prospecting", IsWon="false"),
            ],
        }
        with FakeSalesforce(records) as fake:
            self.system.write(
                {
                    "salesforce_login_url": fake.url,
                    "salesforce_client_id": "3MVG9-consumer-key",
                    "salesforce_client_secret": "consumer-secret",
                }
            )
            self.pull()
            first, second = self.deal("006DEL1"), self.deal("006DEL2")
            self.assertEqual((first.state, second.state), ("waiting", "waiting"))
            subscription = self.activate("cus_DEL1", "sub_DEL1", start="2026-03-11")
            self.assertEqual(first.subscription_id, subscription, "the oldest waiting deal")
            self.assertEqual(self.bookings(), (before + 20000.0, count_before + 3))

            # In Salesforce: 006DEL1 and 006DEL9 deleted, 001DEL2 merged into
            # the new 001DEL3 (its Opportunity moved to it), 001DEL4 deleted.
            merged_partner = self.partner("001DEL2")
            records["Account"] = [
                _account("001DEL1", Name="Kept Corp", Billing_Customer_Id__c="cus_DEL1"),
                _account(
                    "001DEL2", V2, Name="Merged Away Corp", IsDeleted=True, MasterRecordId="001DEL3"
                ),
                _account("001DEL3", V2, Name="Master Corp"),
                _account("001DEL4", V2, Name="Deleted Corp", IsDeleted=True, MasterRecordId=None),
            ]
            records["Opportunity"] = [
                _deal("006DEL1", "001DEL1", V2, Amount="12000.00", IsDeleted=True),
                _deal("006DEL2", "001DEL1", Amount="5000.00"),
                _deal("006DEL3", "001DEL3", V2, Amount="3000.00"),
                _deal(
                    "006DEL9", "001DEL1", V2, StageName="Prospecting", IsWon="false", IsDeleted=True
                ),
            ]
            self.pull()
            self.assertEqual(set(fake.resources), {"queryAll"}, "deleted records are read")
            self.assertIn("IsDeleted", fake.queries[-1])

        # The deleted Opportunity is unbooked: out of the bookings, its
        # subscription booked by the next waiting deal, the reason kept.
        deleted = self.event(f"Opportunity:006DEL1@{V2}")
        self.assertEqual(
            (deleted.state, deleted.event_type), ("done", "salesforce.opportunity.deleted")
        )
        self.assertEqual((first.state, first.subscription_id.id), ("deleted", False))
        self.assertIn("Deleted in Salesforce: unbooked.", self.chatter(first))
        self.assertEqual(second.subscription_id, subscription)
        self.assertEqual(self.bookings(), (before + 8000.0, count_before + 2))
        self.assertEqual(
            deleted.record_ids.mapped(lambda r: (r.res_model, r.res_id, r.operation)),
            [("saas.booked.deal", first.id, "write")],
        )
        never_booked = self.event(f"Opportunity:006DEL9@{V2}")
        self.assertEqual(never_booked.state, "ignored")
        self.assertIn("booked no deal", never_booked.ignore_reason)

        # The merged Account's customer is the master Account's; its
        # Opportunity followed it.
        self.assertEqual(self.partner("001DEL3"), merged_partner)
        self.assertEqual(merged_partner.name, "Master Corp")
        self.assertEqual(self.deal("006DEL3").partner_id, merged_partner)
        self.assertEqual(self.deal("006DEL3").state, "waiting")
        self.assertIn("merged into Account 001DEL3", self.chatter(merged_partner))

        # A deleted Account keeps its customer (invoices and subscriptions
        # are the billing platform's), with a trace.
        gone = self.partner("001DEL4")
        self.assertTrue(gone.active)
        self.assertIn("001DEL4 was deleted in Salesforce", self.chatter(gone))
        self.assertEqual(self.event(f"Account:001DEL4@{V2}").state, "done")

    def test_restored_opportunity_is_booked_again_and_older_versions_ignored(self):
        before, _count = self.bookings()
        records = {
            "Account": [_account("001RES1")],
            "Opportunity": [_deal("006RES1", "001RES1", Amount="7000.00")],
        }
        with FakeSalesforce(records) as fake:
            self.system.write(
                {
                    "salesforce_login_url": fake.url,
                    "salesforce_client_id": "3MVG9-consumer-key",
                    "salesforce_client_secret": "consumer-secret",
                }
            )
            self.pull()
            records["Opportunity"] = [
                _deal("006RES1", "001RES1", V2, Amount="7000.00", IsDeleted=True)
            ]
            self.pull()
            deal = self.deal("006RES1")
            self.assertEqual(deal.state, "deleted")
            self.assertEqual(self.bookings()[0], before)
            # Restored from the Recycle Bin: a newer version, not deleted.
            records["Opportunity"] = [_deal("006RES1", "001RES1", V3, Amount="7000.00")]
            self.pull()
        self.assertEqual(deal.state, "waiting")
        self.assertEqual(self.bookings()[0], before + 7000.0)
        # The deletion delivered again late (older than the restore) changes nothing.
        [(late, _created)] = self.receive_records(
            [_deal("006RES1", "001RES1", V2, Amount="7000.00", IsDeleted=True)], prefix="late"
        )
        self.process()
        self.assertEqual(late.state, "ignored")
        self.assertEqual(deal.state, "waiting")

    def test_opportunity_purged_from_the_recycle_bin_is_unbooked(self):
        """Deleted and emptied from the Recycle Bin before the next pull:
        queryAll no longer returns it, getDeleted lists it."""
        before, _count = self.bookings()
        records = {
            "Account": [_account("001PUR1")],
            "Opportunity": [_deal("006PUR1", "001PUR1", Amount="4000.00")],
        }
        with FakeSalesforce(records) as fake:
            self.system.write(
                {
                    "salesforce_login_url": fake.url,
                    "salesforce_client_id": "3MVG9-consumer-key",
                    "salesforce_client_secret": "consumer-secret",
                }
            )
            self.pull()
            self.assertFalse(fake.deleted_requests, "the first pull reads everything there is")
            deal = self.deal("006PUR1")
            self.assertEqual(self.bookings()[0], before + 4000.0)
            records["Opportunity"] = []
            fake.purged["Opportunity"] = [
                {"id": "006PUR1", "deletedDate": "2026-03-21T08:00:00.000+0000"}
            ]
            watermark = self.system.salesforce_last_sync
            self.pull()
            [(object_type, start, end)] = fake.deleted_requests
            self.assertEqual(object_type, "Opportunity")
            self.assertEqual(
                start, (watermark - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
            )
            self.assertGreaterEqual(end, start)
            # A getDeleted answer that is not a record stops the pull: the
            # watermark stays, nothing is lost.
            fake.purged["Opportunity"] = [{"deletedDate": "2026-03-22T08:00:00.000+0000"}]
            watermark = self.system.salesforce_last_sync
            outcome = self.system._salesforce_pull()
            self.assertIn("Not a deleted Opportunity record", outcome.error)
            self.assertEqual(self.system.salesforce_last_sync, watermark)
        event = self.event("Opportunity:006PUR1@2026-03-21T08:00:00.000+0000")
        self.assertEqual(
            (event.state, event.event_type), ("done", "salesforce.opportunity.deleted")
        )
        self.assertEqual(deal.state, "deleted")
        self.assertEqual(self.bookings()[0], before)
