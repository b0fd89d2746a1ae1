# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..exceptions import TransientError
from ..tools import insert_unless_exists


class SaasBinding(models.Model):
    """Links an external object of a connected system to an Odoo record.

    Every record the suite creates is reached through a binding unique on
    (system, model, external id), so replaying an event updates instead of
    duplicating. ``source_updated_at`` / ``source_version`` hold the source's
    own clock of the last applied state, so that an older event never
    overwrites a newer state.
    """

    _name = "saas.binding"
    _description = "External object binding"
    _order = "id desc"
    _rec_name = "external_id"

    system_id = fields.Many2one("saas.system", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="system_id.company_id", store=True, index=True)
    res_model = fields.Char(required=True, string="Model")
    res_id = fields.Many2oneReference(required=True, model_field="res_model", string="Record id")
    external_id = fields.Char(required=True, index=True)
    source_updated_at = fields.Datetime(help="Timestamp of the source state last applied.")
    source_version = fields.Char(help="Version of the source object last applied, if any.")
    last_event_id = fields.Many2one("saas.event", ondelete="set null")
    record_ref = fields.Reference(
        selection="_selection_record_ref", compute="_compute_record_ref", string="Record"
    )

    _sql_constraints = [
        (
            "system_model_external_unique",
            "unique(system_id, res_model, external_id)",
            "An external object is bound once per system and model.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        bindings = super().create(vals_list)
        bindings._note_bound()
        return bindings

    def _note_bound(self):
        """The events waiting for these new bindings are due at once
        (``saas.event._note_bound``): one call per system and model."""
        groups = {}
        for binding in self:
            groups.setdefault((binding.system_id.id, binding.res_model), []).append(
                binding.external_id
            )
        for (system_id, model_name), external_ids in groups.items():
            self.env["saas.event"]._note_bound(system_id, model_name, external_ids)

    @api.model
    def _selection_record_ref(self):
        return self.env["saas.event.record"]._selection_record_ref()

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for binding in self:
            binding.record_ref = (
                f"{binding.res_model},{binding.res_id}"
                if binding.res_model in self.env and binding.res_id
                else False
            )

    @api.constrains("res_model")
    def _check_res_model(self):
        for binding in self:
            if binding.res_model not in self.env:
                raise ValidationError(self.env._("Unknown model %s.", binding.res_model))

    # ------------------------------------------------------------------ API
    # Python API of handlers and services. These methods read and write
    # bindings with sudo, so none of them is callable over RPC (@api.private).
    @api.private
    @api.model
    def find_binding(self, system, model_name, external_id):
        return self.sudo().search(
            [
                ("system_id", "=", system.id),
                ("res_model", "=", model_name),
                ("external_id", "=", external_id),
            ],
            limit=1,
        )

    @api.private
    @api.model
    def find_record(self, system, model_name, external_id):
        """The Odoo record bound to ``external_id``, or an empty recordset."""
        return self.find_records(system, model_name, [external_id]).get(
            external_id, self.env[model_name]
        )

    @api.private
    @api.model
    def find_records(self, system, model_name, external_ids):
        """``{external id: record}`` of the ``external_ids`` bound to an
        existing ``model_name`` record, in one query (binding and existence
        together): a batch of events reads its references at once."""
        external_ids = list(dict.fromkeys(external_ids))
        model = self.env[model_name]
        if not external_ids:
            return {}
        self.flush_model(["system_id", "res_model", "res_id", "external_id"])
        self.env.cr.execute(
            SQL(
                """SELECT b.external_id, b.res_id
                     FROM saas_binding b
                     JOIN %s t ON t.id = b.res_id
                    WHERE b.system_id = %s AND b.res_model = %s AND b.external_id = ANY(%s)""",
                SQL.identifier(model._table),
                system.id,
                model_name,
                external_ids,
            )
        )
        return {external_id: model.browse(res_id) for external_id, res_id in self.env.cr.fetchall()}

    @api.private
    @api.model
    def _external_id_of(self, system, record):
        """The id ``system`` knows ``record`` by (its latest binding), or False:
        the reverse of :meth:`find_record`."""
        if not record:
            return False
        return (
            self.sudo()
            .search(
                [
                    ("system_id", "=", system.id),
                    ("res_model", "=", record._name),
                    ("res_id", "=", record.id),
                ],
                limit=1,
            )
            .external_id
        )

    @api.private
    @api.model
    def bind(
        self, system, record, external_id, event=None, source_updated_at=None, source_version=None
    ):
        """Bind ``record`` to ``external_id`` (creating or moving the binding)."""
        record.ensure_one()
        values = {
            "res_id": record.id,
            "last_event_id": event.id if event else False,
        }
        if source_updated_at:
            values["source_updated_at"] = source_updated_at
        if source_version:
            values["source_version"] = source_version
        binding = self.find_binding(system, record._name, external_id)
        if binding:
            binding.write(values)
            return binding
        values.update(system_id=system.id, res_model=record._name, external_id=external_id)
        return self._insert_binding(system, values)

    @api.private
    @api.model
    def bind_new(self, system, entries):
        """Bind new records at once: ``entries`` are ``(record, external_id,
        event, source_updated_at)``; one INSERT for all. Raises TransientError
        when any external id was bound meanwhile (by a concurrent event, or
        earlier in this transaction): the caller's batch is then split and
        each event binds on its own (:meth:`bind`)."""
        if not entries:
            return self
        now = self.env.cr.now()
        columns = (
            "system_id company_id res_model res_id external_id last_event_id "
            "source_updated_at create_uid write_uid create_date write_date"
        ).split()
        rows = [
            SQL(
                "(%s)",
                SQL(", ").join(
                    SQL("%s", value)
                    for value in (
                        system.id,
                        system.company_id.id or None,
                        record._name,
                        record.id,
                        external_id,
                        event.id if event else None,
                        source_updated_at or None,
                        self.env.uid,
                        self.env.uid,
                        now,
                        now,
                    )
                ),
            )
            for record, external_id, event, source_updated_at in entries
        ]
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """INSERT INTO saas_binding (%s) VALUES %s
                   ON CONFLICT (system_id, res_model, external_id) DO NOTHING RETURNING id""",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL(", ").join(rows),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if len(ids) != len(entries):
            raise TransientError(
                self.env._("Some of %s objects were bound meanwhile; retrying.", len(entries))
            )
        by_model = {}
        for record, external_id, *_rest in entries:
            by_model.setdefault(record._name, []).append(external_id)
        for model_name, external_ids in by_model.items():
            self.env["saas.event"]._note_bound(system.id, model_name, external_ids)
        return self.browse(ids)

    def _insert_binding(self, system, values):
        """Create a binding, or raise TransientError when another transaction
        bound the same external object meanwhile (the event then retries and
        finds that binding). Nothing is logged as an error for that race."""
        binding_id = insert_unless_exists(
            self,
            dict(values, company_id=system.company_id.id),
            ("system_id", "res_model", "external_id"),
        )
        if not binding_id:
            raise TransientError(
                self.env._(
                    "%(model)s %(id)s was bound by a concurrent event; retrying.",
                    model=values["res_model"],
                    id=values["external_id"],
                )
            )
        self.env["saas.event"]._note_bound(system.id, values["res_model"], [values["external_id"]])
        return self.browse(binding_id)

    @api.private
    def is_stale(self, source_updated_at):
        """True when ``source_updated_at`` is older than the state already applied."""
        self.ensure_one()
        return bool(
            source_updated_at
            and self.source_updated_at
            and source_updated_at < self.source_updated_at
        )

    @api.private
    @api.model
    def move_bindings(self, model_name, from_ids, to_id):
        """Point the bindings of merged records at the surviving one.

        Not callable over RPC: callers (the partner merge wizard) check that
        the user may merge those records first.
        """
        bindings = self.sudo().search([("res_model", "=", model_name), ("res_id", "in", from_ids)])
        bindings.write({"res_id": to_id})
        return bindings
