# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

from ..lib import intake

STATES = [("active", "Active"), ("cancelled", "Cancelled")]


class SaasUsageRecord(models.Model):
    """One usage record as the product sent it: one row each (not one inbox
    event each), stored once per system and identifier, read by month end
    through the (company, meter, timestamp) index."""

    _name = "saas.usage.record"
    _description = "SaaS Usage Record"
    _order = "timestamp desc, id desc"
    _rec_name = "identifier"

    system_id = fields.Many2one("saas.system", required=True, ondelete="restrict", readonly=True)
    identifier = fields.Char(
        required=True,
        readonly=True,
        help="The sender's id of the record: a record resent with the same "
        "identifier is not stored twice.",
    )
    meter_id = fields.Many2one(
        "saas.usage.meter", required=True, ondelete="restrict", readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="restrict", readonly=True
    )
    subscription_id = fields.Many2one(
        "saas.subscription", ondelete="restrict", readonly=True, index="btree_not_null"
    )
    # numeric without a scale: the value is stored exactly as sent.
    value = fields.Float(required=True, digits=0, readonly=True)
    timestamp = fields.Datetime(required=True, readonly=True, help="When the usage happened.")
    properties = fields.Json(readonly=True)
    state = fields.Selection(STATES, required=True, default="active", readonly=True)
    invoice_id = fields.Many2one(
        "account.move",
        ondelete="restrict",
        readonly=True,
        help="The invoice that billed this usage: an invoiced record cannot be cancelled.",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    unit = fields.Char(related="meter_id.unit")

    _sql_constraints = [
        (
            "identifier_system_unique",
            "UNIQUE(system_id, identifier)",
            "A usage record's identifier is unique per connected system.",
        ),
    ]

    def init(self):
        res = super().init()
        # Month end reads one company's meter over one month.
        create_index(
            self.env.cr,
            "saas_usage_record_company_meter_timestamp_index",
            self._table,
            ["company_id", "meter_id", "timestamp"],
        )
        return res

    def action_cancel(self):
        """Cancel active records not yet invoiced (their usage no longer counts)."""
        invoiced = self.filtered("invoice_id")
        if invoiced:
            raise UserError(
                self.env._(
                    "These usage records are already invoiced and cannot be cancelled: %s",
                    ", ".join(invoiced.mapped("identifier")),
                )
            )
        self.filtered(lambda record: record.state == "active").write({"state": "cancelled"})
        return True

    # ------------------------------------------------------------------
    # The bulk API (controllers/main.py): per-record answers
    # ------------------------------------------------------------------

    @api.private
    @api.model
    def _receive_usage(self, system, records, now=None):
        """Store the usage ``records`` (the decoded JSON objects) of ``system``
        and cancel those that ask for it; return the answer: identifiers
        ``created``, ``duplicates`` (already stored, or earlier in the same
        request), ``cancelled``, and ``errors`` (index, identifier, reason)
        for the records refused, which store nothing."""
        now = now or fields.Datetime.now()
        answer = {"created": [], "duplicates": [], "cancelled": [], "errors": []}
        usages, cancels, seen = [], [], set()
        for index, record in enumerate(records):
            identifier = None
            try:
                identifier = intake.read_identifier(record)
                if intake.read_action(record) == "cancel":
                    cancels.append((index, identifier))
                    continue
                usage = intake.read_usage(record, now)
            except intake.RecordRefused as exc:
                answer["errors"].append(_error(index, identifier, exc))
                continue
            if identifier in seen:
                answer["duplicates"].append(identifier)
                continue
            seen.add(identifier)
            usages.append((index, usage))
        rows = self._resolve_usage(system, usages, answer["errors"])
        created = set(self._insert_usage(system, rows))
        for row in rows:
            answer["created" if row["identifier"] in created else "duplicates"].append(
                row["identifier"]
            )
        self._cancel_usage(system, cancels, answer)
        answer["errors"].sort(key=lambda error: error["index"])
        return answer

    def _resolve_usage(self, system, usages, errors):
        """The rows to insert for ``usages`` [(index, Usage)]: meters of the
        system's company, customers and subscriptions bound to the system
        (a key of another system finds none); refusals go to ``errors``."""
        meters = {
            meter.code: meter
            for meter in self.env["saas.usage.meter"].search(
                [
                    ("code", "in", list({usage.meter for _index, usage in usages})),
                    ("company_id", "=", system.company_id.id),
                    ("system_id", "in", [False, system.id]),
                ]
            )
        }
        Binding = self.env["saas.binding"]
        customers = Binding.find_records(
            system, "res.partner", [usage.customer for _i, usage in usages if usage.customer]
        )
        subscriptions = Binding.find_records(
            system,
            "saas.subscription",
            [usage.subscription for _i, usage in usages if usage.subscription],
        )
        rows = []
        for index, usage in usages:
            try:
                meter = meters.get(usage.meter)
                if not meter:
                    raise intake.RecordRefused(f"unknown meter {usage.meter!r}")
                partner, subscription = self._usage_owner(usage, customers, subscriptions)
                value = intake.meter_value(usage, meter.aggregation, meter.value_key)
            except intake.RecordRefused as exc:
                errors.append(_error(index, usage.identifier, exc))
                continue
            rows.append(
                {
                    "identifier": usage.identifier,
                    "meter_id": meter.id,
                    "partner_id": partner.id,
                    "subscription_id": subscription.id or None,
                    "value": value,
                    "timestamp": usage.timestamp,
                    "properties": json.dumps(usage.properties),
                }
            )
        return rows

    @api.model
    def _usage_owner(self, usage, customers, subscriptions):
        """``(partner, subscription)`` of ``usage`` among the records bound to
        its system."""
        subscription = self.env["saas.subscription"]
        if usage.subscription:
            subscription = subscriptions.get(usage.subscription)
            if not subscription:
                raise intake.RecordRefused(f"unknown subscription {usage.subscription!r}")
        partner = subscription.partner_id
        if usage.customer:
            partner = customers.get(usage.customer)
            if not partner:
                raise intake.RecordRefused(f"unknown customer {usage.customer!r}")
            if subscription and subscription.partner_id != partner:
                raise intake.RecordRefused(
                    f"subscription {usage.subscription!r} is not customer {usage.customer!r}'s"
                )
        if not partner:
            raise intake.RecordRefused(f"subscription {usage.subscription!r} has no customer")
        return partner, subscription

    def _insert_usage(self, system, rows):
        """Insert ``rows`` in one statement, each unless its identifier is
        already stored for ``system``; the identifiers inserted."""
        if not rows:
            return []
        self.flush_model()
        columns = ("identifier", "meter_id", "partner_id", "subscription_id", "value")
        arrays = [[row[column] for row in rows] for column in columns]
        self.env.cr.execute(
            """INSERT INTO saas_usage_record
                   (system_id, company_id, identifier, meter_id, partner_id, subscription_id,
                    value, timestamp, properties, state,
                    create_uid, create_date, write_uid, write_date)
               SELECT %s, %s, u.identifier, u.meter_id, u.partner_id, u.subscription_id,
                      u.value, u.ts, u.properties, 'active',
                      %s, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC'
                 FROM unnest(%s::varchar[], %s::int[], %s::int[], %s::int[], %s::numeric[],
                             %s::timestamp[], %s::jsonb[])
                   AS u(identifier, meter_id, partner_id, subscription_id, value, ts, properties)
               ON CONFLICT (system_id, identifier) DO NOTHING
               RETURNING identifier""",
            [
                system.id,
                system.company_id.id,
                self.env.uid,
                self.env.uid,
                *arrays,
                [row["timestamp"] for row in rows],
                [row["properties"] for row in rows],
            ],
        )
        created = [identifier for (identifier,) in self.env.cr.fetchall()]
        self.invalidate_model()
        return created

    def _cancel_usage(self, system, cancels, answer):
        """Cancel the records of ``system`` named by ``cancels`` [(index,
        identifier)] while not invoiced; a record already cancelled answers
        as cancelled, an unknown or invoiced one as an error."""
        if not cancels:
            return
        self.flush_model()
        self.env.cr.execute(
            """UPDATE saas_usage_record
                  SET state = 'cancelled', write_uid = %s, write_date = now() AT TIME ZONE 'UTC'
                WHERE system_id = %s AND identifier = ANY(%s)
                  AND state = 'active' AND invoice_id IS NULL""",
            [self.env.uid, system.id, [identifier for _index, identifier in cancels]],
        )
        self.invalidate_model()
        self.env.cr.execute(
            """SELECT identifier, state, invoice_id IS NOT NULL
                 FROM saas_usage_record WHERE system_id = %s AND identifier = ANY(%s)""",
            [system.id, [identifier for _index, identifier in cancels]],
        )
        found = {
            identifier: (state, invoiced) for identifier, state, invoiced in self.env.cr.fetchall()
        }
        for index, identifier in cancels:
            state, invoiced = found.get(identifier, (None, False))
            if state == "cancelled":
                answer["cancelled"].append(identifier)
            elif state is None:
                reason = "no usage record has this identifier"
                answer["errors"].append(_error(index, identifier, reason))
            else:
                reason = "the usage record is already invoiced" if invoiced else "not cancelled"
                answer["errors"].append(_error(index, identifier, reason))


def _error(index, identifier, reason):
    return {"index": index, "identifier": identifier, "reason": str(reason)}
