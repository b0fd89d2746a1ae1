# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import SaasSyncCommon, canonical_event, scripted_handler


@tagged("post_install", "-at_install")
class TestInbox(SaasSyncCommon, TransactionCase):
    def test_same_event_is_stored_once(self):
        first = self.store(canonical_event("evt_once"))
        second = self.store(canonical_event("evt_once"))
        self.assertEqual(first, second)
        self.assertEqual(self.env["saas.event"].search_count([("external_id", "=", "evt_once")]), 1)

    def test_receipt_fields(self):
        event = self.store(canonical_event("evt_fields"))
        self.assertEqual(event.state, "received")
        self.assertEqual(event.lane, "operational")
        self.assertEqual(event.event_type, "customer.upserted")
        self.assertEqual(event.company_id, self.company)
        self.assertEqual(len(event.payload_sha256), 64)
        self.assertEqual(fields.Datetime.to_string(event.occurred_at), "2026-02-01 00:00:00")
        masked = json.loads(event.payload_masked)
        self.assertEqual(masked["data"]["email"], "j***@example.com")
        self.assertIn("jane.doe@example.com", event.payload)

    def test_payload_hash_and_receipt_cannot_be_written(self):
        event = self.store(canonical_event("evt_immutable"))
        for field, value in [
            ("payload", "{}"),
            ("payload_sha256", "x"),
            ("received_at", fields.Datetime.now()),
            ("external_id", "other"),
            ("payload_masked", "{}"),
        ]:
            with self.assertRaises(UserError, msg=field):
                event.write({field: value})
        # Processing fields stay writable by the engine.
        event.write({"attempt_count": 3})
        self.assertEqual(event.attempt_count, 3)

    def test_attempts_accumulate(self):
        event = self.store(canonical_event("evt_attempts"))
        with scripted_handler(self.registry) as handler:
            handler.script["evt_attempts"] = ["transient", "transient", "ok"]
            for _round in range(3):
                self.make_due(event)
                self.process()
        self.assertEqual(event.state, "done")
        self.assertEqual(event.attempt_count, 3)
        self.assertEqual(
            event.attempt_ids.sorted("id").mapped("outcome"), ["retry", "retry", "done"]
        )
        self.assertEqual(event.attempt_ids.sorted("id")[-1].records_touched, 1)
        self.assertEqual(event.record_ids.res_model, "res.partner")

    def test_retention_purges_raw_payload_keeps_hash_and_mask(self):
        old = self.store(canonical_event("evt_old"))
        recent = self.store(canonical_event("evt_recent"))
        (old | recent).write({"state": "done"})
        self.env.cr.execute(
            "UPDATE saas_event SET received_at = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=400), old.id),
        )
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.retention_days", "90")
        purged = self.env["saas.event"]._cron_purge_raw_payloads()
        self.assertGreaterEqual(purged, 1)
        old.invalidate_recordset()
        self.assertFalse(old.payload)
        self.assertTrue(old.payload_purged)
        self.assertTrue(old.payload_sha256)
        self.assertIn("j***@example.com", old.payload_masked)
        self.assertTrue(recent.payload)

    def test_purged_event_replay_goes_dead_with_reason(self):
        event = self.store(canonical_event("evt_purged"))
        self.env.cr.execute("UPDATE saas_event SET payload = NULL WHERE id = %s", (event.id,))
        event.invalidate_recordset()
        with scripted_handler(self.registry):
            self.process()
        self.assertEqual(event.state, "dead")
        self.assertIn("purged", event.last_error)
