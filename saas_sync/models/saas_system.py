# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import ADMIN_GROUP, ENVIRONMENTS, SYSTEM_KINDS
from ..exceptions import ReceiveRefused
from ..secret_fields import secret_column, write_only_field
from ..tools import as_ledger_writer, check_group, database_environment, notification

# Stored columns holding secrets. No user group can read them: only code
# running as superuser (the controllers and the engine) does.
WRITE_ONLY_SECRETS = {
    "webhook_secret": "webhook_secret_value",
    "webhook_secret_previous": "webhook_secret_previous_value",
}


class SaasSystem(models.Model):
    _name = "saas.system"
    _description = "Connected System"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Unique code used in webhook URLs, e.g. /saas/webhook/stripe/<code>.",
    )
    kind = fields.Selection(SYSTEM_KINDS, required=True, default="generic", tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, tracking=True
    )
    environment = fields.Selection(
        ENVIRONMENTS,
        required=True,
        default="sandbox",
        tracking=True,
        help="Events of a system whose environment differs from the database's "
        "environment (Settings) are refused with HTTP 409 and never processed.",
    )
    active = fields.Boolean(default=True, tracking=True)
    max_pending_events = fields.Integer(
        string="Back-pressure limit",
        default=10000,
        help="Maximum number of events waiting to be processed. Above it, the API "
        "answers 429 with Retry-After. 0 means no limit.",
    )

    # Write-only secrets: the input fields never read back anything.
    webhook_secret = write_only_field(
        "_inverse_webhook_secret",
        "Signing secret of incoming webhooks. Write-only: it is never shown "
        "again. Entering a new one keeps the current one as the previous secret.",
    )
    webhook_secret_previous = write_only_field(
        "_inverse_webhook_secret_previous",
        "Secret still accepted during a rotation. Write-only.",
    )
    webhook_secret_value = secret_column()
    webhook_secret_previous_value = secret_column()
    webhook_secret_set = fields.Boolean(compute="_compute_secret_flags", string="Secret set")
    webhook_secret_previous_set = fields.Boolean(
        compute="_compute_secret_flags", string="Previous secret set"
    )

    api_key_ids = fields.One2many("saas.api.key", "system_id", string="API keys")
    event_ids = fields.One2many("saas.event", "system_id", string="Events")
    event_count = fields.Integer(compute="_compute_event_stats")
    dead_count = fields.Integer(compute="_compute_event_stats")
    pending_count = fields.Integer(compute="_compute_event_stats")
    last_event_at = fields.Datetime(compute="_compute_event_stats", string="Last event received")
    signature_failure_count = fields.Integer(
        compute="_compute_signature_failures",
        string="Refused requests",
        help="Requests refused for a bad signature or credential (last 90 days).",
    )
    last_signature_failure_at = fields.Datetime(
        compute="_compute_signature_failures", string="Last refused request"
    )
    environment_mismatch = fields.Boolean(
        compute="_compute_environment_mismatch",
        help="The database runs in another environment: this system's events are refused.",
    )
    alert_dead_open = fields.Boolean(readonly=True, copy=False)
    alert_lag_open = fields.Boolean(readonly=True, copy=False)
    alert_stalled_open = fields.Boolean(readonly=True, copy=False)

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of a connected system must be unique."),
    ]

    @api.constrains("code")
    def _check_code(self):
        for system in self:
            if not system.code.replace("-", "").replace("_", "").isalnum():
                raise ValidationError(
                    self.env._("The code may only contain letters, digits, '-' and '_'.")
                )

    def _compute_write_only_inputs(self):
        """Every write-only input (``secret_fields.write_only_field``, the
        adapters' too) reads empty."""
        names = [
            name
            for name, field in self._fields.items()
            if field.compute == "_compute_write_only_inputs"
        ]
        for system in self:
            for name in names:
                system[name] = False

    def _inverse_webhook_secret(self):
        for system in self:
            if not system.webhook_secret:
                continue
            store = system.sudo()
            values = {"webhook_secret_value": system.webhook_secret}
            if store.webhook_secret_value and store.webhook_secret_value != system.webhook_secret:
                values["webhook_secret_previous_value"] = store.webhook_secret_value
            store.write(values)
            system.message_post(body=self.env._("Webhook signing secret replaced."))

    def _inverse_webhook_secret_previous(self):
        for system in self:
            if system.webhook_secret_previous:
                system.sudo().webhook_secret_previous_value = system.webhook_secret_previous

    @api.depends_context("uid")
    def _compute_secret_flags(self):
        for system in self:
            store = system.sudo()
            system.webhook_secret_set = bool(store.webhook_secret_value)
            system.webhook_secret_previous_set = bool(store.webhook_secret_previous_value)

    def _compute_event_stats(self):
        stats = {
            system.id: {
                "event_count": 0,
                "dead_count": 0,
                "pending_count": 0,
                "last_event_at": False,
            }
            for system in self
        }
        if self.ids:
            groups = self.env["saas.event"]._read_group(
                [("system_id", "in", self.ids)],
                ["system_id", "state"],
                ["__count", "received_at:max"],
            )
            for system, state, count, last in groups:
                row = stats[system.id]
                row["event_count"] += count
                if state == "dead":
                    row["dead_count"] += count
                if state in ("received", "retry", "processing"):
                    row["pending_count"] += count
                if last and (not row["last_event_at"] or last > row["last_event_at"]):
                    row["last_event_at"] = last
        for system in self:
            system.update(stats[system.id])

    def _compute_signature_failures(self):
        groups = (
            self.env["saas.signature.failure"]
            .sudo()
            ._read_group(
                [("system_id", "in", self.ids)], ["system_id"], ["__count", "failed_at:max"]
            )
        )
        stats = {system.id: (count, last) for system, count, last in groups}
        for system in self:
            count, last = stats.get(system.id, (0, False))
            system.signature_failure_count = count
            system.last_signature_failure_at = last

    @api.depends("environment")
    def _compute_environment_mismatch(self):
        db_environment = database_environment(self.env)
        for system in self:
            system.environment_mismatch = system.environment != db_environment

    # ------------------------------------------------------------ secrets API
    def _check_admin(self):
        """Refuse users outside the administrator group; on records, also the
        systems they may not change (another company's): the actions behind
        this check read secrets and write with ``sudo``."""
        check_group(
            self.env, ADMIN_GROUP, self.env._("Only SaaS integration administrators may do this.")
        )
        if self:
            self.check_access("write")

    def _webhook_secrets(self):
        """The accepted signing secrets, current first (superuser only); both
        are read in one query (they are not prefetched with the system)."""
        self.ensure_one()
        store = self.sudo()
        store.fetch(list(WRITE_ONLY_SECRETS.values()))
        return [s for s in (store.webhook_secret_value, store.webhook_secret_previous_value) if s]

    @api.model
    def _find_receiving_system(self, domain):
        """The active system matching ``domain``, read with its webhook secrets
        and what receipt checks (environment, company, limit) in one query."""
        return self.sudo().search_fetch(
            [*domain, ("active", "=", True)],
            [
                "code",
                "kind",
                "company_id",
                "environment",
                "max_pending_events",
                *WRITE_ONLY_SECRETS.values(),
            ],
            limit=1,
        )

    def action_forget_previous_secret(self):
        self._check_admin()
        self.sudo().write({"webhook_secret_previous_value": False})
        for system in self:
            system.message_post(
                body=self.env._("Previous webhook secret forgotten: rotation finished.")
            )

    def generate_api_key(self, name):
        """Create an API key named ``name`` (who uses it: "Billing platform",
        "CI") for this system; return the key (shown only once)."""
        self.ensure_one()
        self._check_admin()
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            raise UserError(
                self.env._(
                    'Name the API key (who or what will use it, e.g. "Billing platform"): '
                    "the name is how you recognise it when you revoke it."
                )
            )
        return self.env["saas.api.key"].sudo()._generate(self, name)

    def action_generate_api_key(self):
        """Open the dialog that asks for the new key's name, then shows the key."""
        self.ensure_one()
        self._check_admin()
        return {
            "type": "ir.actions.act_window",
            "res_model": "saas.api.key.show",
            "name": self.env._("New API key"),
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_system_id": self.id},
        }

    @api.model
    def _authenticate_api_key(self, token):
        """Return the active system owning the bearer ``token``, or an empty recordset."""
        key = self.env["saas.api.key"].sudo()._match(token)
        return key.system_id if key and key.system_id.active else self.browse()

    def _record_signature_failure(self, reason="bad_signature"):
        """Count a refused request without storing anything it sent.

        The count is a row of ``saas.signature.failure``: this system's own
        row is not written, so concurrent refusals never wait on each other.
        """
        self.ensure_one()
        self.env["saas.signature.failure"]._log(self, reason)
        self.invalidate_recordset(["signature_failure_count", "last_signature_failure_at"])

    @api.private
    def owns(self, domain):
        """Whether this system is the system of record for ``domain``: the
        boolean field ``owns_<domain>`` that the addon owning that domain adds
        (saas_subscription: customers, subscriptions, payments)."""
        self.ensure_one()
        field_name = f"owns_{domain}"
        if field_name not in self._fields:
            raise ValueError(f"No addon installed defines the ownership of {domain!r}.")
        return self[field_name]

    def _check_environment(self):
        """True when this system may deliver into this database."""
        self.ensure_one()
        return self.environment == database_environment(self.env)

    def _check_can_receive(self, livemode=None):
        """Refuse (409) events of a system of the other environment, or whose
        ``livemode`` does not match this system's environment."""
        self.ensure_one()
        if not self._check_environment():
            raise ReceiveRefused(
                409,
                "wrong_environment",
                f"System {self.code} is a {self.environment} system; this database is "
                f"{database_environment(self.env)}.",
            )
        if livemode is not None and bool(livemode) != (self.environment == "production"):
            raise ReceiveRefused(
                409,
                "wrong_environment",
                f"livemode={str(bool(livemode)).lower()} does not match the "
                f"{self.environment} environment of system {self.code}.",
            )

    def _saas_has_adapter(self):
        """Whether this system sends its own payloads, translated by an adapter
        (``_saas_canonical_messages``), rather than canonical events."""
        self.ensure_one()
        return False

    def _saas_canonical_messages(self, event, payload):
        """The canonical messages that ``payload`` (the raw body of ``event``)
        stands for. The core receives canonical events as they are; an adapter
        addon overrides this for its kind of system and calls ``super()`` for
        the others."""
        self.ensure_one()
        return [payload]

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("saas_sync.action_saas_event")
        action["domain"] = [("system_id", "=", self.id)]
        action["context"] = {"default_system_id": self.id}
        return action

    # ------------------------------------------------------------ sandbox purge
    def action_purge_sandbox_data(self):
        """Delete what sandbox systems brought in (their events, attempts and,
        with the subscription addon, their subscriptions and MRR ledger):
        administrators only, for systems in the sandbox environment whose
        events were never live. The seals of the purged rows stay in the audit
        trail, marked purged, so the chain still verifies."""
        self._check_admin()
        for system in self:
            system._check_sandbox_purge()
        as_ledger_writer(self.sudo())._purge_sandbox_data()
        return notification(
            self.env._("The sandbox data of %s was purged.", ", ".join(self.mapped("code"))),
            "success",
        )

    def _check_sandbox_purge(self):
        self.ensure_one()
        if self.environment != "sandbox":
            raise UserError(
                self.env._(
                    "%s is not a sandbox system: its data is the audit trail and is never purged.",
                    self.code,
                )
            )
        live = (
            self.env["saas.event"]
            .sudo()
            .search_count([("system_id", "=", self.id), ("livemode", "=", True)], limit=1)
        )
        if live:
            raise UserError(
                self.env._(
                    "%s received live events: they are production data and are never purged.",
                    self.code,
                )
            )

    def _purge_sandbox_data(self):
        """Delete the systems' events with their attempts and records (called
        as ledger writer, after :meth:`_check_sandbox_purge`). An addon whose
        records come from the systems deletes them first, then calls super()."""
        events = self.env["saas.event"].search([("system_id", "in", self.ids)])
        self._purge_chained(events.record_ids)
        self._purge_chained(events.attempt_ids)
        self._purge_chained(events)

    def _purge_chained(self, records):
        """Delete ``records``; their seals stay in the chain, marked purged."""
        self.env["saas.audit.seal"]._mark_purged(records._name, records.ids)
        records.with_env(self.env).unlink()
