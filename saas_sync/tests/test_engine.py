# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import SaasSyncCommon, canonical_event, handler_for, scripted_handler


@tagged("post_install", "-at_install")
class TestEngine(SaasSyncCommon, TransactionCase):
    def _delay_after(self, event):
        """Seconds between the last attempt and the next one."""
        attempt = event.attempt_ids.sorted("id")[-1]
        return (event.next_attempt_at - attempt.started_at).total_seconds()

    def test_transient_failure_retries_with_growing_delays_then_succeeds(self):
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.backoff_base", "30")
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.backoff_factor", "2")
        event = self.store(canonical_event("evt_transient"))
        delays = []
        with scripted_handler(self.registry) as handler:
            handler.script["evt_transient"] = ["transient", "transient", "transient", "ok"]
            for _round in range(3):
                self.process()
                self.assertEqual(event.state, "retry")
                self.assertEqual(event.error_class, "transient")
                self.assertGreater(event.next_attempt_at, fields.Datetime.now())
                delays.append(self._delay_after(event))
                # Not due yet: a run now leaves it alone.
                self.process()
                self.assertEqual(event.attempt_count, len(delays))
                self.make_due(event)
            self.process()
        self.assertEqual(event.state, "done")
        self.assertFalse(event.last_error)
        # 30 s, 60 s, 120 s, each plus at most 20 % jitter (Odoo stores whole seconds).
        for delay, base in zip(delays, (30, 60, 120), strict=True):
            self.assertGreaterEqual(delay, base - 1)
            self.assertLessEqual(delay, base * 1.2 + 1)
        self.assertLess(delays[0], delays[1])
        self.assertLess(delays[1], delays[2])

    def test_retries_exhausted_go_dead(self):
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.max_attempts", "2")
        event = self.store(canonical_event("evt_exhausted"))
        with scripted_handler(self.registry) as handler:
            handler.script["evt_exhausted"] = ["dependency"]
            self.process()
            self.assertEqual(event.state, "retry")
            self.assertEqual(event.error_class, "dependency")
            self.make_due(event)
            self.process()
        self.assertEqual(event.state, "dead")
        self.assertEqual(event.attempt_count, 2)

    def test_a_replay_gets_the_whole_retry_budget_and_keeps_the_count(self):
        self.env["ir.config_parameter"].sudo().set_param("saas_sync.max_attempts", "2")
        event = self.store(canonical_event("evt_replay_budget"))
        with scripted_handler(self.registry) as handler:
            handler.script["evt_replay_budget"] = ["dependency"]
            for _round in range(2):
                self.make_due(event)
                self.process()
            self.assertEqual((event.state, event.attempt_count), ("dead", 2))
            event.with_user(self.support_user).action_replay()
            self.process()
            # the third attempt is the first of the new budget: retried, not dead
            self.assertEqual((event.state, event.attempt_count), ("retry", 3))
            self.make_due(event)
            self.process()
        self.assertEqual((event.state, event.attempt_count), ("dead", 4))
        self.assertEqual(len(event.attempt_ids), event.attempt_count)

    def test_validation_failure_goes_dead_at_once(self):
        event = self.store(canonical_event("evt_invalid"))
        with scripted_handler(self.registry) as handler:
            handler.script["evt_invalid"] = ["validation"]
            self.process()
        self.assertEqual(event.state, "dead")
        self.assertEqual(event.error_class, "validation")
        self.assertIn("total does not match", event.last_error)
        self.assertFalse(event.next_attempt_at)

    def test_failure_in_batch_leaves_others_done(self):
        events = self.env["saas.event"]
        for name in ("evt_a", "evt_b", "evt_c"):
            events |= self.store(canonical_event(name))
        with scripted_handler(self.registry) as handler:
            handler.script["evt_b"] = ["validation"]
            self.process()
        self.assertEqual(events.mapped("state"), ["done", "dead", "done"])
        # The failing handler's writes were rolled back, the others' kept.
        partners = self.env["res.partner"].search(
            [("name", "in", ["cus_evt_a", "cus_evt_b", "cus_evt_c"])]
        )
        self.assertEqual(sorted(partners.mapped("name")), ["cus_evt_a", "cus_evt_c"])

    def test_mapping_failure_parks_then_runs_once_approved(self):
        event = self.store(canonical_event("evt_mapping"))
        with scripted_handler(self.registry) as handler:
            handler.script["evt_mapping"] = [("mapping", "currency", "XTS")]
            self.process()
            self.assertEqual(event.state, "needs_mapping")
            self.assertEqual(event.error_class, "mapping")
            mapping = event.missing_mapping_id
            self.assertEqual(
                (mapping.kind, mapping.external_key, mapping.state), ("currency", "XTS", "draft")
            )
            self.assertIn("currency", event.last_error)
            # Nothing happens while the mapping is missing.
            self.process()
            self.assertEqual(event.attempt_count, 1)
            mapping.target_ref = f"res.currency,{self.env.ref('base.EUR').id}"
            mapping.with_user(self.reviewer_user).action_approve()
            self.assertEqual(event.state, "retry")
            self.process()
        self.assertEqual(event.state, "done")
        self.assertEqual(event.attempt_count, 2)

    def test_unknown_type_is_ignored_with_reason(self):
        event = self.store(
            canonical_event(
                "evt_nohandler",
                event_type="refund.issued",
                data={
                    "refund_id": "re_1",
                    "payment_id": "pay_1",
                    "currency": "USD",
                    "amount": "1.00",
                },
            )
        )
        # Whatever other addons registered, this run knows no handler.
        with patch.object(self.registry["saas.handler"], "_handler_table", lambda _self: {}):
            self.process()
        self.assertEqual(event.state, "ignored")
        self.assertIn("No handler", event.ignore_reason)

    def test_replay_and_ignore(self):
        event = self.store(canonical_event("evt_replay"))
        with scripted_handler(self.registry) as handler:
            handler.script["evt_replay"] = ["validation", "ok"]
            self.process()
            self.assertEqual(event.state, "dead")
            event.with_user(self.support_user).action_replay()
            # The count stays what the Attempts tab lists (it showed 0, then 1 of 2).
            self.assertEqual((event.state, event.attempt_count), ("retry", 1))
            self.process()
        self.assertEqual(event.state, "done")
        self.assertEqual(len(event.attempt_ids), 2)
        self.assertEqual(event.attempt_count, 2)
        with self.assertRaises(UserError):
            event._mark_ignored("too late: it is done")
        parked = self.store(canonical_event("evt_to_ignore"))
        with self.assertRaises(UserError):
            parked._mark_ignored("")
        parked.with_user(self.support_user)._mark_ignored("duplicate sent by the CRM")
        self.assertEqual(parked.state, "ignored")
        self.assertEqual(parked.ignore_reason, "duplicate sent by the CRM")

    def test_replay_wizard_by_window(self):
        dead = self.store(canonical_event("evt_window_dead"))
        done = self.store(canonical_event("evt_window_done"))
        dead.write({"state": "dead"})
        done.write({"state": "done"})
        wizard = self.env["saas.event.replay"].create(
            {
                "mode": "window",
                "system_id": self.system.id,
                "state": "dead",
                "date_from": fields.Datetime.now().replace(hour=0, minute=0, second=0),
            }
        )
        self.assertGreaterEqual(wizard.match_count, 1)
        wizard.action_replay()
        self.assertEqual(dead.state, "retry")
        self.assertEqual(done.state, "done")

    def test_process_pending_is_for_administrators(self):
        with self.assertRaises(AccessError):
            self.env["saas.event"].with_user(self.support_user).process_pending()

    def test_wrong_environment_system_is_never_processed(self):
        event = self.store(canonical_event("evt_env"))
        self.system.environment = "production"
        with scripted_handler(self.registry):
            self.process()
        self.assertEqual(event.state, "received")
        self.assertEqual(event.attempt_count, 0)

    def test_event_is_processing_while_its_handler_runs(self):
        event = self.store(canonical_event("evt_processing"))
        seen = []

        def handler(env, running, message):
            running.invalidate_recordset(["state"])
            seen.append((running.state, bool(running.claimed_at)))

        self.enterContext(handler_for(self.registry, "customer.upserted", handler))
        self.process()
        self.assertEqual(seen, [("processing", True)])
        self.assertEqual(event.state, "done")

    def test_stale_processing_claim_is_queued_again(self):
        stale = self.store(canonical_event("evt_stale"))
        running = self.store(canonical_event("evt_running"))
        now = fields.Datetime.now()
        stale.write({"state": "processing", "claimed_at": now - timedelta(hours=2)})
        running.write({"state": "processing", "claimed_at": now - timedelta(minutes=1)})
        with scripted_handler(self.registry) as handler:
            self.process()
            # The stale claim counts a transient attempt and retries with backoff;
            # a recent claim belongs to a live worker and is left alone.
            self.assertEqual((stale.state, stale.error_class), ("retry", "transient"))
            self.assertEqual(stale.attempt_count, 1)
            self.assertIn("worker stopped", stale.last_error)
            self.assertEqual(stale.attempt_ids.outcome, "retry")
            self.assertEqual((running.state, running.attempt_count), ("processing", 0))
            self.assertFalse(handler.calls)
            self.make_due(stale)
            self.process()
        self.assertEqual(stale.state, "done")
        self.assertEqual(handler.calls, ["evt_stale"])

    def test_handler_bug_goes_dead_as_bug_with_traceback(self):
        events = self.store(canonical_event("evt_keyerror")) | self.store(
            canonical_event("evt_attrerror")
        )

        def handler(env, event, message):
            if message["id"] == "evt_keyerror":
                return message["data"]["no_such_key"]
            return message.no_such_attribute

        self.enterContext(handler_for(self.registry, "customer.upserted", handler))
        with self.assertLogs("odoo.addons.saas_sync.models.saas_event_engine", "ERROR") as logs:
            self.process()
        self.assertEqual(len(logs.records), 2)
        for event, name in zip(events, ("KeyError", "AttributeError"), strict=True):
            self.assertEqual((event.state, event.error_class), ("dead", "bug"))
            self.assertFalse(event.next_attempt_at)
            self.assertTrue(event.last_error.startswith(name))
            attempt = event.attempt_ids
            self.assertEqual((attempt.outcome, attempt.error_class), ("dead", "bug"))
            self.assertIn("Traceback (most recent call last)", attempt.error)
            self.assertIn(", in handler", attempt.error)


@tagged("post_install", "-at_install")
class TestLaneWakeUp(SaasSyncCommon, TransactionCase):
    """Odoo reruns a cron job that reports work left only 10 times in a row,
    then waits for a wake-up: while a backlog remains, a lane run triggers its
    own record (and the lane's other active workers), so the rest never waits
    for the lane's next scheduled run."""

    def _pending_triggers(self, cron):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    def test_a_run_with_work_left_wakes_its_own_record(self):
        cron = self.env.ref("saas_sync.ir_cron_process_operational")
        self.store(canonical_event("evt_backlog_1"))
        self.store(canonical_event("evt_backlog_2"))
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        Event = self.env["saas.event"]
        # A run that processed nothing of the backlog (its batch went elsewhere).
        with patch.object(type(Event), "_run_due", lambda *args, **kwargs: Event.browse()):
            Event._cron_process_lane("operational")
        self.assertEqual(self._pending_triggers(cron), 1)

    def test_a_run_with_nothing_left_wakes_nobody(self):
        cron = self.env.ref("saas_sync.ir_cron_process_operational")
        self.env["saas.event"].search([("state", "in", ("received", "retry"))]).write(
            {"state": "ignored", "ignore_reason": "not this test's"}
        )
        self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
        Event = self.env["saas.event"]
        with patch.object(type(Event), "_run_due", lambda *args, **kwargs: Event.browse()):
            Event._cron_process_lane("operational")
        self.assertEqual(self._pending_triggers(cron), 0)
