# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Concurrency with real, separate database cursors (committed transactions).

These tests commit, so they create their own system and delete everything
they made afterwards.
"""

import json
import threading
import time
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..exceptions import DependencyError
from ..lib.schema import validate_event
from ..tools import as_ledger_writer
from . import concurrency
from .common import TEST_TYPE, canonical_event, handler_for, scripted_handler


@tagged("post_install", "-at_install")
class TestConcurrency(concurrency.CommittedCase):
    system_values = {"name": "Concurrency", "code": "test-concurrency", "kind": "generic"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_trigger")
            cls.last_trigger_id = cr.fetchone()[0]

    @classmethod
    def _cleanup(cls):
        result = super()._cleanup()
        with cls.registry.cursor() as cr:
            cr.execute("DELETE FROM ir_cron_trigger WHERE id > %s", (cls.last_trigger_id,))
        return result

    def _store(self, cr, event):
        env = self._env(cr)
        system = env["saas.system"].browse(self.system_id)
        return env["saas.event"]._store_incoming(
            system, json.dumps(event), event, validate_event(event)
        )

    def _receive(self, cr, external_ids):
        """Receive a list of events on ``cr``; they are deleted after the test."""
        self.addCleanup(self._forget, external_ids)
        env = self._env(cr)
        system = env["saas.system"].browse(self.system_id)
        results = env["saas.event"]._receive_canonical(
            system, [canonical_event(external_id) for external_id in external_ids]
        )
        return {event.external_id: (event.id, created) for event, created in results}

    def _forget(self, external_ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            events = env["saas.event"].search(
                [("system_id", "=", self.system_id), ("external_id", "in", list(external_ids))]
            )
            system = as_ledger_writer(env["saas.system"].browse(self.system_id))
            for records in (events.record_ids, events.attempt_ids, events):
                system._purge_chained(records)

    def test_two_batches_with_overlapping_ids_at_once(self):
        """Two requests whose lists share ids, on separate cursors: the second
        waits for the first, then answers the shared ids with their original
        event and stores the others; each id is one row."""
        first_ids = [f"evt_conc_batch_{n}" for n in range(6)]
        second_ids = [f"evt_conc_batch_{n}" for n in range(3, 9)]
        first, second = self._deliver_twice_at_once(
            lambda cr: self._receive(cr, first_ids), lambda cr: self._receive(cr, second_ids)
        )
        self.assertTrue(all(created for _id, created in first.values()))
        for external_id in first_ids[3:]:
            self.assertEqual(second[external_id], (first[external_id][0], False), external_id)
        for external_id in second_ids[3:]:
            self.assertTrue(second[external_id][1], external_id)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT external_id, array_agg(id) FROM saas_event WHERE system_id = %s "
                "AND external_id LIKE 'evt_conc_batch_%%' GROUP BY external_id",
                (self.system_id,),
            )
            rows = dict(cr.fetchall())
        self.assertEqual(set(rows), set(first_ids) | set(second_ids))
        answered = {**{k: v[0] for k, v in first.items()}, **{k: v[0] for k, v in second.items()}}
        self.assertEqual(rows, {external_id: [answered[external_id]] for external_id in rows})

    def test_a_run_under_way_never_swallows_a_later_wake_up(self):
        """A lane run that began before a request committed deletes, when it
        ends, only the triggers it saw: the request's own trigger stays, so the
        lane runs again for its events (no wait for the next scheduled run)."""
        ir_cron = self.registry["ir.cron"]
        with self.registry.cursor() as cr:
            cron_id = self._env(cr).ref("saas_sync.ir_cron_process_operational").id
            self._receive(cr, ["evt_wake_first"])
        run_cr = self.registry.cursor()
        try:
            # The cron worker takes the job, woken by the first event's trigger.
            job = ir_cron._acquire_one_job(run_cr, cron_id)
            self.assertTrue(job)
            with self.registry.cursor() as cr:
                claimed = self._env(cr)["saas.event"]._claim_due(
                    "operational", 50, [self.system_id]
                )
                self.assertEqual(claimed.mapped("external_id"), ["evt_wake_first"])
            # Within the same second, while the run is under way: a new event.
            with self.registry.cursor() as cr:
                self._receive(cr, ["evt_wake_second"])
            # The run ends: Odoo reschedules the job and deletes its triggers.
            self._env(run_cr)["ir.cron"]._reschedule_later(job)
            run_cr.commit()
        finally:
            run_cr.close()
        with self.registry.cursor() as cr:
            ready = [job["id"] for job in ir_cron._get_all_ready_jobs(cr)]
            cr.execute(
                "SELECT state FROM saas_event WHERE system_id = %s AND external_id = %s",
                (self.system_id, "evt_wake_second"),
            )
            self.assertEqual(cr.fetchone()[0], "received")
        self.assertIn(cron_id, ready, "the second event's wake-up was lost")

    def test_a_binding_from_an_older_snapshot_still_wakes_what_waits_for_it(self):
        """A transaction binds the object an event waits for, but its snapshot
        is older than the wait (the event was still ``received`` to it): once
        it commits, a new transaction wakes the event, so it does not sit out
        its backoff."""

        def handler(env, event, message):
            raise DependencyError(
                "Customer ext_wait_1 is not known yet.", waits_for=("res.partner", "ext_wait_1")
            )

        with handler_for(self.registry, TEST_TYPE, handler):
            with self.registry.cursor() as cr:
                event_id = self._receive(cr, ["evt_wait_1"])["evt_wait_1"][0]
            binder_cr = self.registry.cursor()
            try:
                binder = self._env(binder_cr)
                partner = binder["res.partner"].create({"name": "Waited for"})  # its snapshot
                self.addCleanup(self._delete_partner, partner.id)
                with self.registry.cursor() as cr:
                    self._env(cr)["saas.event"]._run_due(None, 50, [self.system_id], commit=True)
                    cr.execute(
                        "SELECT state, waits_external_id, next_attempt_at > %s FROM saas_event "
                        "WHERE id = %s",
                        (cr.now().replace(tzinfo=None), event_id),
                    )
                    self.assertEqual(cr.fetchone(), ("retry", "ext_wait_1", True))
                system = binder["saas.system"].browse(self.system_id)
                binder["saas.binding"].bind(system, partner, "ext_wait_1")
                binder_cr.commit()
            finally:
                binder_cr.close()
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, next_attempt_at <= (now() AT TIME ZONE 'UTC') FROM saas_event "
                "WHERE id = %s",
                (event_id,),
            )
            self.assertEqual(cr.fetchone(), ("retry", True), "the wake-up was lost")

    def _delete_partner(self, partner_id):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM saas_binding WHERE res_model = 'res.partner' AND res_id = %s",
                (partner_id,),
            )
            cr.execute("DELETE FROM res_partner WHERE id = %s", (partner_id,))

    def test_same_event_delivered_twice_at_once(self):
        event = canonical_event("evt_conc_dup")
        (first, created), (second, second_created) = self._deliver_twice_at_once(
            lambda cr: self._store(cr, event)
        )
        self.assertTrue(created)
        first_id = first.id
        self.assertEqual((second.id, second_created), (first_id, False))
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM saas_event WHERE system_id = %s AND "
                "external_id = 'evt_conc_dup'",
                (self.system_id,),
            )
            self.assertEqual(cr.fetchone()[0], 1)
        # Two workers then race for it: it is processed once.
        with scripted_handler(self.registry) as handler:
            self._run_workers(2, limit=10)
            self.assertEqual(handler.calls.count("evt_conc_dup"), 1)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            stored = env["saas.event"].browse(first_id)
            self.assertEqual(
                (stored.state, stored.attempt_count, len(stored.attempt_ids)), ("done", 1, 1)
            )

    def test_two_lane_workers_never_process_the_same_event(self):
        with self.registry.cursor() as cr:
            ids = [self._store(cr, canonical_event(f"evt_lane_{n}"))[0].id for n in range(20)]
        with scripted_handler(self.registry) as handler:
            claimed = self._run_workers(2, limit=12)
        first, second = set(claimed[0]), set(claimed[1])
        self.assertFalse(first & second, "an event was claimed by both workers")
        self.assertEqual(first | second, set(ids))
        self.assertEqual(len(handler.calls), 20)
        self.assertEqual(len(set(handler.calls)), 20)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            events = env["saas.event"].browse(ids)
            self.assertEqual(set(events.mapped("state")), {"done"})
            self.assertEqual(set(events.mapped("attempt_count")), {1})

    def test_lane_cron_commits_the_processing_claim(self):
        """The lane cron commits its claim: other transactions see the event
        ``processing`` while its handler runs, and the outcome is committed."""
        with self.registry.cursor() as cr:
            event_id = self._store(cr, canonical_event("evt_conc_visible"))[0].id
        seen = []

        def handler(env, event, message):
            with self.registry.cursor() as other:
                other.execute(
                    "SELECT state, claimed_at IS NOT NULL FROM saas_event WHERE id = %s",
                    (event.id,),
                )
                seen.append(other.fetchone())

        self.enterContext(handler_for(self.registry, "customer.upserted", handler))
        with self.registry.cursor() as cr:
            processed = self._env(cr)["saas.event"]._run_due(
                system_ids=[self.system_id], commit=True
            )
            self.assertEqual(processed.ids, [event_id])
        self.assertEqual(seen, [("processing", True)])
        with self.registry.cursor() as cr:
            self.assertEqual(self._env(cr)["saas.event"].browse(event_id).state, "done")

    def _set_setting(self, key, value):
        """Set ``saas_sync.<key>`` (committed) for this test."""
        param = f"saas_sync.{key}"
        with self.registry.cursor() as cr:
            params = self._env(cr)["ir.config_parameter"]
            previous = params.get_param(param)
            params.set_param(param, value)

        def restore():
            with self.registry.cursor() as cr:
                self._env(cr)["ir.config_parameter"].set_param(param, previous or False)

        self.addCleanup(restore)

    def test_a_dead_workers_events_come_back_at_once(self):
        """Issue 20: a lane worker whose session dies in the middle of its
        committed batch (kill -9, out of memory, a deploy) loses its claim at
        once: while it lives, no other run takes its events, even past the
        stale timeout; once its backend is gone, the next run queues them
        again, and every event is done within two cron intervals (1 minute
        each on the operational lane), each applied once."""
        external_ids = [f"evt_conc_dead_{n}" for n in range(6)]
        with self.registry.cursor() as cr:
            ids = [self._store(cr, canonical_event(ext))[0].id for ext in external_ids]
        self.addCleanup(self._forget, external_ids)
        # A claim past this timeout is still never taken from a live worker.
        self._set_setting("stale_processing_minutes", 0)
        reached, resume = threading.Event(), threading.Event()
        worker = {}

        def handler(env, event, message):
            if (
                threading.current_thread() is worker.get("thread")
                and message["id"] == (external_ids[2])
            ):
                reached.set()
                resume.wait(30)
            partner = env["res.partner"].create({"name": message["data"]["customer_id"]})
            event._log_record(partner, "create")

        def run_worker():
            try:
                with self.registry.cursor() as cr:
                    cr.execute("SELECT pg_backend_pid()")
                    worker["pid"] = cr.fetchone()[0]
                    self._env(cr)["saas.event"]._run_due(system_ids=[self.system_id], commit=True)
            except Exception as exc:  # noqa: BLE001 - its session is killed under it
                worker["error"] = exc

        self.enterContext(handler_for(self.registry, "customer.upserted", handler))
        worker["thread"] = threading.Thread(target=run_worker)
        # The killed worker logs its lost connection.
        self.enterContext(
            mute_logger("odoo.sql_db", "odoo.addons.saas_sync.models.saas_event_engine")
        )
        worker["thread"].start()
        try:
            self.assertTrue(reached.wait(30), "the worker never reached the third event")
            time.sleep(1.1)  # every claim is now older than the (zero) stale timeout
            with self.registry.cursor() as cr:
                env = self._env(cr)
                self.assertFalse(env["saas.event"]._recover_stale_claims(None, [self.system_id]))
                events = env["saas.event"].browse(ids)
                self.assertEqual(
                    events.mapped("state"), ["done"] * 2 + ["processing"] * 4, "a live claim"
                )
                cr.execute("SELECT pg_terminate_backend(%s)", (worker["pid"],))
                for _wait in range(50):
                    cr.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (worker["pid"],))
                    if not cr.fetchone():
                        break
                    time.sleep(0.1)
        finally:
            resume.set()
            worker["thread"].join(30)
        self.assertIn("error", worker, "the worker's session was not killed")
        with self.registry.cursor() as cr:
            env = self._env(cr)
            recovered_at = fields.Datetime.now()
            env["saas.event"]._run_due(system_ids=[self.system_id], commit=True)
            events = env["saas.event"].browse(ids)
            self.assertEqual(events.mapped("state"), ["done"] * 2 + ["retry"] * 4)
            for event in events[2:]:
                self.assertEqual(event.error_class, "transient")
                self.assertIn("worker stopped", event.last_error)
                # Queued again for the next cron interval, not 30 minutes later.
                self.assertLessEqual(event.next_attempt_at, recovered_at + timedelta(minutes=1))
            # The next cron run, once their backoff has passed.
            events.filtered(lambda e: e.state == "retry").write(
                {"next_attempt_at": recovered_at - timedelta(seconds=1)}
            )
            cr.commit()  # pylint: disable=invalid-commit
            env["saas.event"]._run_due(system_ids=[self.system_id], commit=True)
            events.invalidate_recordset()
            self.assertEqual(set(events.mapped("state")), {"done"})
            names = [f"cus_{ext}" for ext in external_ids]
            partners = env["res.partner"].search([("name", "in", names)])
            self.assertEqual(sorted(partners.mapped("name")), sorted(names), "each applied once")
