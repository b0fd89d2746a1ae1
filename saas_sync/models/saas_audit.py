# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The audit trail nobody can erase: a hash chain per chained model.

A chained model (inbox events, processing attempts, mapping approvals,
recognition postings...) inherits ``saas.audit.chained`` and names the
columns fixed once a row is final (``_saas_audit_fields``) and which rows
are final (:meth:`_saas_audit_sealable`). The sealing cron appends each final
row, in id order, to its model's chain in ``saas.audit.seal``: the row's
content hash, the previous seal's hash and the chained hash
(:mod:`..lib.audit_chain`). Sealing never writes the chained rows
themselves, so ingestion and processing never wait on it.
"""

import logging
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..const import REVIEWER_GROUP
from ..lib.audit_chain import GENESIS, content_hash, first_break, seal
from ..tools import check_group, is_ledger_writer

_logger = logging.getLogger(__name__)

# pg_try_advisory_xact_lock key of the sealing process (one at a time).
SEAL_LOCK_KEY = 0x5AA5_A0D1
SEAL_BATCH = 2000
AMOUNT_TYPES = ("float", "monetary")
VERIFY_BATCH = 2000
BREAK_REASONS = {
    "changed": "changed after it was sealed",
    "missing": "deleted after it was sealed",
    "chain": "its seal was altered, removed or reordered",
}


class SaasAuditChained(models.AbstractModel):
    """A model whose final rows are sealed into a hash chain."""

    _name = "saas.audit.chained"
    _description = "Row of the audit trail (hash chained)"

    # The columns whose values are sealed: fixed once the row is final.
    _saas_audit_fields = ()

    audit_sealed = fields.Boolean(
        compute="_compute_audit_sealed",
        search="_search_audit_sealed",
        string="Sealed",
        help="Sealed into the audit trail's hash chain. The financial lane seals new rows "
        "within minutes; until then a row shows as not yet sealed.",
    )

    @api.model
    def _saas_audit_sealable(self):
        """SQL condition (on the model's own columns) of the rows that are final."""
        return SQL("TRUE")

    @api.model
    def _saas_audit_contents(self, ids):
        """``{id: {column: value}}`` of the sealed columns, as the database holds them."""
        if not ids:
            return {}
        self.flush_model(list(self._saas_audit_fields))
        # Amounts as the exact text the database holds (Odoo reads numeric
        # columns as floats), turned into Decimal below.
        amounts = {
            name for name in self._saas_audit_fields if self._fields[name].type in AMOUNT_TYPES
        }
        columns = SQL(", ").join(
            SQL("%s::text", SQL.identifier(name)) if name in amounts else SQL.identifier(name)
            for name in self._saas_audit_fields
        )
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM %s WHERE id = ANY(%s)",
                columns,
                SQL.identifier(self._table),
                list(ids),
            )
        )
        names = self._saas_audit_fields
        return {
            row[0]: {
                name: Decimal(value) if name in amounts and value is not None else value
                for name, value in zip(names, row[1:], strict=True)
            }
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _saas_audit_hashes(self, ids):
        """``{id: content hash}`` of the rows of ``ids`` that still exist."""
        return {
            record_id: content_hash(self._name, record_id, values)
            for record_id, values in self._saas_audit_contents(ids).items()
        }

    def _compute_audit_sealed(self):
        sealed = set()
        if self.ids:
            self.env.cr.execute(
                "SELECT res_id FROM saas_audit_seal WHERE res_model = %s AND res_id = ANY(%s)",
                (self._name, self.ids),
            )
            sealed = {row[0] for row in self.env.cr.fetchall()}
        for record in self:
            record.audit_sealed = record.id in sealed

    def _search_audit_sealed(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Search sealed rows with = or != only."))
        subquery = SQL("(SELECT res_id FROM saas_audit_seal WHERE res_model = %s)", self._name)
        positive = (operator == "=") == bool(value)
        return [("id", "in" if positive else "not in", subquery)]


class SaasAuditSeal(models.Model):
    """One row of a model's hash chain: written by the sealing cron only."""

    _name = "saas.audit.seal"
    _description = "Audit trail seal"
    _order = "res_model, sequence"
    _log_access = False

    res_model = fields.Char(required=True, readonly=True, string="Model")
    res_id = fields.Integer(required=True, readonly=True, string="Record id")
    sequence = fields.Integer(required=True, readonly=True, help="Position in the chain.")
    content_hash = fields.Char(required=True, readonly=True)
    previous_hash = fields.Char(required=True, readonly=True)
    hash = fields.Char(required=True, readonly=True)
    sealed_at = fields.Datetime(required=True, readonly=True)
    purged = fields.Boolean(
        readonly=True,
        help="The row was deleted by the sandbox purge: its seal keeps the chain whole.",
    )

    @api.depends("res_model", "res_id", "sequence")
    def _compute_display_name(self):
        for row in self:
            row.display_name = self.env._(
                "Seal %(sequence)s: %(model)s %(id)s",
                sequence=row.sequence,
                model=self.env[row.res_model]._description
                if row.res_model in self.env
                else row.res_model,
                id=row.res_id,
            )

    _sql_constraints = [
        ("model_sequence_unique", "unique(res_model, sequence)", "One seal per chain position."),
        ("model_record_unique", "unique(res_model, res_id)", "A row is sealed once."),
    ]

    def _refuse_orm_change(self):
        """Seals are inserted by the sealing run only, in SQL, and never change."""
        raise UserError(
            self.env._("The audit trail is sealed by its scheduled action only and never changes.")
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._refuse_orm_change()
        return super().create(vals_list)

    def write(self, vals):
        self._refuse_orm_change()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        self._refuse_orm_change()

    # ----------------------------------------------------------------- sealing
    @api.model
    def _chained_models(self):
        children = self.env.registry["saas.audit.chained"]._inherit_children
        return sorted(name for name in children if not self.env[name]._abstract)

    @api.model
    def _cron_seal_audit_trail(self, limit=SEAL_BATCH):
        """Seal the final rows not sealed yet, in id order, model by model.
        One sealing process at a time: another one running, this one returns
        at once (``None``). Returns ``{model: rows sealed}``."""
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(%s)", (SEAL_LOCK_KEY,))
        if not self.env.cr.fetchone()[0]:
            _logger.info("The audit trail is being sealed by another process")
            return None
        return {name: self._seal_model(name, limit) for name in self._chained_models()}

    @api.model
    def _last_seal(self, model_name):
        self.env.cr.execute(
            """SELECT sequence, hash FROM saas_audit_seal WHERE res_model = %s
                ORDER BY sequence DESC LIMIT 1""",
            (model_name,),
        )
        return self.env.cr.fetchone() or (0, GENESIS)

    @api.model
    def _unsealed_query(self, model_name):
        chained = self.env[model_name].sudo()
        return SQL(
            """FROM %(table)s t WHERE %(sealable)s AND NOT EXISTS (
                   SELECT 1 FROM saas_audit_seal s
                    WHERE s.res_model = %(model)s AND s.res_id = t.id)""",
            table=SQL.identifier(chained._table),
            sealable=chained._saas_audit_sealable(),
            model=model_name,
        )

    @api.model
    def _seal_model(self, model_name, limit=SEAL_BATCH):
        chained = self.env[model_name].sudo()
        chained.flush_model()
        self.env.cr.execute(
            SQL("SELECT t.id %s ORDER BY t.id LIMIT %s", self._unsealed_query(model_name), limit)
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            return 0
        hashes = chained._saas_audit_hashes(ids)
        sequence, previous = self._last_seal(model_name)
        seals = seal(previous, [hashes[record_id] for record_id in ids])
        rows = [
            SQL(
                "(%s, %s, %s, %s, %s, %s, now() AT TIME ZONE 'UTC')",
                model_name,
                record_id,
                sequence + position,
                *sealed,
            )
            for position, (record_id, sealed) in enumerate(zip(ids, seals, strict=True), 1)
        ]
        self.env.cr.execute(
            SQL(
                """INSERT INTO saas_audit_seal
                       (res_model, res_id, sequence, content_hash, previous_hash, hash, sealed_at)
                   VALUES %s""",
                SQL(", ").join(rows),
            )
        )
        self.invalidate_model()
        chained.invalidate_model(["audit_sealed"])
        return len(ids)

    # ------------------------------------------------------------ verification
    @api.model
    def _unsealed_count(self, model_name):
        self.env[model_name].sudo().flush_model()
        self.env.cr.execute(SQL("SELECT count(*) %s", self._unsealed_query(model_name)))
        return self.env.cr.fetchone()[0]

    @api.model
    def _verify_model(self, model_name):
        """Walk one chain in order; return ``{model, sealed, unsealed, break}``,
        ``break`` None or ``{record_id, sequence, reason}`` of the first seal
        that no longer matches."""
        chained = self.env[model_name].sudo()
        previous, after, sealed, found = GENESIS, 0, 0, None
        while found is None:
            self.env.cr.execute(
                """SELECT sequence, res_id, content_hash, previous_hash, hash, purged
                     FROM saas_audit_seal WHERE res_model = %s AND sequence > %s
                    ORDER BY sequence LIMIT %s""",
                (model_name, after, VERIFY_BATCH),
            )
            rows = self.env.cr.dictfetchall()
            if not rows:
                break
            current = chained._saas_audit_hashes([row["res_id"] for row in rows])
            for row in rows:
                row["current_hash"] = (
                    row["content_hash"] if row["purged"] else current.get(row["res_id"])
                )
            broken = first_break(rows, previous)
            if broken is not None:
                index, reason = broken
                found = {
                    "record_id": rows[index]["res_id"],
                    "sequence": rows[index]["sequence"],
                    "reason": reason,
                }
            sealed += len(rows)
            previous, after = rows[-1]["hash"], rows[-1]["sequence"]
        return {
            "model": model_name,
            "sealed": sealed,
            "unsealed": self._unsealed_count(model_name),
            "break": found,
        }

    @api.model
    def _verify_audit_trail(self):
        """Verify every chain (finance reviewers); one result per chained model."""
        check_group(
            self.env,
            REVIEWER_GROUP,
            self.env._("Only finance reviewers may verify the audit trail."),
        )
        return [self.sudo()._verify_model(name) for name in self._chained_models()]

    @api.model
    def _break_label(self, result):
        """The first row that no longer matches, in words."""
        broken = result["break"]
        chained = self.env[result["model"]].sudo()
        record = chained.browse(broken["record_id"]).exists()
        name = record.display_name if record else ""
        return self.env._(
            "%(model)s #%(id)s%(name)s (chain position %(sequence)s): %(reason)s",
            model=chained._description,
            id=broken["record_id"],
            name=f" {name}" if name else "",
            sequence=broken["sequence"],
            reason=BREAK_REASONS[broken["reason"]],
        )

    # ------------------------------------------------------------------ purge
    @api.model
    def _mark_purged(self, model_name, ids):
        """Keep the seals of rows the sandbox purge deletes, marked purged."""
        if not is_ledger_writer(self.env):
            raise UserError(self.env._("Only the sandbox purge marks seals purged."))
        if ids:
            self.env.cr.execute(
                """UPDATE saas_audit_seal SET purged = TRUE
                    WHERE res_model = %s AND res_id = ANY(%s)""",
                (model_name, list(ids)),
            )


class SaasLedgerRow(models.AbstractModel):
    """A row of a ledger (MRR movements and facts, processing attempts): the
    engine that derives it writes it; nobody changes or deletes it by hand,
    through the ORM or RPC (a sandbox purge aside)."""

    _name = "saas.ledger.row"
    _description = "Ledger row (written by the engine only)"

    def _check_ledger_writer(self):
        if not is_ledger_writer(self.env):
            raise UserError(
                self.env._(
                    "%(model)s: the audit trail cannot be changed or deleted. "
                    "Archive the subscription or customer instead; a sandbox system's data "
                    "can be purged from the system's form.",
                    model=self._description,
                )
            )

    def write(self, vals):
        self._check_ledger_writer()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_by_the_engine(self):
        self._check_ledger_writer()
