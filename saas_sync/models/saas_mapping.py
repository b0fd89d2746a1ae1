# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..const import MAPPING_KINDS, MAPPING_TARGET_MODELS, REVIEWER_GROUP
from ..exceptions import MappingError
from ..tools import check_group, is_ledger_writer

# Written by the actions only (approve, archive, new version).
WORKFLOW_FIELDS = frozenset({"state", "approved_by_id", "approved_at", "version"})
# What an approval states, fixed once approved: the audit trail seals it.
APPROVAL_FIELDS = (
    "system_id",
    "kind",
    "external_key",
    "target_ref",
    "version",
    "approved_by_id",
    "approved_at",
)
KIND_MODELS = {
    "product": ("product.product", "product.template"),
    "tax": ("account.tax",),
    "account": ("account.account",),
    "journal": ("account.journal",),
    "currency": ("res.currency",),
    "company": ("res.company",),
    "analytic": ("account.analytic.account",),
}


class SaasMapping(models.Model):
    """Versioned translation of an external key into an Odoo record."""

    _name = "saas.mapping"
    _description = "Integration Mapping"
    _inherit = ["mail.thread", "saas.audit.chained"]
    _saas_audit_fields = APPROVAL_FIELDS
    _order = "kind, external_key, version desc"
    _check_company_auto = True

    # No check_company: the mapping's company is derived from its system, so
    # a domain on that company would offer no system on a new mapping (the
    # company field is hidden in a single-company database).
    # _check_system_company keeps the two consistent.
    system_id = fields.Many2one(
        "saas.system",
        # a system's approvals are the audit trail: deleting it keeps them
        ondelete="restrict",
        index=True,
        tracking=True,
        domain="[('company_id', 'in', allowed_company_ids)]",
        help="Leave empty for a mapping every system uses when it has none of its own.",
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
    )
    kind = fields.Selection(MAPPING_KINDS, required=True, tracking=True)
    external_key = fields.Char(
        required=True,
        index=True,
        tracking=True,
        help="The source's identifier: plan or price id, tax code...",
    )
    # Mail tracking does not support Reference fields: the target is tracked
    # through its name (target_name) instead.
    target_ref = fields.Reference(selection="_selection_target_model", string="Odoo record")
    target_name = fields.Char(
        compute="_compute_target_name", store=True, string="Target", tracking=True
    )
    version = fields.Integer(default=1, readonly=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved"), ("archived", "Archived")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    approved_at = fields.Datetime(readonly=True)
    note = fields.Text()
    waiting_event_count = fields.Integer(
        compute="_compute_waiting_event_count", string="Waiting events"
    )

    def _auto_init(self):
        res = super()._auto_init()
        self.env.cr.execute(
            """CREATE UNIQUE INDEX IF NOT EXISTS saas_mapping_one_approved_idx
               ON saas_mapping (COALESCE(system_id, 0), kind, external_key)
               WHERE state = 'approved'"""
        )
        return res

    @api.model
    def _selection_target_model(self):
        return [(model, label) for model, label in MAPPING_TARGET_MODELS if model in self.env]

    @api.depends("system_id")
    def _compute_company_id(self):
        for mapping in self:
            if mapping.system_id:
                mapping.company_id = mapping.system_id.company_id

    @api.depends("kind", "external_key", "version")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for mapping in self:
            # A new mapping has no name yet (the breadcrumb says "New").
            mapping.display_name = mapping.external_key and (
                f"{kinds.get(mapping.kind, mapping.kind or '')}: {mapping.external_key} "
                f"(v{mapping.version})"
            )

    @api.depends("target_ref")
    def _compute_target_name(self):
        for mapping in self:
            target = mapping.target_ref
            mapping.target_name = target and (
                f"{target.display_name} ({self.env['ir.model']._get(target._name).name})"
            )

    def _compute_waiting_event_count(self):
        groups = self.env["saas.event"]._read_group(
            [("missing_mapping_id", "in", self.ids), ("state", "=", "needs_mapping")],
            ["missing_mapping_id"],
            ["__count"],
        )
        counts = {mapping.id: count for mapping, count in groups}
        for mapping in self:
            mapping.waiting_event_count = counts.get(mapping.id, 0)

    @api.constrains("kind", "target_ref")
    def _check_target_model(self):
        for mapping in self:
            if mapping.target_ref and mapping.target_ref._name not in KIND_MODELS[mapping.kind]:
                raise ValidationError(
                    self.env._(
                        "A %(kind)s mapping must point to %(models)s, not %(model)s.",
                        kind=mapping.kind,
                        models=" or ".join(KIND_MODELS[mapping.kind]),
                        model=mapping.target_ref._name,
                    )
                )

    @api.constrains("system_id", "company_id")
    def _check_system_company(self):
        """A system's mapping belongs to the system's company."""
        for mapping in self:
            if mapping.system_id and mapping.company_id != mapping.system_id.company_id:
                raise ValidationError(
                    self.env._(
                        "The mapping %(mapping)s belongs to the company of its system "
                        "%(system)s (%(company)s).",
                        mapping=mapping.display_name,
                        system=mapping.system_id.display_name,
                        company=mapping.system_id.company_id.name,
                    )
                )

    @api.constrains("company_id", "target_ref")
    def _check_target_company(self):
        """The target belongs to the mapping's company, or to no company."""
        for mapping in self:
            target = mapping.target_ref
            if not target or target._name == "res.company":
                continue
            if "company_id" not in target and "company_ids" not in target:
                continue
            target = target.sudo().with_context(active_test=False)
            domain = target._check_company_domain(mapping.company_id)
            if domain and not target.filtered_domain(domain):
                raise ValidationError(
                    self.env._(
                        "%(target)s belongs to another company than the mapping %(mapping)s "
                        "(%(company)s).",
                        target=target.display_name,
                        mapping=mapping.display_name,
                        company=mapping.company_id.name or self.env._("shared"),
                    )
                )

    def _is_internal_write(self):
        """A write made by the actions themselves. They run as superuser: a
        context key alone can be sent by any RPC client, so it is not enough."""
        return self.env.su and self.env.context.get("saas_mapping_internal")

    def _check_workflow_fields(self, vals_list):
        """State, approver and version change through the actions only."""
        if self._is_internal_write():
            return
        for vals in vals_list:
            touched = WORKFLOW_FIELDS.intersection(vals)
            if touched:
                raise UserError(
                    self.env._(
                        "%(fields)s of a mapping change through its Approve, Archive and "
                        "New version actions only.",
                        fields=", ".join(sorted(touched)),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # A new mapping is a draft; data files and superuser code may seed
            # approved ones.
            self._check_workflow_fields(
                [
                    {k: v for k, v in vals.items() if k != "state" or v != "draft"}
                    for vals in vals_list
                ]
            )
        for vals in vals_list:
            if "version" not in vals and vals.get("kind") and vals.get("external_key"):
                vals["version"] = self._next_version(
                    vals.get("system_id"), vals["kind"], vals["external_key"]
                )
        return super().create(vals_list)

    @api.model
    def _saas_audit_sealable(self):
        """An approval is final once given: the approved (or since archived) versions."""
        return SQL("approved_at IS NOT NULL")

    def write(self, vals):
        self._check_workflow_fields([vals])
        if (
            "target_ref" in vals
            and any(m.approved_at and m._target_changes(vals["target_ref"]) for m in self)
            and not self._is_internal_write()
        ):
            raise UserError(
                self.env._(
                    "An approved mapping cannot change its target: create a new version instead."
                )
            )
        self._check_approval_kept(vals)
        return super().write(vals)

    def _check_approval_kept(self, vals):
        """System, kind and key of an approved version are what was approved."""
        for name in ("system_id", "kind", "external_key"):
            if name not in vals:
                continue
            field = self._fields[name]
            for mapping in self.filtered("approved_at"):
                if field.convert_to_write(mapping[name], mapping) != (vals[name] or False):
                    raise UserError(
                        self.env._(
                            "An approved mapping keeps what was approved (%(field)s of "
                            "%(mapping)s): create a new version instead.",
                            field=field.string,
                            mapping=mapping.display_name,
                        )
                    )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if not is_ledger_writer(self.env) and any(self.mapped("approved_at")):
            raise UserError(
                self.env._(
                    "An approved mapping is part of the audit trail: archive it instead of "
                    "deleting it."
                )
            )

    def _target_changes(self, value):
        """Whether writing ``value`` ("model,id" or a record) changes the target."""
        self.ensure_one()
        current = f"{self.target_ref._name},{self.target_ref.id}" if self.target_ref else False
        new = f"{value._name},{value.id}" if hasattr(value, "_name") else (value or False)
        return current != new

    def _next_version(self, system_id, kind, key):
        self.env.cr.execute(
            """SELECT COALESCE(MAX(version), 0) + 1 FROM saas_mapping
                WHERE COALESCE(system_id, 0) = %s AND kind = %s AND external_key = %s""",
            (system_id or 0, kind, key),
        )
        return self.env.cr.fetchone()[0]

    def _same_key_domain(self):
        self.ensure_one()
        return [
            ("system_id", "=", self.system_id.id),
            ("kind", "=", self.kind),
            ("external_key", "=", self.external_key),
            ("id", "!=", self.id),
        ]

    # ---------------------------------------------------------------- actions
    def _check_reviewer(self):
        """Finance reviewers only, and only on mappings they may change (their
        companies' or shared): the actions write with ``sudo``."""
        check_group(
            self.env, REVIEWER_GROUP, self.env._("Only finance reviewers may approve mappings.")
        )
        self.check_access("write")

    def action_approve(self):
        """Approve draft mappings; supersede the previous approved version and let
        the events waiting for them retry by themselves."""
        self._check_reviewer()
        for mapping in self:
            if mapping.state != "draft":
                raise UserError(
                    self.env._("Only a draft mapping can be approved (%s).", mapping.display_name)
                )
            if not mapping.target_ref:
                raise UserError(
                    self.env._(
                        "Choose the Odoo record of %s before approving it.", mapping.display_name
                    )
                )
            internal = self.sudo().with_context(saas_mapping_internal=True)
            siblings = internal.search(mapping._same_key_domain())
            siblings.filtered(lambda m: m.state == "approved").write({"state": "archived"})
            mapping.with_env(internal.env).write(
                {
                    "state": "approved",
                    "approved_by_id": self.env.uid,
                    "approved_at": fields.Datetime.now(),
                }
            )
            self.env["saas.event"]._retry_for_mappings(mapping | siblings)
        return True

    def action_archive_mapping(self):
        self._check_reviewer()
        self.sudo().with_context(saas_mapping_internal=True).write({"state": "archived"})
        return True

    def _needed_note(self):
        return self.env._("Created because an event needed it.")

    def action_new_version(self):
        self.ensure_one()
        self._check_reviewer()
        new = (
            self.sudo()
            .with_context(saas_mapping_internal=True)
            .copy(
                {
                    "state": "draft",
                    "version": self._next_version(self.system_id.id, self.kind, self.external_key),
                    "approved_by_id": False,
                    "approved_at": False,
                    # The engine's note said why the first version was made.
                    "note": False if self.note == self._needed_note() else self.note,
                }
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------ API
    @api.model
    def _find_approved(self, system, kind, key):
        domain = [("kind", "=", kind), ("external_key", "=", key), ("state", "=", "approved")]
        mappings = self.sudo().search([*domain, ("system_id", "in", [system.id, False])])
        own = mappings.filtered(lambda m: m.system_id == system)
        return own[:1] or mappings.filtered(lambda m: not m.system_id)[:1]

    @api.private
    @api.model
    def resolve(self, system, kind, key):
        """The Odoo record ``key`` maps to for ``system``; raises MappingError.

        A system's own approved mapping wins over a global one (no system).
        """
        mapping = self._find_approved(system, kind, str(key))
        if not mapping or not mapping.target_ref:
            raise MappingError(kind, str(key), system)
        return mapping.target_ref

    @api.model
    def _ensure_draft(self, kind, key, system):
        """The draft an administrator completes to unblock a parked event."""
        domain = [
            ("system_id", "=", system.id),
            ("kind", "=", kind),
            ("external_key", "=", key),
            ("state", "=", "draft"),
        ]
        draft = self.sudo().search(domain, limit=1)
        if not draft:
            draft = self.sudo().create(
                {
                    "system_id": system.id,
                    "kind": kind,
                    "external_key": key,
                    "note": self._needed_note(),
                }
            )
        return draft

    def action_view_waiting_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("saas_sync.action_saas_event")
        action["domain"] = [("missing_mapping_id", "=", self.id)]
        return action
