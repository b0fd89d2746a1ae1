# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 20: an audit trail nobody can erase. Events, attempts and mapping
approvals cannot be changed or deleted through the ORM or RPC; the financial
lane seals them into hash chains in id order; "Verify audit trail" names the
first row that an SQL change made no longer match."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from ..models.saas_audit import SEAL_LOCK_KEY
from .common import RpcAccessCase, SaasSyncCommon, canonical_event, scripted_handler


@tagged("post_install", "-at_install")
class TestAuditTrail(SaasSyncCommon, RpcAccessCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_roles("audit", roles=("support", "reviewer", "admin"))
        cls.Seal = cls.env["saas.audit.seal"]
        with scripted_handler(cls.registry) as handler:
            handler.script["evt_a2"] = ["transient", "ok"]
            cls.events = cls.env["saas.event"]
            for name in ("evt_a1", "evt_a2", "evt_a3"):
                [(event, _new)] = cls.env["saas.event"]._receive_canonical(
                    cls.system, canonical_event(name)
                )
                cls.events |= event
            cls.env["saas.event"].process_pending(system_ids=cls.system.ids)
            cls.events.filtered(lambda e: e.state == "retry").write(
                {"next_attempt_at": "2000-01-01 00:00:00"}
            )
            cls.env["saas.event"].process_pending(system_ids=cls.system.ids)
        cls.mapping = cls.env["saas.mapping"].create(
            {
                "system_id": cls.system.id,
                "kind": "currency",
                "external_key": "EUR-AUDIT",
                "target_ref": f"res.currency,{cls.env.ref('base.EUR').id}",
            }
        )
        cls.mapping.action_approve()

    def verify(self):
        return {r["model"]: r for r in self.Seal.with_user(self.reviewer)._verify_audit_trail()}

    def seals(self, model):
        return self.Seal.search([("res_model", "=", model)], order="sequence")

    # ------------------------------------------------------------- sealing
    def test_clean_database_verifies_and_sealing_is_ordered_and_idempotent(self):
        before = self.verify()
        self.assertGreaterEqual(before["saas.event"]["unsealed"], 3)
        self.assertFalse(self.events[0].audit_sealed)
        self.assertIn(self.events[0], self.env["saas.event"].search([("audit_sealed", "=", False)]))

        sealed = self.Seal._cron_seal_audit_trail(limit=10**7)
        self.assertGreaterEqual(sealed["saas.event"], 3)
        self.assertGreaterEqual(sealed["saas.event.attempt"], 4)
        self.assertGreaterEqual(sealed["saas.mapping"], 1)
        self.assertTrue(all(self.events.mapped("audit_sealed")))
        self.assertTrue(self.mapping.audit_sealed)
        # idempotent: a second run seals nothing and changes no seal
        hashes = self.Seal.search([]).mapped("hash")
        self.assertEqual(set(self.Seal._cron_seal_audit_trail(limit=10**7).values()), {0})
        self.assertEqual(self.Seal.search([]).mapped("hash"), hashes)
        # ordered: positions follow the ids, each seal chained to the one before
        for model in ("saas.event", "saas.event.attempt", "saas.mapping"):
            seals = self.seals(model)
            self.assertEqual(seals.mapped("sequence"), list(range(1, len(seals) + 1)))
            self.assertEqual(seals.mapped("res_id"), sorted(seals.mapped("res_id")))
            self.assertEqual(seals[1:].mapped("previous_hash"), seals[:-1].mapped("hash"))
        results = self.verify()
        for result in results.values():
            self.assertIsNone(result["break"], result)
            self.assertEqual(result["unsealed"], 0, result)

        # a row written after the run shows as not yet sealed, then is appended
        new = self.store(canonical_event("evt_a4"))
        self.assertFalse(new.audit_sealed)
        self.assertEqual(self.verify()["saas.event"]["unsealed"], 1)
        last = self.seals("saas.event")[-1]
        self.assertEqual(self.Seal._seal_model("saas.event"), 1)
        appended = self.seals("saas.event")[-1]
        self.assertEqual(
            (appended.res_id, appended.sequence, appended.previous_hash),
            (new.id, last.sequence + 1, last.hash),
        )
        self.assertIsNone(self.verify()["saas.event"]["break"])

    def test_one_sealing_process_at_a_time(self):
        with self.registry.cursor() as other:
            other.execute("SELECT pg_advisory_xact_lock(%s)", (SEAL_LOCK_KEY,))
            self.assertIsNone(self.Seal._cron_seal_audit_trail(limit=10**7))
        self.assertFalse(self.Seal.search_count([]))
        self.assertTrue(self.Seal._cron_seal_audit_trail(limit=10**7))

    # -------------------------------------------------------- verification
    def assertNamed(self, model, record, reason):
        result = self.verify()[model]
        self.assertEqual(result["break"] and result["break"]["record_id"], record.id, result)
        self.assertEqual(result["break"]["reason"], reason)
        wizard = self.env["saas.audit.verify"].with_user(self.reviewer).create({})
        wizard.action_verify()
        self.assertEqual(wizard.state, "broken")
        self.assertIn(f"#{record.id}", wizard.first_break)
        self.assertIn(self.env[model]._description, wizard.first_break)

    def test_sql_update_of_every_chained_table_is_named(self):
        self.Seal._cron_seal_audit_trail(limit=10**7)
        attempt = self.events.attempt_ids.sorted("id")[1]
        changes = [
            (self.events[1], "UPDATE saas_event SET payload_sha256 = 'x' WHERE id = %s"),
            (
                self.events[2],
                "UPDATE saas_event SET received_at = received_at - interval '1 day' WHERE id = %s",
            ),
            (attempt, "UPDATE saas_event_attempt SET outcome = 'dead' WHERE id = %s"),
            (
                self.mapping,
                "UPDATE saas_mapping SET target_ref = 'res.currency,999999' WHERE id = %s",
            ),
        ]
        for record, statement in changes:
            model = record._name
            with self.subTest(model=model, statement=statement):
                with self.env.cr.savepoint(flush=False) as savepoint:
                    self.env.cr.execute(statement, (record.id,))
                    self.env.invalidate_all()
                    self.assertNamed(model, record, "changed")
                    savepoint.rollback()
        self.env.invalidate_all()
        self.assertTrue(all(result["break"] is None for result in self.verify().values()))

    def test_sql_delete_and_rewritten_seal_are_named(self):
        self.Seal._cron_seal_audit_trail(limit=10**7)
        attempt = self.events.attempt_ids.sorted("id")[0]
        self.env.cr.execute("DELETE FROM saas_event_attempt WHERE id = %s", (attempt.id,))
        self.env.invalidate_all()
        self.assertNamed("saas.event.attempt", attempt, "missing")
        # changing a row and its seal's content hash leaves the chained hash wrong
        event = self.events[0]
        self.env.cr.execute("UPDATE saas_event SET entity = 'XX' WHERE id = %s", (event.id,))
        self.env.cr.execute(
            "UPDATE saas_audit_seal SET content_hash = 'f' WHERE res_model = 'saas.event' "
            "AND res_id = %s",
            (event.id,),
        )
        self.env.invalidate_all()
        self.assertEqual(self.verify()["saas.event"]["break"]["reason"], "chain")

    def test_only_finance_reviewers_verify(self):
        with self.assertRaises(AccessError):
            self.Seal.with_user(self.support)._verify_audit_trail()
        with self.assertRaises(AccessError):
            self.env["saas.audit.verify"].with_user(self.support).create({})

    def test_seals_cannot_be_written_through_the_orm(self):
        self.Seal._cron_seal_audit_trail(limit=10**7)
        seal = self.Seal.search([], limit=1)
        for call in (
            lambda: seal.write({"hash": "0"}),
            seal.unlink,
            lambda: self.Seal.create({"res_model": "x", "res_id": 1}),
        ):
            with self.assertRaises(UserError):
                call()

    # -------------------------------------------------------- immutability
    def test_events_attempts_and_approvals_cannot_be_changed_or_deleted(self):
        event = self.events[0]
        attempt = event.attempt_ids[0]
        for call in (
            event.unlink,
            event.sudo().unlink,
            lambda: event.write({"entity": "XX"}),
            lambda: attempt.sudo().write({"outcome": "dead"}),
            attempt.sudo().unlink,
            self.mapping.sudo().unlink,
            lambda: self.mapping.write({"external_key": "OTHER"}),
            lambda: self.mapping.write(
                {"target_ref": f"res.currency,{self.env.ref('base.USD').id}"}
            ),
        ):
            with self.assertRaises(UserError):
                call()
        # nobody deletes the ledger over RPC, and a context key an RPC client
        # sends does not make it the engine
        for model, record in (("saas.event", event), ("saas.event.attempt", attempt)):
            with self.assertRaises(AccessError):
                self.rpc(self.admin, model, "unlink", record.ids)
        with self.assertRaises(UserError):
            self.rpc(
                self.admin,
                "saas.mapping",
                "unlink",
                self.mapping.ids,
                context={"saas_ledger_writer": True},
            )
        # archived, an approval still cannot be deleted; a draft can
        self.mapping.action_archive_mapping()
        with self.assertRaises(UserError):
            self.mapping.unlink()
        draft = self.mapping.action_new_version()
        self.env["saas.mapping"].browse(draft["res_id"]).unlink()
        # the engine's own transitions still work: replay runs the event again
        with scripted_handler(self.registry):
            event.action_replay()
            self.process()
        self.assertEqual(event.state, "done")
        self.assertEqual(len(event.attempt_ids), 2)

    # -------------------------------------------------------- sandbox purge
    def test_sandbox_purge(self):
        self.Seal._cron_seal_audit_trail(limit=10**7)
        with self.assertRaises(AccessError):
            self.system.with_user(self.reviewer).action_purge_sandbox_data()
        production = self.env["saas.system"].create(
            {"name": "Live", "code": "audit-live", "environment": "production"}
        )
        with self.assertRaises(UserError):
            production.action_purge_sandbox_data()
        # a system switched to sandbox after it received live events keeps them
        live = self.store(canonical_event("evt_live"))
        self.env.cr.execute(
            "UPDATE saas_event SET system_id = %s, livemode = TRUE WHERE id = %s",
            (production.id, live.id),
        )
        self.env.invalidate_all()
        production.environment = "sandbox"
        with self.assertRaises(UserError):
            production.action_purge_sandbox_data()

        attempts = self.events.attempt_ids
        self.system.with_user(self.admin).action_purge_sandbox_data()
        self.assertFalse(self.events.exists())
        self.assertFalse(attempts.exists())
        self.assertTrue(self.mapping.exists())
        # their seals stay, marked purged: the chain still verifies
        purged = self.seals("saas.event").filtered("purged")
        self.assertEqual(set(purged.mapped("res_id")), set(self.events.ids))
        self.assertTrue(all(result["break"] is None for result in self.verify().values()))
