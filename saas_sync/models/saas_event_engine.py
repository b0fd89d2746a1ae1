# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The processing engine of the inbox: lane crons claim due events with
``FOR UPDATE SKIP LOCKED``, run each through its handler in a savepoint and
record the attempt; :func:`..exceptions.classify_error` decides what a
failure means."""

import contextlib
import functools
import json
import logging
import random
import time
import traceback
from datetime import timedelta

import psycopg2

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL

from ..const import ADMIN_GROUP, CLAIM_LOCK_NAMESPACE, DEAD_AT_ONCE, DUE_STATES
from ..exceptions import DependencyError, EventValidationError, MappingError, classify_error
from ..lib.schema import SchemaError, validate_event
from ..tools import backoff_policy, check_group, database_environment, get_setting

_logger = logging.getLogger(__name__)

# The cursor's attribute holding, for the transaction under way, the (system
# id, model, external id) it bound and the events it recorded as waiting for
# one. Not the cursor's ``precommit.data``: every flushing savepoint runs (or
# clears) the precommit hooks and their data, mid-transaction.
WAKE_ATTR = "_saas_sync_wake"


def _wake_state(env):
    """``{"bound": set, "waiting": set}`` of the transaction of ``env.cr``,
    forgotten when it rolls back. The engine takes it before each step's
    commit (``_wake_after_step``); what another transaction bound (outside
    the engine) wakes its waiting events again after its commit, in a new
    transaction: its own snapshot may have been older than their wait."""
    cr = env.cr
    state = cr.__dict__.get(WAKE_ATTR)
    if state is None:
        state = {"bound": set(), "waiting": set()}
        cr.__dict__[WAKE_ATTR] = state
        registry = env.registry

        def forget():
            cr.__dict__.pop(WAKE_ATTR, None)

        def after_commit():
            left = cr.__dict__.pop(WAKE_ATTR, None)
            if not left or not left["bound"]:
                return
            try:
                with registry.cursor() as new_cr:
                    new_env = api.Environment(new_cr, SUPERUSER_ID, {})
                    new_env["saas.event"]._wake_dependents(left["bound"])
            except Exception:  # the backoff still runs them
                _logger.warning("Could not wake the events waiting for %s", left, exc_info=True)

        cr.postcommit.add(after_commit)
        cr.postrollback.add(forget)
    return state


class SaasEvent(models.Model):
    _inherit = "saas.event"

    def _trigger_lanes(self):
        self._trigger_lane_crons(set(self.mapped("lane")))

    @api.model
    def _trigger_lane_crons(self, lanes):
        """Wake the crons of ``lanes`` as soon as this transaction commits.

        Every transaction that queues events adds one ``ir.cron.trigger`` per
        lane, due now to the microsecond (one INSERT for all lanes), and the
        cron workers are notified once after the commit. No trigger is ever
        skipped because another one looks pending: that one may belong to a
        run already under way, which would consume it without seeing this
        transaction's events (a burst left its last events waiting for the
        lane's next scheduled run). A run deletes only the triggers its own
        snapshot sees (repeatable read), that is triggers committed, with their
        events, before it began: so each trigger is consumed by a run that
        sees its events, or stays and starts the next run.
        """
        cron_ids = [
            self.env["ir.model.data"]._xmlid_to_res_id(
                f"saas_sync.ir_cron_process_{lane}", raise_if_not_found=False
            )
            for lane in sorted(lanes)
        ]
        cron_ids = [cron_id for cron_id in cron_ids if cron_id]
        if not cron_ids:
            return
        self.env.cr.execute(
            """INSERT INTO ir_cron_trigger
                      (cron_id, call_at, create_uid, create_date, write_uid, write_date)
               SELECT id, clock_timestamp() AT TIME ZONE 'UTC', %(uid)s,
                      now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                 FROM ir_cron WHERE id = ANY(%(crons)s) AND active""",
            {"uid": self.env.uid, "crons": cron_ids},
        )
        postcommit = self.env.cr.postcommit
        if self.env.cr.rowcount and not postcommit.data.get("saas_sync.lanes_notified"):
            postcommit.data["saas_sync.lanes_notified"] = True
            postcommit.add(self.env["ir.cron"]._notifydb)

    @api.model
    def _trigger_lanes_at(self, due_by_lane):
        """Ask the cron of each lane to run when its first retry is due
        (``{lane: datetime}``): a lane whose scheduled interval is long (the
        financial lane's) retries at the backoff, not at its next run."""
        for lane, due in due_by_lane.items():
            cron = self.env.ref(f"saas_sync.ir_cron_process_{lane}", raise_if_not_found=False)
            if cron and cron.active:
                cron.sudo()._trigger(due)

    # ----------------------------------------------------------------- engine
    @api.model
    def _check_engine_access(self):
        check_group(
            self.env,
            ADMIN_GROUP,
            self.env._("Only SaaS integration administrators may run the engine."),
        )

    @api.model
    def process_pending(self, lane=None, limit=None, system_ids=None):
        """Process the events due now, as a lane cron does; return them.

        ``system_ids`` optionally restricts the run to some systems.

        Events are claimed with ``FOR UPDATE SKIP LOCKED``: concurrent workers
        (threads, processes or Odoo nodes) never take the same event. Each event
        runs in its own savepoint, so one failure never undoes the others.
        Claimed events are ``processing`` until their outcome is written; this
        method runs in the caller's transaction (the lane crons commit, see
        :meth:`_run_due`).
        """
        self._check_engine_access()
        return self._run_due(lane, limit, system_ids)

    @api.model
    def _run_due(self, lane=None, limit=None, system_ids=None, commit=False):
        """Recover dead workers' claims, claim due events, process them; return them.

        With ``commit`` (the lane crons), the claim is committed at once, so
        the events show as ``processing`` to everyone (health, event list,
        other workers) while they run, and each outcome is committed as soon
        as it is written. The claim says who holds it: a key on the events,
        and an advisory lock on that key held by this worker's database
        session until the run ends. A worker that dies (killed, out of
        memory, a deploy) loses its session and so its lock: the next run of
        any worker gives its events back to the queue at once
        (:meth:`_recover_stale_claims`), and never those of a live worker,
        however long it runs.
        """
        self._recover_stale_claims(lane, system_ids)
        claim_key = self._take_claim_key(session=commit)
        try:
            return self._run_claim(claim_key, lane, limit, system_ids, commit)
        except Exception:
            if commit:
                # The failed transaction is the cron's to drop; the lock's
                # release below needs a transaction that can run.
                with contextlib.suppress(psycopg2.Error):
                    self.env.cr.rollback()  # pylint: disable=invalid-commit
            raise
        finally:
            if commit:
                self._release_claim_key(claim_key)

    def _run_claim(self, claim_key, lane, limit, system_ids, commit):
        limit = limit or get_setting(self.env, "batch_size")
        events = self._claim_due_or_none(lane, limit, system_ids, claim_key)
        for _retry in range(3):
            if events is not None or not commit:
                break
            # Another worker claimed events our snapshot still saw as due: a
            # new transaction (a new snapshot) sees what is left.
            self.env.cr.commit()  # pylint: disable=invalid-commit
            events = self._claim_due_or_none(lane, limit, system_ids, claim_key)
        events = events or self.browse()
        if commit:
            # The lane cron's own cursor: a committed claim is what makes
            # ``processing`` visible and keeps other workers off the batch.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        processed = self.browse()
        # The steps are cut before any runs: a step's commit empties the
        # cache, and the events read afterwards would each fetch the whole
        # claimed batch again (its payloads included).
        for run, step in list(events._processing_steps()):
            held = run._hold_claims(claim_key)
            if not held:
                continue  # given back to the queue meanwhile: another worker owns it
            step(held)
            processed |= held
            self._wake_after_step(commit)
        return processed

    @api.model
    def _take_claim_key(self, session=True):
        """A new claim key, with this worker's advisory lock on it: held by
        the database session (``session``: until :meth:`_release_claim_key`
        or the session's end, commits included) or by the transaction."""
        self.env.cr.execute("SELECT nextval('saas_event_claim_key_seq')")
        claim_key = self.env.cr.fetchone()[0]
        if session:
            query = "SELECT pg_advisory_lock(%s, %s)"
        else:
            query = "SELECT pg_advisory_xact_lock(%s, %s)"
        self.env.cr.execute(query, (CLAIM_LOCK_NAMESPACE, claim_key))
        return claim_key

    @api.model
    def _release_claim_key(self, claim_key):
        try:
            self.env.cr.execute(
                "SELECT pg_advisory_unlock(%s, %s)", (CLAIM_LOCK_NAMESPACE, claim_key)
            )
        except psycopg2.Error as exc:
            # The session is gone (its connection closed): so is its lock.
            _logger.warning("Could not release the claim %s: %s", claim_key, exc)

    def _wake_after_step(self, commit):
        """Wake the events waiting for what the step just bound, then commit
        the step (``commit``).

        Two transactions meet here: the one binding a record and the one
        recording that an event waits for it. Each checks again after its own
        commit (a new snapshot): whichever commits last sees the other's
        work, so a wake-up is never lost between them.
        """
        state = self.env.cr.__dict__.pop(WAKE_ATTR, None) or {"bound": (), "waiting": ()}
        bound, waiting = state["bound"], state["waiting"]
        if waiting:
            # Bound earlier in this transaction without this model's hook.
            self._wake_dependents((), waiting)
        if not commit:
            return
        self.env.cr.commit()  # pylint: disable=invalid-commit
        if (bound or waiting) and self._wake_dependents(bound, waiting):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _note_bound(self, system_id, model, external_ids):
        """This transaction bound ``external_ids`` of ``model`` (the binding
        model calls it): the events waiting for them are made due at once, in
        this transaction (:meth:`_wake_dependents`), and the engine checks
        again after the step's commit."""
        keys = {(system_id, model, key) for key in external_ids if key}
        if keys:
            _wake_state(self.env)["bound"].update(keys)
            self._wake_dependents(keys)

    @api.model
    def _wake_dependents(self, bound=(), event_ids=()):
        """Make due now the ``retry`` events that wait for a record now bound:
        those waiting for one of ``bound`` ((system id, model, external id))
        or among ``event_ids``; trigger their lanes. A woken event is due at
        its receipt, so it takes back its place in the lane's queue (ordered
        by due time) instead of queuing again behind everything received
        while it waited. One UPDATE for all; events locked by another worker
        are skipped (that worker's own check after its commit covers them).
        Returns the number of lanes woken (0: none).
        """
        if not bound and not event_ids:
            return 0
        self.env["saas.binding"].flush_model()
        self.flush_model()
        systems, models_, keys = ([row[i] for row in bound] for i in range(3))
        query = SQL(
            """UPDATE saas_event e
                  SET next_attempt_at = LEAST(e.received_at,
                                              date_trunc('second', now() AT TIME ZONE 'UTC'))
                 FROM (SELECT w.id FROM saas_event w
                         JOIN saas_binding b ON b.system_id = w.waits_system_id
                                            AND b.res_model = w.waits_model
                                            AND b.external_id = w.waits_external_id
                        WHERE w.state = 'retry' AND w.waits_external_id IS NOT NULL
                          AND w.next_attempt_at > date_trunc('second', now() AT TIME ZONE 'UTC')
                          AND (w.id = ANY(%s)
                               OR (w.waits_external_id, w.waits_model, w.waits_system_id) IN
                                  (SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::int[])))
                          FOR UPDATE OF w SKIP LOCKED) due
                WHERE e.id = due.id
            RETURNING e.lane""",
            list(event_ids),
            keys,
            models_,
            systems,
        )
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, log_exceptions=False)
                lanes = {row[0] for row in self.env.cr.fetchall()}
        except (psycopg2.errors.SerializationFailure, psycopg2.errors.LockNotAvailable):
            # A waiting event changed since this transaction's snapshot (another
            # worker took it): the checks after each commit cover it.
            return 0
        if not lanes:
            return 0
        self.invalidate_model(["next_attempt_at"])
        self._trigger_lane_crons(lanes)
        return len(lanes)

    @api.model
    def _claim_due(self, lane, limit, system_ids=None):
        """Lock the due events (``SKIP LOCKED``) and mark them ``processing``."""
        return self._claim_due_or_none(lane, limit, system_ids) or self.browse()

    @api.model
    def _claim_due_or_none(self, lane, limit, system_ids=None, claim_key=None):
        """:meth:`_claim_due`, or None when another worker claimed (and committed) some of the rows
        since this transaction's snapshot was taken: PostgreSQL refuses to
        lock them (serialization failure) rather than skipping them; the
        caller tries again in a new transaction.
        """
        self.env.flush_all()
        now = fields.Datetime.now()
        query = SQL(
            """SELECT e.id FROM saas_event e
                 JOIN saas_system s ON s.id = e.system_id
                WHERE e.state IN %s
                  AND (e.next_attempt_at IS NULL OR e.next_attempt_at <= %s)
                  AND s.environment = %s
                  %s %s
             ORDER BY COALESCE(e.next_attempt_at, e.received_at), e.id
                LIMIT %s
          FOR UPDATE OF e SKIP LOCKED""",
            DUE_STATES,
            now,
            database_environment(self.env),
            SQL("AND e.lane = %s", lane) if lane else SQL(""),
            SQL("AND e.system_id = ANY(%s)", list(system_ids)) if system_ids else SQL(""),
            int(limit),
        )
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, log_exceptions=False)
                ids = [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.errors.SerializationFailure:
            return None
        events = self.sudo().browse(ids)
        events.write({"state": "processing", "claimed_at": now, "claim_key": claim_key or False})
        events.flush_recordset(["state", "claimed_at", "claim_key"])
        return events

    def _hold_claims(self, claim_key):
        """Lock these claimed events for their run; return those still ours.

        The row locks keep :meth:`_recover_stale_claims` off events that are
        running. An event it already gave back is no longer ``processing``
        under our claim (another worker may have claimed it since): it is
        left alone.
        """
        if not self:
            return self
        self.env.cr.execute(
            """SELECT id FROM saas_event
                WHERE id = ANY(%s) AND state = 'processing' AND claim_key = %s
                  FOR UPDATE""",
            (self.ids, claim_key),
        )
        held = {row[0] for row in self.env.cr.fetchall()}
        self.invalidate_recordset()
        return self.filtered(lambda event: event.id in held)

    # ---------------------------------------------------------------- batches
    def _effective_order(self):
        """The events in the order their facts happened (effective date, then
        receipt): two events about one object apply in that order."""
        return self.sorted(lambda event: (event.occurred_at or event.received_at, event.id))

    def _batch_entry(self):
        """``(batch method, message, keys)`` when this event may be applied in
        a batch, else None: events of systems without an adapter (their payload
        is the one canonical message) whose type has a batch handler."""
        self.ensure_one()
        if self.system_id._saas_has_adapter():
            return None
        try:
            messages = self._canonical_messages()
        except Exception:  # noqa: BLE001 - the one-by-one run records the error
            return None
        if len(messages) != 1 or messages[0].get("ignore_reason"):
            return None
        message = messages[0]
        handlers = self.env["saas.handler"]
        event_type = message.get("type", self.event_type)
        method = handlers._find_batch_handler(self.system_id.kind, event_type, message)
        if method is None:
            return None
        return method, message, handlers._saas_batch_keys(message) | {f"event:{self.id}"}

    def _processing_steps(self):
        """Cut the claimed events into steps, in effective order: ``(events,
        apply)`` pairs where ``apply(held)`` runs the held ones.

        Batchable events are laid out in waves: an event joins the wave after
        the last one holding any of its objects (:meth:`_batch_entry` keys),
        so events about one object apply one after the other in effective
        order, and each wave holds events about disjoint objects only. Within
        a wave, the events of one batch method and system are applied
        together: a claimed stream of signups (customer, subscription,
        payment of each) makes one step per type, not one per signup. An event
        that cannot be batched (its objects are unknown) runs alone, after the
        waves of the events before it.
        """
        waves, last_wave = [], {}

        def flush():
            steps = [
                (
                    self.browse([event.id for event, _message in items]),
                    functools.partial(
                        self._batch_step,
                        method,
                        {event.id: message for event, message in items},
                    ),
                )
                for wave in waves
                for method, items in wave.values()
            ]
            waves.clear()
            last_wave.clear()
            return steps

        for event in self._effective_order():
            entry = event._batch_entry()
            if not entry:
                yield from flush()
                # Prefetching only itself: after the previous step's commit,
                # reading it does not fetch the whole batch.
                yield self.browse(event.id), self._single_step
                continue
            method, message, event_keys = entry
            index = max((last_wave[key] + 1 for key in event_keys if key in last_wave), default=0)
            if index == len(waves):
                waves.append({})
            # (a bound method hashes by its model instance: keyed by names)
            group = (method.__self__._name, method.__name__, event.system_id.id)
            waves[index].setdefault(group, (method, []))[1].append((event, message))
            last_wave.update(dict.fromkeys(event_keys, index))
        yield from flush()

    @api.model
    def _single_step(self, events):
        for event in events:
            event._process_one()

    @api.model
    def _batch_step(self, method, messages, held):
        pairs = [(event, messages[event.id]) for event in held]
        if len(pairs) == 1:
            held._process_one()
        else:
            self._apply_batch(method, pairs)

    @api.model
    def _apply_batch(self, method, pairs):
        """Apply ``pairs`` (event, message) with the batch ``method`` in one
        savepoint and record one attempt per event; on any failure, split the
        list in halves and apply each, down to one event applied alone."""
        events = self.browse([event.id for event, _message in pairs])
        started = time.monotonic()
        start_at = fields.Datetime.now()
        self.env["saas.event.record"].flush_model()
        touched_before = {event.id: len(event.record_ids) for event in events}
        try:
            with self.env.cr.savepoint():
                results = list(method(pairs))
                if len(results) != len(pairs):
                    raise ValueError(
                        f"{method.__name__} returned {len(results)} results for {len(pairs)} events"
                    )
                self.env.flush_all()
        except Exception as exc:  # noqa: BLE001 - every event gets its own outcome below
            _logger.debug("Batch of %s events failed (%s): split", len(pairs), exc)
            if len(pairs) == 1:
                events._process_one()
                return
            middle = len(pairs) // 2
            self._apply_batch(method, pairs[:middle])
            self._apply_batch(method, pairs[middle:])
            return
        duration_ms = int((time.monotonic() - started) * 1000 / len(pairs))
        outcomes = []
        for event, result in zip(events, results, strict=True):
            if isinstance(result, Exception):
                # Refused before anything of it was written (the batch
                # method's contract): it fails as it would alone.
                outcomes.append(
                    dict(
                        event._failure_outcome(result),
                        event=event,
                        notes=[],
                        start_at=start_at,
                        duration_ms=duration_ms,
                        touched_before=touched_before[event.id],
                    )
                )
                continue
            ignored = result is not None and result.ignored
            outcomes.append(
                {
                    "event": event,
                    "outcome": "ignored" if ignored else "done",
                    "message": (result.reason or self.env._("Nothing to apply."))
                    if ignored
                    else False,
                    "notes": result.notes if result is not None else [],
                    "start_at": start_at,
                    "duration_ms": duration_ms,
                    "touched_before": touched_before[event.id],
                }
            )
        self._record_outcomes(outcomes)

    @api.model
    def _recover_stale_claims(self, lane=None, system_ids=None):
        """Give back to the queue the events whose worker stopped mid-run.

        An event ``processing`` under a claim whose advisory lock no session
        holds (its worker died or gave up) counts a ``transient`` attempt,
        then retries with backoff (or goes dead when its attempts are
        spent), whatever the claim's age; the claim of a live worker is
        never taken, however long it runs. A claim that cannot be checked
        (no key: made outside a lane run) is given back once older than
        ``stale_processing_minutes``.
        """
        cutoff = fields.Datetime.now() - timedelta(
            minutes=get_setting(self.env, "stale_processing_minutes")
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT e.id FROM saas_event e
                    WHERE e.state = 'processing'
                      AND CASE WHEN e.claim_key IS NULL THEN e.claimed_at < %s
                          ELSE NOT EXISTS (
                              SELECT 1 FROM pg_locks l
                               WHERE l.locktype = 'advisory' AND l.granted
                                 AND l.database = (SELECT oid FROM pg_database
                                                    WHERE datname = current_database())
                                 AND l.classid::bigint = %s AND l.objsubid = 2
                                 AND l.objid::bigint = e.claim_key)
                          END
                      %s %s
                      FOR UPDATE OF e SKIP LOCKED""",
                cutoff,
                CLAIM_LOCK_NAMESPACE,
                SQL("AND e.lane = %s", lane) if lane else SQL(""),
                SQL("AND e.system_id = ANY(%s)", list(system_ids)) if system_ids else SQL(""),
            )
        )
        stale = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        for event in stale:
            _logger.warning("Event %s was left processing since %s", event.id, event.claimed_at)
            event._record_outcome(
                "error",
                "transient",
                self.env._(
                    "The worker stopped while processing this event (claimed at %s); "
                    "it is queued again.",
                    event.claimed_at,
                ),
                [],
                event.claimed_at,
                0,
                len(event.record_ids),
            )
        return stale

    @api.model
    def _count_due(self, lane):
        return self.sudo().search_count(
            [
                ("lane", "=", lane),
                ("state", "in", DUE_STATES),
                "|",
                ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", fields.Datetime.now()),
            ]
        )

    @api.model
    def _cron_process_lane(self, lane):
        events = self.sudo()._run_due(lane=lane, commit=True)
        remaining = self._count_due(lane)
        if remaining:
            self._wake_lane_workers(lane)
        self.env["ir.cron"]._notify_progress(done=len(events), remaining=remaining)

    @api.model
    def _wake_lane_workers(self, lane):
        """Trigger the active cron records of ``lane`` (its workers), the
        running one included: Odoo runs a cron record in one worker at a time,
        so a lane scales out over cron workers and nodes through several
        records, which claim disjoint events (``SKIP LOCKED``); and Odoo reruns
        a job that reports work left only 10 times in a row, then waits for a
        wake-up: the running record's own trigger is that wake-up, so a
        backlog never waits for the lane's next scheduled run."""
        crons = (
            self.env["ir.cron"]
            .sudo()
            .search([("code", "=", f"model._cron_process_lane('{lane}')")])
        )
        for cron in crons:
            cron._trigger()

    def _decoded_payload(self):
        self.ensure_one()
        raw = self.sudo().payload
        if raw is None or raw is False:
            raise EventValidationError(
                self.env._("The raw payload was purged; the event cannot run.")
            )
        return json.loads(raw)

    def _canonical_messages(self):
        """The canonical messages this event stands for (adapters translate)."""
        self.ensure_one()
        payload = self._decoded_payload()
        messages = self.system_id._saas_canonical_messages(self, payload)
        for message in messages:
            # Ignored messages, and native ones that only the adapter's own
            # handlers read (their type is outside the canonical schema), skip
            # the canonical validation.
            if message.get("ignore_reason") or message.get("native"):
                continue
            # A translation is held to the same schema as what the API accepts.
            try:
                validate_event(message)
            except SchemaError as exc:
                raise EventValidationError(
                    self.env._("The translation of this event is invalid: %s", exc)
                ) from exc
        return messages

    def _process_one(self):
        """Run one event through its handler and record the attempt."""
        self.ensure_one()
        started = time.monotonic()
        start_at = fields.Datetime.now()
        self.env["saas.event.record"].flush_model()
        touched_before = len(self.record_ids)
        outcome, error_class, message, notes, detail = "done", False, False, [], False
        waits = None
        try:
            with self.env.cr.savepoint():
                applied, reasons = self._apply_messages(notes)
                if not applied:
                    # Nothing applied: every message was ignored (or there was none).
                    outcome = "ignored"
                    message = "; ".join(reasons) or self.env._("Nothing to apply.")
                self.env.flush_all()
        except Exception as exc:  # noqa: BLE001 - every failure is the event's outcome
            failure = self._failure_outcome(exc)
            outcome, error_class, message = (
                failure["outcome"],
                failure["error_class"],
                failure["message"],
            )
            detail, waits = failure["detail"], failure["waits"]
        duration_ms = int((time.monotonic() - started) * 1000)
        self._record_outcome(
            outcome,
            error_class,
            message,
            notes,
            start_at,
            duration_ms,
            touched_before,
            detail=detail,
            waits=waits,
        )

    def _failure_outcome(self, exc):
        """What ``exc``, raised while this event was applied, makes of it:
        ``{"outcome", "error_class", "message", "detail", "waits"}`` (see
        :meth:`_record_outcomes`); an event missing a mapping is parked on its
        draft."""
        self.ensure_one()
        error_class, message, is_bug = classify_error(exc)
        outcome = "needs_mapping" if isinstance(exc, MappingError) else "error"
        waits = detail = None
        if isinstance(exc, DependencyError) and exc.waits_for:
            system = exc.system or self.system_id
            waits = (system.id, *exc.waits_for)
        if outcome == "needs_mapping":
            self._park_for_mapping(exc)
        if is_bug:
            # A defect in a handler, not in the event: dead letter at once,
            # with the traceback to fix it.
            _logger.error("Event %s failed on a handler bug", self.id, exc_info=exc)
            detail = "".join(traceback.format_exception(exc))
        return {
            "outcome": outcome,
            "error_class": error_class,
            "message": message,
            "detail": detail,
            "waits": waits,
        }

    def _apply_messages(self, notes):
        """Run each canonical message through its handler.

        Returns the number of messages applied and the reasons of those ignored.
        An event is ignored only when none of its messages applied.
        """
        applied, reasons = 0, []
        for canonical in self._canonical_messages():
            event_type = canonical.get("type", self.event_type)
            handler = self.env["saas.handler"]._find_handler(self.system_id.kind, event_type)
            if not handler:
                reasons.append(
                    canonical.get("ignore_reason")
                    or self.env._(
                        "No handler for %(type)s events from %(kind)s systems.",
                        type=event_type,
                        kind=self.system_id.kind,
                    )
                )
                continue
            result = handler(self, canonical)
            if result is not None:
                notes.extend(result.notes)
            if result is not None and result.ignored:
                reasons.append(result.reason)
            else:
                applied += 1
        return applied, reasons

    def _record_outcome(
        self,
        outcome,
        error_class,
        message,
        notes,
        start_at,
        duration_ms,
        touched_before,
        detail=None,
        waits=None,
    ):
        """Write the outcome on the event and append the attempt row.

        ``detail`` (a traceback) goes on the attempt only; the event keeps
        the one-line ``message``. ``waits`` is what a ``dependency`` failure
        waits for: (system id, model, external id).
        """
        self.ensure_one()
        self._record_outcomes(
            [
                {
                    "event": self,
                    "outcome": outcome,
                    "error_class": error_class,
                    "message": message,
                    "notes": notes,
                    "start_at": start_at,
                    "duration_ms": duration_ms,
                    "touched_before": touched_before,
                    "detail": detail,
                    "waits": waits,
                }
            ]
        )

    def _outcome_values(self, outcome, error_class, message, now, policy, waits=None):
        """The values an outcome writes on this event; ``waits`` (system id,
        model, external id) is what a ``dependency`` failure waits for."""
        attempts = self.attempt_count + 1
        values = {"attempt_count": attempts, "error_class": error_class, "last_error": message}
        waits_system_id, waits_model, waits_external_id = waits or (False, False, False)
        values.update(
            waits_system_id=waits_system_id,
            waits_model=waits_model,
            waits_external_id=waits_external_id,
        )
        if outcome in ("done", "ignored"):
            values.update(
                state=outcome,
                processed_at=now,
                next_attempt_at=False,
                last_error=False,
                ignore_reason=message if outcome == "ignored" else False,
                missing_mapping_id=False,
            )
        elif outcome == "needs_mapping":
            values.update(state="needs_mapping", next_attempt_at=False)
        elif error_class in DEAD_AT_ONCE or policy.exhausted(
            attempts - self.attempts_before_replay
        ):
            values.update(state="dead", next_attempt_at=False)
        else:
            delay = policy.delay(attempts - self.attempts_before_replay, random)
            values.update(state="retry", next_attempt_at=now + timedelta(seconds=delay))
        return values

    @api.model
    def _record_outcomes(self, outcomes):
        """Write the outcomes of several events set-wise: one write per
        distinct set of values, one latency update, one ``create()`` of their
        attempt rows. Each outcome is a dict with ``event``, ``outcome``,
        ``error_class``, ``message``, ``notes``, ``start_at``, ``duration_ms``,
        ``touched_before`` and ``detail``."""
        now = fields.Datetime.now()
        policy = backoff_policy(self.env)
        groups = {}
        for item in outcomes:
            values = item["event"]._outcome_values(
                item["outcome"],
                item.get("error_class") or False,
                item["message"],
                now,
                policy,
                waits=item.get("waits"),
            )
            item["state"] = values["state"]
            if values["state"] == "retry" and values["waits_external_id"]:
                _wake_state(self.env)["waiting"].add(item["event"].id)
            key = tuple(sorted(values.items()))
            groups.setdefault(key, [values, self.browse()])[1] |= item["event"]
        retry_at = {}
        for values, events in groups.values():
            events.write(values)
            if values["state"] == "retry":
                for lane in set(events.mapped("lane")):
                    due = values["next_attempt_at"]
                    retry_at[lane] = min(retry_at.get(lane, due), due)
        if retry_at:
            self._trigger_lanes_at(retry_at)
        finished = self.browse(
            [item["event"].id for item in outcomes if item["state"] in ("done", "ignored")]
        )
        if finished:
            finished._store_latency()
        self.env["saas.event.record"].flush_model()
        self.env["saas.event.attempt"].sudo().create(
            [
                {
                    "event_id": item["event"].id,
                    "started_at": item["start_at"],
                    "duration_ms": item["duration_ms"],
                    "outcome": item["state"],
                    "error_class": item.get("error_class") or False,
                    "error": item.get("detail") or item["message"],
                    "records_touched": len(item["event"].record_ids) - item["touched_before"],
                    "notes": "\n".join(item["notes"]) or False,
                }
                for item in outcomes
            ]
        )

    def _store_latency(self):
        # create_date keeps microseconds in the database; the ORM rounds to seconds.
        self.env.cr.execute(
            """UPDATE saas_event SET latency_ms = GREATEST(0, ROUND(1000 * EXTRACT(EPOCH FROM
                   (clock_timestamp() AT TIME ZONE 'UTC') - create_date)))
                WHERE id IN %s""",
            (tuple(self.ids),),
        )
        self.invalidate_recordset(["latency_ms"])

    def _park_for_mapping(self, exc):
        mapping = (
            self.env["saas.mapping"]
            .sudo()
            ._ensure_draft(exc.kind, exc.external_key, exc.system or self.system_id)
        )
        self.missing_mapping_id = mapping

    def _log_record(self, record, operation="write"):
        """Remember that this event created or changed ``record``."""
        self.ensure_one()
        self.env["saas.event.record"].sudo().create(
            [
                {
                    "event_id": self.id,
                    "res_model": rec._name,
                    "res_id": rec.id,
                    "operation": operation,
                }
                for rec in record
            ]
        )
