# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 20: deleting a subscription or a customer erased its MRR movements
and facts (cascade). They are archived instead; the MRR ledger is written by
its engine only, and a sandbox purge is the one way to delete it."""

import psycopg2

from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestAuditTrail(SubscriptionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Movement = cls.env["saas.mrr.movement"]
        cls.Point = cls.env["saas.mrr.point"]

    def setUp(self):
        super().setUp()
        self.partner = self.customer("cus_audit")
        self.assertDone(self.subscribe("subscription.activated", "sub_audit", "cus_audit"))
        self.sub = self.subscription("sub_audit")
        self.movements = self.sub.movement_ids
        self.points = self.Point.search([("subscription_id", "=", self.sub.id)])
        self.assertTrue(self.movements and self.points)

    def test_subscription_and_customer_are_archived_not_deleted(self):
        for records in (self.sub, self.partner):
            with self.subTest(model=records._name):
                with self.assertRaisesRegex(UserError, "archive it"):
                    records.unlink()
        # the database keeps the ledger even below the ORM: no cascade
        with (
            self.assertRaises(psycopg2.errors.ForeignKeyViolation),
            self.env.cr.savepoint(),
            mute_logger("odoo.sql_db"),
        ):
            self.env.cr.execute("DELETE FROM saas_subscription WHERE id = %s", self.sub.ids)
        self.sub.action_archive()
        self.partner.action_archive()
        self.assertFalse(self.sub.active)
        self.assertEqual(self.sub.with_context(active_test=False).movement_ids, self.movements)
        self.assertEqual(self.movements.exists(), self.movements)
        # a customer with no event, binding or subscription can still be deleted
        self.env["res.partner"].create({"name": "Nobody"}).unlink()

    def test_movements_and_facts_cannot_be_changed_or_deleted(self):
        movement, point = self.movements[0], self.points[0]
        for call in (
            lambda: movement.write({"delta": 99.0}),
            lambda: movement.sudo().write({"date": "2020-01-01"}),
            movement.sudo().unlink,
            lambda: point.sudo().write({"rate": 1.0}),
            point.sudo().unlink,
        ):
            with self.assertRaises(UserError):
                call()
        # a context key (what an RPC client can send) does not make it the engine
        with self.assertRaises(UserError):
            movement.sudo().with_context(saas_ledger_writer=True).unlink()
        # integration administrators have no write or delete right on the ledger
        admin = new_test_user(
            self.env, login="ledger_admin", groups="base.group_user,saas_sync.group_saas_admin"
        )
        for model, record, method, args, error in (
            ("saas.mrr.movement", movement, "write", [{"delta": 1.0}], UserError),
            ("saas.mrr.movement", movement, "unlink", [], AccessError),
            ("saas.mrr.point", point, "unlink", [], AccessError),
        ):
            with self.subTest(model=model, method=method), self.assertRaises(error):
                call_kw(self.env[model].with_user(admin), method, [record.ids, *args], {})
        # the engine still derives them: an upgrade moves the ledger
        self.assertDone(
            self.subscribe(
                "subscription.changed",
                "sub_audit",
                "cus_audit",
                price="30.00",
                when="2026-02-01T00:00:00Z",
            )
        )
        self.assertEqual(self.sub.mrr, 30.0)
        self.assertLedgerHolds()

    def test_sandbox_purge_deletes_the_subscriptions_and_their_ledger(self):
        events = self.env["saas.event"].search([("system_id", "=", self.system.id)])
        self.env["saas.audit.seal"]._cron_seal_audit_trail(limit=10**7)
        self.system.action_purge_sandbox_data()
        self.assertFalse(self.sub.exists())
        self.assertFalse(self.movements.exists() or self.points.exists())
        self.assertFalse(events.exists())
        self.assertFalse(self.env["saas.binding"].search([("system_id", "=", self.system.id)]))
        # the customer was the events' record: nothing refers to it any more
        self.partner.unlink()
        results = self.env["saas.audit.seal"]._verify_audit_trail()
        self.assertTrue(all(result["break"] is None for result in results), results)

    def test_merging_duplicates_moves_the_trail_to_the_kept_customer(self):
        """Before: Odoo's merge deleted a duplicate that events had touched."""
        other = self.customer("cus_audit_dup")
        other.email = self.partner.email
        touched = self.env["saas.event.record"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", other.id)]
        )
        self.assertTrue(touched)
        wizard = self.env["saas.partner.dedup"].create({})
        line = wizard.line_ids.filtered(lambda x: x.partner_ids == self.partner | other)
        line.write({"selected": True, "dst_partner_id": self.partner.id})
        wizard.action_merge()
        self.assertFalse(other.exists())
        self.assertEqual(set(touched.mapped("res_id")), {self.partner.id})
        self.assertEqual(
            self.env["saas.binding"].find_record(self.system, "res.partner", "cus_audit_dup"),
            self.partner,
        )
