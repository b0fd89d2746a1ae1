# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json
import logging
import random
import time
import traceback
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.exceptions import ValidationError as OdooValidationError
from odoo.tools import SQL

from ..const import (
    BUG_ERROR_CLASS,
    DEAD_AT_ONCE,
    DUE_STATES,
    ERROR_CLASSES,
    EVENT_STATES,
    FINANCIAL_TYPES,
    LANES,
)
from ..exceptions import (
    RETRY_AFTER_SECONDS,
    EventValidationError,
    MappingError,
    ReceiveRefused,
    SaasSyncError,
    TransientError,
)
from ..lib.masking import mask_payload
from ..lib.schema import SchemaError, validate_batch, validate_event
from ..tools import backoff_policy, database_environment, get_setting, insert_unless_exists

_logger = logging.getLogger(__name__)

ADMIN_GROUP = "saas_sync.group_saas_admin"
SUPPORT_GROUP = "saas_sync.group_saas_support"
# Fields fixed at receipt: a write that touches them raises.
IMMUTABLE_FIELDS = frozenset(
    {
        "system_id",
        "external_id",
        "payload",
        "payload_masked",
        "payload_sha256",
        "received_at",
        "event_type",
        "occurred_at",
        "schema_version",
        "api_version",
        "lane",
    }
)
# serialization, deadlock, lock not available, and unique violations (a
# concurrent event created the same row: the retry finds it).
TRANSIENT_PG_CODES = {"40001", "40P01", "55P03", "23505"}


def payload_hash(raw):
    return hashlib.sha256(raw.encode() if isinstance(raw, str) else raw).hexdigest()


class SaasEvent(models.Model):
    _name = "saas.event"
    _description = "Integration Event"
    _order = "received_at desc, id desc"
    # The display name ("type external id") is computed: a name search looks in
    # its parts. (Naming ``display_name`` itself here made the search domain
    # rewrite itself forever.)
    _rec_name = "external_id"
    _rec_names_search = ["external_id", "event_type"]

    system_id = fields.Many2one(
        "saas.system", required=True, ondelete="restrict", index=True, readonly=True
    )
    system_kind = fields.Selection(related="system_id.kind")
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        precompute=True,
        index=True,
        readonly=True,
        help="The system's company, or the company the event's entity routes to "
        "once processed: the event, its attempts and records live there.",
    )
    external_id = fields.Char(required=True, readonly=True, string="External event id")
    event_type = fields.Char(required=True, readonly=True, index=True, string="Type")
    lane = fields.Selection(LANES, required=True, default="operational", readonly=True)
    occurred_at = fields.Datetime(readonly=True)
    received_at = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    schema_version = fields.Integer(readonly=True)
    api_version = fields.Char(readonly=True, help="API version of the source, e.g. Stripe's.")
    livemode = fields.Boolean(readonly=True)
    entity = fields.Char(readonly=True, help="Source entity, routed to a company by mapping.")
    payload = fields.Text(readonly=True, groups=ADMIN_GROUP, string="Raw payload")
    payload_masked = fields.Text(readonly=True, string="Payload")
    payload_sha256 = fields.Char(readonly=True, string="Payload SHA-256")
    payload_purged = fields.Boolean(readonly=True, help="The raw payload was purged.")

    state = fields.Selection(
        EVENT_STATES, required=True, default="received", readonly=True, index=True
    )
    attempt_count = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    claimed_at = fields.Datetime(
        readonly=True,
        help="When a worker last took the event. An event still processing long after "
        "its claim was left by a stopped worker and is queued again.",
    )
    error_class = fields.Selection(ERROR_CLASSES, readonly=True)
    last_error = fields.Text(readonly=True)
    ignore_reason = fields.Char(readonly=True)
    missing_mapping_id = fields.Many2one("saas.mapping", readonly=True, index="btree_not_null")
    processed_at = fields.Datetime(readonly=True)
    latency_ms = fields.Integer(
        readonly=True, string="Latency (ms)", help="From receipt to done, in milliseconds."
    )
    attempt_ids = fields.One2many("saas.event.attempt", "event_id", readonly=True)
    record_ids = fields.One2many("saas.event.record", "event_id", readonly=True, string="Records")
    record_count = fields.Integer(compute="_compute_record_count")

    _sql_constraints = [
        (
            "system_external_unique",
            "unique(system_id, external_id)",
            "An event is stored once per system and external id.",
        ),
    ]

    def _auto_init(self):
        res = super()._auto_init()
        # The queue is read by state and due time; a partial index keeps it small.
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS saas_event_due_idx
               ON saas_event (lane, next_attempt_at, id)
               WHERE state IN ('received', 'retry')"""
        )
        return res

    @api.depends("event_type", "external_id")
    def _compute_display_name(self):
        for event in self:
            event.display_name = f"{event.event_type or ''} {event.external_id or ''}".strip()

    @api.depends("system_id")
    def _compute_company_id(self):
        for event in self:
            event.company_id = event.company_id or event.system_id.company_id

    def _route_to_company(self, company):
        """Move the event (its attempts and records follow) to ``company``, the
        company its ``entity`` maps to."""
        self.ensure_one()
        if company and self.company_id != company:
            self.sudo().company_id = company

    def _compute_record_count(self):
        for event in self:
            event.record_count = len(event.record_ids)

    # ---------------------------------------------------------------- storage
    @api.model
    def _lane_for(self, event_type, system=None):
        """The lane of an event type. The financial types are canonical ones:
        a system with an adapter (Stripe) sends its own types, whose one event
        may stand for several canonical messages, so they stay operational."""
        if system and system._saas_has_adapter():
            return "operational"
        return "financial" if event_type in FINANCIAL_TYPES else "operational"

    @api.model
    def _prepare_inbox_values(self, system, raw, decoded, header):
        """Values of a new inbox row; ``raw`` is the body exactly as received."""
        return {
            "system_id": system.id,
            "external_id": header["id"],
            "event_type": header["type"],
            "lane": header.get("lane") or self._lane_for(header["type"], system),
            "occurred_at": header.get("occurred_at"),
            "schema_version": header.get("schema_version"),
            "api_version": header.get("api_version"),
            "livemode": bool(header.get("livemode")),
            "entity": header.get("entity"),
            "payload": raw,
            "payload_masked": json.dumps(mask_payload(decoded), indent=2, sort_keys=True),
            "payload_sha256": payload_hash(raw),
            "state": header.get("state", "received"),
            "ignore_reason": header.get("ignore_reason"),
        }

    @api.model
    def _receive(self, system, items):
        """The one way into the inbox: every source of events (the API, the
        webhooks, API pulls, backfills, demo data) stores through here.

        ``items``: ``[(raw, decoded, header)]``, ``raw`` the payload exactly as
        it is kept, ``decoded`` its JSON, ``header`` the inbox fields (``id``,
        ``type``, ``occurred_at``, ``livemode``...). Checks each header and the
        environment, refuses new events over the system's back-pressure limit,
        stores each event once (a duplicate answers the stored event) and wakes
        the lanes of the new ones. Returns ``[(event, created)]`` in the order
        of ``items``; raises :class:`ReceiveRefused`, storing nothing, when it
        refuses.
        """
        system._check_can_receive()
        for _raw, _decoded, header in items:
            self._check_header(header)
            system._check_can_receive(header.get("livemode"))
        # Duplicates are answered even when the inbox is full: they add nothing.
        new_count = sum(
            1 for _raw, _decoded, header in items if not self._find_existing(system, header["id"])
        )
        if new_count:
            self._check_back_pressure(system, new_count)
        results = [
            self._store_incoming(system, raw, decoded, header) for raw, decoded, header in items
        ]
        created = self.browse([event.id for event, is_new in results if is_new])
        if created:
            self._trigger_lane_crons(set(created.mapped("lane")))
        return results

    @api.model
    def _receive_canonical(self, system, body):
        """Receive a canonical event or a list of them (decoded JSON), validated
        against the schema; each keeps its own canonical JSON as raw payload."""
        try:
            batch = validate_batch(body, get_setting(self.env, "max_events_per_request"))
        except SchemaError as exc:
            raise ReceiveRefused(400, "invalid", exc.message, field=exc.field) from exc
        return self._receive(
            system,
            [
                (json.dumps(event, sort_keys=True, separators=(",", ":")), event, header)
                for event, header in batch
            ],
        )

    @api.model
    def _check_header(self, header):
        for key in ("id", "type"):
            value = header.get(key)
            if not isinstance(value, str) or not value.strip() or len(value) > 255:
                raise ReceiveRefused(
                    400,
                    "invalid",
                    f"The event's {key} must be a non-empty string of at most 255 characters.",
                    field=key,
                )

    @api.model
    def _check_back_pressure(self, system, incoming):
        limit = system.max_pending_events
        if limit and self._pending_count(system) + incoming > limit:
            raise ReceiveRefused(
                429,
                "back_pressure",
                f"The inbox of {system.code} holds its limit of {limit} pending events.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )

    @api.model
    def _store_incoming(self, system, raw, decoded, header):
        """Store one event exactly once; return ``(event, created)``. The
        primitive under :meth:`_receive`, which every source calls.

        The row is inserted with ``ON CONFLICT DO NOTHING``: a concurrent
        delivery of the same event waits on the unique index until the first
        transaction ends, then stores nothing. Its own snapshot may predate
        the other commit, so the stored row is then read through a fresh
        cursor. No error is raised or logged for a duplicate.
        """
        existing = self._find_existing(system, header["id"])
        if existing:
            return existing, False
        values = self._prepare_inbox_values(system, raw, decoded, header)
        event_id = self._insert_inbox_row(system, values)
        if event_id:
            return self.browse(event_id), True
        event_id = self._find_existing(system, header["id"]).id or self._find_committed_id(
            system, header["id"]
        )
        return self.browse(event_id), False

    @api.model
    def _insert_inbox_row(self, system, values):
        """INSERT the inbox row; return its id, or None when it already exists."""
        values = dict(
            values,
            company_id=system.company_id.id,
            received_at=self.env.cr.now(),
            attempt_count=0,
        )
        return insert_unless_exists(self, values, ("system_id", "external_id"))

    @api.model
    def _find_existing(self, system, external_id):
        return self.sudo().search(
            [("system_id", "=", system.id), ("external_id", "=", external_id)], limit=1
        )

    @api.model
    def _find_committed_id(self, system, external_id):
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT id FROM saas_event WHERE system_id = %s AND external_id = %s",
                (system.id, external_id),
            )
            row = cr.fetchone()
        return row and row[0]

    def write(self, vals):
        touched = IMMUTABLE_FIELDS.intersection(vals)
        if touched:
            raise UserError(
                self.env._(
                    "The payload, hash and receipt fields of an event are immutable (%(fields)s).",
                    fields=", ".join(sorted(touched)),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_by_administrators(self):
        if not self.env.su and not self.env.user.has_group(ADMIN_GROUP):
            raise AccessError(self.env._("Only SaaS integration administrators may delete events."))

    @api.model
    def _pending_count(self, system):
        self.flush_model(["state", "system_id"])
        self.env.cr.execute(
            "SELECT count(*) FROM saas_event WHERE system_id = %s "
            "AND state IN ('received', 'retry', 'processing')",
            (system.id,),
        )
        return self.env.cr.fetchone()[0]

    def _trigger_lanes(self):
        self._trigger_lane_crons(set(self.mapped("lane")))

    @api.model
    def _trigger_lane_crons(self, lanes):
        """Wake the lane crons now, unless a wake-up was asked within the last
        second: a burst of deliveries leaves about one trigger per second, not
        one per request. (An event whose wake-up is skipped is taken by that
        run or, at worst, by the lane's next scheduled run.)"""
        for lane in lanes:
            cron = self.env.ref(f"saas_sync.ir_cron_process_{lane}", raise_if_not_found=False)
            if not cron:
                continue
            self.env.cr.execute(
                """SELECT 1 FROM ir_cron_trigger
                    WHERE cron_id = %s
                      AND call_at > (now() AT TIME ZONE 'UTC') - INTERVAL '1 second'
                    LIMIT 1""",
                (cron.id,),
            )
            if not self.env.cr.fetchone():
                cron.sudo()._trigger()

    # ----------------------------------------------------------------- engine
    @api.model
    def _check_engine_access(self):
        if not self.env.su and not self.env.user.has_group(ADMIN_GROUP):
            raise AccessError(
                self.env._("Only SaaS integration administrators may run the engine.")
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
        """Recover stale claims, claim due events, process them; return them.

        With ``commit`` (the lane crons), the claim is committed at once, so
        the events show as ``processing`` to everyone (health, event list,
        other workers) while they run, and each outcome is committed as soon
        as it is written. A worker that dies leaves its events ``processing``:
        once their claim is older than ``saas_sync.stale_processing_minutes``
        the next run gives them back to the queue (:meth:`_recover_stale_claims`).
        """
        self._recover_stale_claims(lane, system_ids)
        events = self._claim_due(lane, limit or get_setting(self.env, "batch_size"), system_ids)
        claims = {event.id: event.claimed_at for event in events}
        if commit:
            # The lane cron's own cursor: a committed claim is what makes
            # ``processing`` visible and keeps other workers off the batch.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        processed = self.browse()
        for event in events:
            if not event._hold_claim(claims[event.id]):
                continue  # given back to the queue meanwhile: another worker owns it
            event._process_one()
            processed |= event
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return processed

    @api.model
    def _claim_due(self, lane, limit, system_ids=None):
        """Lock the due events (``SKIP LOCKED``) and mark them ``processing``."""
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
        self.env.cr.execute(query)
        events = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        events.write({"state": "processing", "claimed_at": now})
        events.flush_recordset(["state", "claimed_at"])
        return events

    def _hold_claim(self, claimed_at):
        """Lock this claimed event for its run; False if it is no longer ours.

        The row lock keeps :meth:`_recover_stale_claims` off an event that is
        running. An event it already gave back is no longer ``processing``
        under our claim time (another worker may have claimed it since): it
        is left alone.
        """
        self.ensure_one()
        self.env.cr.execute(
            """SELECT id FROM saas_event
                WHERE id = %s AND state = 'processing' AND claimed_at = %s
                  FOR UPDATE""",
            (self.id, claimed_at),
        )
        held = bool(self.env.cr.fetchone())
        self.invalidate_recordset()
        return held

    @api.model
    def _recover_stale_claims(self, lane=None, system_ids=None):
        """Give back to the queue the events whose worker stopped mid-run.

        An event ``processing`` for longer than ``stale_processing_minutes``
        and not locked by a live worker counts a ``transient`` attempt, then
        retries with backoff (or goes dead when its attempts are spent).
        """
        cutoff = fields.Datetime.now() - timedelta(
            minutes=get_setting(self.env, "stale_processing_minutes")
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM saas_event
                    WHERE state = 'processing' AND claimed_at < %s %s %s
                      FOR UPDATE SKIP LOCKED""",
                cutoff,
                SQL("AND lane = %s", lane) if lane else SQL(""),
                SQL("AND system_id = ANY(%s)", list(system_ids)) if system_ids else SQL(""),
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
        self.env["ir.cron"]._notify_progress(done=len(events), remaining=self._count_due(lane))

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
        try:
            with self.env.cr.savepoint():
                applied, reasons = self._apply_messages(notes)
                if not applied:
                    # Nothing applied: every message was ignored (or there was none).
                    outcome = "ignored"
                    message = "; ".join(reasons) or self.env._("Nothing to apply.")
                self.env.flush_all()
        except MappingError as exc:
            outcome, error_class, message = "needs_mapping", "mapping", exc.message
            self._park_for_mapping(exc)
        except SaasSyncError as exc:
            outcome, error_class, message = "error", exc.error_class, exc.message
        except (UserError, OdooValidationError) as exc:
            # Odoo refused the data (a constraint, a locked period...).
            outcome, error_class, message = "error", "validation", str(exc)
        except psycopg2.Error as exc:
            if exc.pgcode in TRANSIENT_PG_CODES:
                outcome, error_class, message = "error", TransientError.error_class, str(exc)
            else:
                _logger.exception("Event %s failed on a database error", self.id)
                outcome, error_class, message, detail = self._bug_outcome(exc)
        except OSError as exc:  # network trouble below a handler
            outcome, error_class, message = "error", TransientError.error_class, repr(exc)
        except Exception as exc:
            # KeyError, TypeError, AttributeError...: a defect in a handler, not
            # in the event. Dead letter at once, with the traceback to fix it.
            _logger.exception("Event %s failed on a handler bug", self.id)
            outcome, error_class, message, detail = self._bug_outcome(exc)
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
        )

    def _bug_outcome(self, exc):
        """(outcome, error class, message, traceback) of a handler defect."""
        return "error", BUG_ERROR_CLASS, f"{type(exc).__name__}: {exc}", traceback.format_exc()

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
    ):
        """Write the outcome on the event and append the attempt row.

        ``detail`` (a traceback) goes on the attempt only; the event keeps
        the one-line ``message``.
        """
        attempts = self.attempt_count + 1
        values = {"attempt_count": attempts, "error_class": error_class, "last_error": message}
        now = fields.Datetime.now()
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
        else:
            policy = backoff_policy(self.env)
            if error_class in DEAD_AT_ONCE or policy.exhausted(attempts):
                values.update(state="dead", next_attempt_at=False)
            else:
                delay = policy.delay(attempts, random)
                values.update(state="retry", next_attempt_at=now + timedelta(seconds=delay))
        self.write(values)
        if outcome in ("done", "ignored"):
            self._store_latency()
        self.env["saas.event.record"].flush_model()
        self.env["saas.event.attempt"].sudo().create(
            {
                "event_id": self.id,
                "started_at": start_at,
                "duration_ms": duration_ms,
                "outcome": values["state"],
                "error_class": error_class,
                "error": detail or message,
                "records_touched": len(self.record_ids) - touched_before,
                "notes": "\n".join(notes) or False,
            }
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

    # ---------------------------------------------------------------- actions
    def _check_support(self):
        if not self.env.su and not self.env.user.has_group(SUPPORT_GROUP):
            raise AccessError(self.env._("Only SaaS integration users may replay events."))

    def action_replay(self):
        """Queue the events to run again now (dead, ignored, done or parked)."""
        self._check_support()
        self.check_access("read")
        replayable = self.filtered(lambda e: e.state != "processing")
        # A replay gets the full retry budget again; past attempts stay listed.
        replayable.sudo().write(
            {
                "state": "retry",
                "next_attempt_at": fields.Datetime.now(),
                "error_class": False,
                "attempt_count": 0,
            }
        )
        replayable.sudo()._trigger_lanes()
        return True

    def action_open_ignore_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "saas.event.ignore",
            "name": self.env._("Mark ignored"),
            "views": [(False, "form")],
            "target": "new",
            "context": {"active_ids": self.ids, "active_model": self._name},
        }

    def _mark_ignored(self, reason):
        self._check_support()
        self.check_access("read")
        if not reason:
            raise UserError(self.env._("Give a reason to ignore an event."))
        if any(event.state in ("done", "processing") for event in self):
            raise UserError(self.env._("An event already done or running cannot be ignored."))
        for event in self.sudo():
            event.write(
                {
                    "state": "ignored",
                    "ignore_reason": reason,
                    "next_attempt_at": False,
                    "processed_at": fields.Datetime.now(),
                }
            )
        return True

    def action_view_records(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "saas.event.record",
            "name": self.env._("Records of %s", self.display_name),
            "view_mode": "list",
            "domain": [("event_id", "=", self.id)],
        }

    @api.model
    def _retry_for_mappings(self, mappings):
        """Make events parked on ``mappings`` retry now; return them."""
        events = self.sudo().search(
            [("state", "=", "needs_mapping"), ("missing_mapping_id", "in", mappings.ids)]
        )
        events.write({"state": "retry", "next_attempt_at": fields.Datetime.now()})
        events._trigger_lanes()
        return events

    # -------------------------------------------------------------- retention
    @api.model
    def _cron_purge_raw_payloads(self):
        """Drop raw payloads past the retention period, keeping hash and masked copy."""
        days = get_setting(self.env, "retention_days")
        if days <= 0:
            return 0
        cutoff = fields.Datetime.now() - timedelta(days=days)
        self.flush_model()
        # Direct SQL: the ORM refuses to write payloads, on purpose.
        self.env.cr.execute(
            """UPDATE saas_event SET payload = NULL, payload_purged = TRUE
                WHERE received_at < %s AND payload IS NOT NULL
                  AND state IN ('done', 'ignored', 'dead')""",
            (cutoff,),
        )
        count = self.env.cr.rowcount
        self.invalidate_model(["payload", "payload_purged"])
        _logger.info("Purged %s raw payloads older than %s days", count, days)
        return count

    # ------------------------------------------------------------------- demo
    @api.model
    def _load_demo_events(self, system_id):
        """Demo inbox: an event waiting for its lane worker and one a person
        marked ignored, stored through the real inbox.

        Nothing here is processed or given a made-up outcome: the states that
        come from processing (done, retry, needs mapping, dead) are produced by
        the engine itself in the demo of the addons that apply events
        (``saas_subscription``), with their real attempts and errors.
        """
        system = self.env["saas.system"].browse(system_id)
        samples = [
            (
                "evt_demo_received",
                "2026-01-15T10:00:00Z",
                {"customer_id": "cus_demo_2", "name": "Globex", "email": "ap@globex.example"},
                None,
            ),
            (
                "evt_demo_ignored",
                "2026-01-15T09:00:00Z",
                {"customer_id": "cus_test", "email": "test@example.com"},
                "Test customer created by QA.",
            ),
        ]
        for external_id, occurred_at, data, ignore_reason in samples:
            payload = {
                "id": external_id,
                "type": "customer.upserted",
                "schema_version": 1,
                "occurred_at": occurred_at,
                "livemode": False,
                "data": data,
            }
            [(event, _created)] = self._receive_canonical(system, payload)
            if ignore_reason and event.state == "received":
                event.sudo()._mark_ignored(ignore_reason)
