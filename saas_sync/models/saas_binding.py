# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
        binding = self.find_binding(system, model_name, external_id)
        record = self.env[model_name].browse(binding.res_id) if binding else None
        return record.exists() if record else self.env[model_name]

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
