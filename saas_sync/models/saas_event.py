# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json
import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..const import ADMIN_GROUP, ERROR_CLASSES, EVENT_STATES, FINANCIAL_TYPES, LANES, SUPPORT_GROUP
from ..exceptions import RETRY_AFTER_SECONDS, ReceiveRefused
from ..lib.masking import mask_payload
from ..lib.schema import SchemaError, validate_batch
from ..tools import check_group, get_setting, insert_rows, is_ledger_writer

_logger = logging.getLogger(__name__)

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
        "livemode",
        "entity",
    }
)
# What the audit trail seals of an event: its receipt, fixed for ever (the raw
# payload through its hash, since retention purges the payload itself).
AUDIT_FIELDS = (
    "system_id",
    "external_id",
    "event_type",
    "lane",
    "occurred_at",
    "received_at",
    "schema_version",
    "api_version",
    "livemode",
    "entity",
    "payload_sha256",
    "payload_masked",
)


def payload_hash(raw):
    return hashlib.sha256(raw.encode() if isinstance(raw, str) else raw).hexdigest()


class SaasEvent(models.Model):
    _name = "saas.event"
    _inherit = ["saas.audit.chained"]
    _description = "Integration Event"
    _saas_audit_fields = AUDIT_FIELDS
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
    attempt_count = fields.Integer(
        readonly=True, help="Every attempt made, replays included: the rows of the Attempts tab."
    )
    attempts_before_replay = fields.Integer(
        readonly=True,
        help="The attempts made before the last replay: a replay gets the whole retry "
        "budget again, counted from there.",
    )
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    claimed_at = fields.Datetime(
        readonly=True,
        help="When a worker last took the event. An event still processing long after "
        "its claim was left by a stopped worker and is queued again.",
    )
    claim_key = fields.Integer(
        readonly=True,
        copy=False,
        help="The claim of the worker processing the event: the worker holds a PostgreSQL "
        "advisory lock on this key while it runs, so the next run of any worker queues "
        "the event again at once when that worker died.",
    )
    error_class = fields.Selection(ERROR_CLASSES, readonly=True)
    last_error = fields.Text(readonly=True)
    ignore_reason = fields.Char(readonly=True)
    missing_mapping_id = fields.Many2one("saas.mapping", readonly=True, index="btree_not_null")
    # What a ``dependency`` failure waits for: the binding (system, model,
    # external id) whose creation makes the event due at once.
    waits_system_id = fields.Many2one("saas.system", readonly=True, string="Waits in system")
    waits_model = fields.Char(readonly=True, string="Waits for model")
    waits_external_id = fields.Char(readonly=True, string="Waits for external id")
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
        # The events a new binding wakes (:meth:`_wake_dependents`).
        self.env.cr.execute(
            """CREATE INDEX IF NOT EXISTS saas_event_waits_idx
               ON saas_event (waits_external_id, waits_model, waits_system_id)
               WHERE state = 'retry' AND waits_external_id IS NOT NULL"""
        )
        # The keys of the workers' claims (:meth:`_take_claim_key`).
        self.env.cr.execute(
            "CREATE SEQUENCE IF NOT EXISTS saas_event_claim_key_seq "
            "AS integer MINVALUE 1 MAXVALUE 2147483647 CYCLE"
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
        environment, stores the list at once (a duplicate answers the stored
        event), refuses new events over the system's back-pressure limit and
        wakes the lanes of the new ones. Returns ``[(event, created)]`` in the
        order of ``items``; raises :class:`ReceiveRefused`, storing nothing,
        when it refuses.
        """
        system._check_can_receive()
        for _raw, _decoded, header in items:
            self._check_header(header)
            system._check_can_receive(header.get("livemode"))
        return self._store_batch(system, items, wake=True)

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
    def _check_back_pressure(self, system):
        """Refuse (429) when the system's pending events, this transaction's
        new ones included, exceed its limit."""
        limit = system.max_pending_events
        if limit and self._pending_count(system) > limit:
            raise ReceiveRefused(
                429,
                "back_pressure",
                f"The inbox of {system.code} holds its limit of {limit} pending events.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )

    @api.model
    def _store_incoming(self, system, raw, decoded, header):
        """Store one event exactly once; return ``(event, created)``: the
        single-event form of :meth:`_store_batch`."""
        [result] = self._store_batch(system, [(raw, decoded, header)])
        return result

    @api.model
    def _store_batch(self, system, items, wake=False):
        """Store each event of ``items`` (``[(raw, decoded, header)]``) once;
        return ``[(event, created)]`` in their order. The primitive under
        :meth:`_receive`, which every source calls.

        Set-based, whatever the length of the list: one ``INSERT ... ON
        CONFLICT DO NOTHING RETURNING`` for the distinct ids, then one
        ``SELECT`` for those already stored, which are answered with their
        original event. An id repeated in the list is stored once; its first
        occurrence is the new one. A concurrent delivery of the same id waits
        on the unique index until the first transaction ends, then stores
        nothing (see :meth:`_insert_new_rows`). No error is raised or logged
        for a duplicate. With ``wake``, the lane crons of the new events are
        triggered (:meth:`_trigger_lane_crons`).
        """
        rows = {}
        for raw, decoded, header in items:
            if header["id"] not in rows:
                rows[header["id"]] = self._prepare_inbox_values(system, raw, decoded, header)
        companies = self._entity_companies(system, {row["entity"] for row in rows.values()})
        for row in rows.values():
            row.update(
                company_id=companies.get(row["entity"]) or system.company_id.id,
                received_at=SQL("(now() AT TIME ZONE 'UTC')"),
                attempt_count=0,
            )
        ids, created = self._insert_new_rows(system, rows)
        missing = [external_id for external_id in rows if external_id not in ids]
        if missing:
            ids.update(self._stored_ids(system, missing))
        events = self.browse(ids[external_id] for external_id in rows)
        # The answers name the external ids: no query to read them back.
        self.env.cache.insert_missing(events, self._fields["external_id"], list(rows))
        position = {external_id: index for index, external_id in enumerate(rows)}
        if wake and created:
            self._trigger_lane_crons({rows[external_id]["lane"] for external_id in created})
        results, answered = [], set()
        for _raw, _decoded, header in items:
            external_id = header["id"]
            is_new = external_id in created and external_id not in answered
            results.append((events[position[external_id]], is_new))
            answered.add(external_id)
        return results

    @api.model
    def _insert_new_rows(self, system, rows):
        """INSERT the inbox rows ``{external id: values}`` that are not stored
        yet, in one statement; return ``({external id: id}, {new external ids})``.

        The rows go in external-id order, so two concurrent requests with
        overlapping ids wait on each other in the same order (no deadlock).
        A request whose ids were committed by another after this transaction
        began gets a serialization failure (repeatable read): those ids are
        read through a fresh cursor, answered as duplicates, and the others
        inserted again. The back-pressure check runs in the same savepoint,
        so a refusal stores nothing.
        """
        pending = dict(sorted(rows.items()))
        ids, created = {}, set()
        self.flush_model()
        while pending:
            try:
                with self.env.cr.savepoint(flush=False):
                    inserted = insert_rows(
                        self,
                        list(pending.values()),
                        ("system_id", "external_id"),
                        returning=("external_id", "id"),
                    )
                    if inserted:
                        self._check_back_pressure(system)
            except psycopg2.errors.SerializationFailure:
                committed = self._committed_ids(system, list(pending))
                if not committed:
                    raise
                ids.update(committed)
                pending = {key: row for key, row in pending.items() if key not in committed}
                continue
            ids.update(inserted)
            created.update(external_id for external_id, _id in inserted)
            break
        return ids, created

    @api.model
    def _stored_ids(self, system, external_ids):
        """``{external id: id}`` of the events of ``system`` this transaction
        sees among ``external_ids``, through a fresh cursor for those committed
        since it began."""
        self.env.cr.execute(
            "SELECT external_id, id FROM saas_event WHERE system_id = %s AND external_id = ANY(%s)",
            (system.id, list(external_ids)),
        )
        found = dict(self.env.cr.fetchall())
        unseen = [external_id for external_id in external_ids if external_id not in found]
        if unseen:
            found.update(self._committed_ids(system, unseen))
        return found

    @api.model
    def _committed_ids(self, system, external_ids):
        """``{external id: id}`` of the events committed now (a fresh cursor)."""
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT external_id, id FROM saas_event "
                "WHERE system_id = %s AND external_id = ANY(%s)",
                (system.id, list(external_ids)),
            )
            return dict(cr.fetchall())

    @api.model
    def _entity_companies(self, system, entities):
        """``{entity: company id}`` of the approved company mappings of
        ``entities`` (the system's own before a global one), in one query:
        an event is stored in the company its entity routes to, so routing it
        when it runs writes nothing."""
        entities = [entity for entity in entities if isinstance(entity, str) and entity]
        if not entities:
            return {}
        mappings = (
            self.env["saas.mapping"]
            .sudo()
            .search_fetch(
                [
                    ("kind", "=", "company"),
                    ("state", "=", "approved"),
                    ("external_key", "in", entities),
                    ("system_id", "in", [system.id, False]),
                ],
                ["external_key", "system_id", "target_ref"],
            )
        )
        companies = {}
        for mapping in mappings.sorted(lambda m: not m.system_id):
            target = mapping.target_ref
            if target and target._name == "res.company":
                companies.setdefault(mapping.external_key, target.id)
        return companies

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
    def _unlink_never(self):
        """The inbox is the audit trail: only the sandbox purge deletes events
        (:meth:`saas.system.action_purge_sandbox_data`)."""
        if not is_ledger_writer(self.env):
            raise UserError(
                self.env._(
                    "Events are the audit trail and cannot be deleted. Replay or ignore them; "
                    "a sandbox system's data can be purged from the system's form."
                )
            )

    @api.model
    def _pending_count(self, system):
        self.flush_model(["state", "system_id"])
        self.env.cr.execute(
            "SELECT count(*) FROM saas_event WHERE system_id = %s "
            "AND state IN ('received', 'retry', 'processing')",
            (system.id,),
        )
        return self.env.cr.fetchone()[0]

    # ---------------------------------------------------------------- actions
    def _check_support(self):
        check_group(
            self.env, SUPPORT_GROUP, self.env._("Only SaaS integration users may replay events.")
        )

    def action_replay(self):
        """Queue the events to run again now (dead, ignored, done or parked)."""
        self._check_support()
        self.check_access("read")
        replayable = self.filtered(lambda e: e.state != "processing")
        # A replay gets the full retry budget again; past attempts stay listed
        # and counted.
        now = fields.Datetime.now()
        for count in set(replayable.mapped("attempt_count")):
            replayable.filtered(lambda e, count=count: e.attempt_count == count).sudo().write(
                {
                    "state": "retry",
                    "next_attempt_at": now,
                    "error_class": False,
                    "attempts_before_replay": count,
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
