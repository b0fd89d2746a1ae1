# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A Salesforce org as a connected system: the Outbound Message endpoint and
its token, the Connected App of the pull, the custom fields of the org, and
the customer fields Salesforce owns."""

import hmac
import logging
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.saas_sync.secret_fields import secret_column, write_only_field
from odoo.addons.saas_sync.tools import notification

from ..lib.translate import FieldConfig, check_api_name
from ..services.adapter import normalize_salesforce_event
from ..services.client import SalesforceClient, SalesforceError
from ..services.pull import pull_changes

_logger = logging.getLogger(__name__)

DEFAULT_API_VERSION = "v62.0"
# Customer master fields Salesforce owns unless the administrator says otherwise.
DEFAULT_OWNED_FIELDS = ("name", "street", "street2", "city", "zip", "country_id", "vat", "user_id")
OWNABLE_FIELDS = (*DEFAULT_OWNED_FIELDS, "phone", "email")
SALESFORCE_SECRETS = ("salesforce_client_id", "salesforce_client_secret")


def _default_owned_fields(env):
    # ir.model.fields is readable by Access Rights managers only: an
    # integration administrator creates systems too
    return (
        env["ir.model.fields"]
        .sudo()
        .search([("model", "=", "res.partner"), ("name", "in", DEFAULT_OWNED_FIELDS)])
    )


class SaasSystem(models.Model):
    _inherit = "saas.system"

    kind = fields.Selection(
        selection_add=[("salesforce", "Salesforce")], ondelete={"salesforce": "set default"}
    )
    salesforce_org_id = fields.Char(
        string="Organization ID",
        tracking=True,
        help="The 15 or 18 character id of the Salesforce org (Setup > Company Information). "
        "Outbound Messages of another org are refused with HTTP 401.",
    )
    salesforce_endpoint_url = fields.Char(
        compute="_compute_salesforce_endpoint_url",
        string="Outbound Message endpoint",
        help="The endpoint URL to enter in the Outbound Message; <token> is the endpoint token, "
        "shown once when generated.",
    )
    salesforce_token_set = fields.Boolean(
        compute="_compute_salesforce_flags", string="Endpoint token set"
    )
    salesforce_login_url = fields.Char(
        string="Salesforce domain URL",
        tracking=True,
        help="The org's My Domain URL, e.g. https://acme.my.salesforce.com: the OAuth token "
        "is asked there (client credentials flow).",
    )
    salesforce_api_version = fields.Char(
        string="REST API version", default=DEFAULT_API_VERSION, tracking=True
    )
    salesforce_client_id = write_only_field(
        "_inverse_salesforce_client_id",
        "Write-only. The consumer key of the Connected App (client credentials flow).",
        string="Consumer key",
    )
    salesforce_client_secret = write_only_field(
        "_inverse_salesforce_client_secret",
        "Write-only. The consumer secret of the Connected App.",
        string="Consumer secret",
    )
    salesforce_client_id_value = secret_column()
    salesforce_client_secret_value = secret_column()
    salesforce_access_token_value = secret_column()
    salesforce_instance_url_value = secret_column()
    salesforce_credentials_set = fields.Boolean(
        compute="_compute_salesforce_flags", string="Connected App set"
    )
    salesforce_pull = fields.Boolean(
        string="Pull changes",
        help="The scheduled pull reads the Accounts and Opportunities changed since the last "
        "sync through the REST API.",
    )
    salesforce_last_sync = fields.Datetime(
        string="Last sync",
        readonly=True,
        copy=False,
        help="Watermark of the pull: records changed after it (less an overlap) are read. "
        "It moves only when a pull read everything.",
    )
    salesforce_backoff_until = fields.Datetime(
        string="Pull paused until",
        readonly=True,
        copy=False,
        help="Salesforce answered REQUEST_LIMIT_EXCEEDED: the pull waits until then.",
    )
    salesforce_backoff_count = fields.Integer(readonly=True, copy=False)
    salesforce_last_pull_error = fields.Char(readonly=True, copy=False)
    salesforce_vat_field = fields.Char(
        string="VAT field (Account)",
        help="API name of the Account field holding the VAT number, e.g. VAT_Number__c.",
    )
    salesforce_billing_id_field = fields.Char(
        string="Billing customer id field (Account)",
        help="API name of the Account field holding the billing platform's customer id "
        "(e.g. Stripe_Customer_Id__c): that customer is the same partner.",
    )
    salesforce_billing_system_id = fields.Many2one(
        "saas.system",
        string="Billing system",
        domain="[('kind', '!=', 'salesforce'), ('id', '!=', id)]",
        help="The system whose customer ids the billing customer id field holds.",
    )
    salesforce_plan_field = fields.Char(
        string="Plan field (Opportunity)",
        help="API name of the Opportunity field naming the expected plan or product "
        "(e.g. Plan__c); its value maps to a product through a product mapping.",
    )
    salesforce_currency_field = fields.Char(
        string="Currency field (Opportunity)",
        help="CurrencyIsoCode in a multi-currency org; empty means the company currency.",
    )
    salesforce_term_field = fields.Char(
        string="Contract term field (Opportunity)",
        help="API name of the Opportunity field holding the contract term in months "
        "(e.g. Contract_Term_Months__c): a multi-year deal books its amount spread per "
        "contract year. Empty: each deal is a one-year contract.",
    )
    salesforce_owned_field_ids = fields.Many2many(
        "ir.model.fields",
        string="Customer fields Salesforce owns",
        domain=[("model", "=", "res.partner"), ("name", "in", OWNABLE_FIELDS)],
        default=lambda self: _default_owned_fields(self.env),
        help="Salesforce overwrites these fields of the customers it knows, and no other "
        "system may change them once set; other fields it only fills when empty.",
    )
    salesforce_owned_field_names = fields.Char(
        string="Salesforce-owned customer fields",
        compute="_compute_salesforce_owned_field_names",
        help="The customer fields Salesforce owns (changed by those who manage access rights).",
    )
    booked_deal_count = fields.Integer(compute="_compute_booked_deal_count")

    @api.depends("salesforce_owned_field_ids")
    def _compute_salesforce_owned_field_names(self):
        for system in self:
            owned = system.sudo().salesforce_owned_field_ids
            system.salesforce_owned_field_names = ", ".join(owned.mapped("field_description"))

    @api.constrains(
        "salesforce_vat_field",
        "salesforce_billing_id_field",
        "salesforce_plan_field",
        "salesforce_currency_field",
        "salesforce_term_field",
    )
    def _check_salesforce_field_names(self):
        for system in self:
            config = system._salesforce_field_config()
            for name in config.custom_fields("Account") + config.custom_fields("Opportunity"):
                if not check_api_name(name):
                    raise ValidationError(
                        self.env._("%s is not a Salesforce field API name.", name)
                    )

    # --------------------------------------------------------------- adapter
    def _saas_has_adapter(self):
        return self.kind == "salesforce" or super()._saas_has_adapter()

    def _saas_canonical_messages(self, event, payload):
        """Salesforce records are translated into canonical and native messages."""
        if self.kind != "salesforce":
            return super()._saas_canonical_messages(event, payload)
        return normalize_salesforce_event(self.env, event, payload)

    def _salesforce_field_config(self):
        self.ensure_one()
        return FieldConfig(
            vat_field=(self.salesforce_vat_field or "").strip(),
            billing_id_field=(self.salesforce_billing_id_field or "").strip(),
            plan_field=(self.salesforce_plan_field or "").strip(),
            currency_field=(self.salesforce_currency_field or "").strip(),
            term_field=(self.salesforce_term_field or "").strip(),
        )

    @api.private
    def _saas_partner_write_refusal(self, partner, field_name):
        """Salesforce overwrites the fields it owns; no other system overwrites
        them on a customer Salesforce knows."""
        self.ensure_one()
        if self.kind == "salesforce":
            if field_name in self.salesforce_owned_field_ids.mapped("name"):
                return False
            return super()._saas_partner_write_refusal(partner, field_name)
        owner = self._salesforce_owner_of(partner, field_name)
        if owner:
            return self.env._(
                "Salesforce system %(owner)s owns this field of the customers it knows",
                owner=owner.code,
            )
        return super()._saas_partner_write_refusal(partner, field_name)

    def _salesforce_owner_of(self, partner, field_name):
        """The active Salesforce system that knows ``partner`` and owns ``field_name``."""
        bindings = (
            self.env["saas.binding"]
            .sudo()
            .search([("res_model", "=", "res.partner"), ("res_id", "=", partner.id)])
        )
        for system in bindings.system_id:
            if (
                system.kind == "salesforce"
                and system.active
                and field_name in system.salesforce_owned_field_ids.mapped("name")
            ):
                return system
        return self.browse()

    # --------------------------------------------------------------- secrets
    def _inverse_salesforce_client_id(self):
        self._store_salesforce_secret("salesforce_client_id")

    def _inverse_salesforce_client_secret(self):
        self._store_salesforce_secret("salesforce_client_secret")

    def _store_salesforce_secret(self, name):
        for system in self.filtered(name):
            system.sudo().write(
                {f"{name}_value": system[name].strip(), "salesforce_access_token_value": False}
            )
            system.message_post(
                body=self.env._("%s replaced.", self._fields[name]._description_string(self.env))
            )

    @api.depends_context("uid")
    def _compute_salesforce_flags(self):
        for system in self:
            store = system.sudo()
            system.salesforce_token_set = bool(store.webhook_secret_value)
            system.salesforce_credentials_set = bool(
                store.salesforce_client_id_value and store.salesforce_client_secret_value
            )

    @api.depends("code", "kind")
    def _compute_salesforce_endpoint_url(self):
        for system in self:
            system.salesforce_endpoint_url = (
                system._salesforce_endpoint_url("<token>")
                if system.kind == "salesforce" and system.code
                else False
            )

    def _salesforce_endpoint_url(self, token):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return f"{base}/saas/webhook/salesforce/{self.code}/{token}"

    def _compute_booked_deal_count(self):
        groups = self.env["saas.booked.deal"]._read_group(
            [("system_id", "in", self.ids)], ["system_id"], ["__count"]
        )
        counts = {system.id: count for system, count in groups}
        for system in self:
            system.booked_deal_count = counts.get(system.id, 0)

    def action_salesforce_generate_token(self):
        """A new endpoint token, shown once inside the endpoint URL. The current
        token stays accepted as the previous one until the rotation is finished."""
        self.ensure_one()
        self._check_admin()
        token = secrets.token_urlsafe(32)
        self.webhook_secret = token
        return {
            "type": "ir.actions.act_window",
            "res_model": "saas.salesforce.endpoint.show",
            "name": self.env._("Outbound Message endpoint"),
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_system_id": self.id,
                "default_endpoint_url": self._salesforce_endpoint_url(token),
            },
        }

    def _salesforce_check_token(self, token):
        """True when ``token`` is the endpoint token (or the previous one)."""
        self.ensure_one()
        token = (token or "").encode()
        return bool(token) and any(
            hmac.compare_digest(token, secret.encode()) for secret in self._webhook_secrets()
        )

    # ------------------------------------------------------------------ pull
    def _salesforce_client(self):
        """A REST client on the Connected App's credentials, or None without them."""
        self.ensure_one()
        store = self.sudo()
        if not (
            store.salesforce_login_url
            and store.salesforce_client_id_value
            and store.salesforce_client_secret_value
        ):
            return None
        return SalesforceClient(self, store)

    def action_salesforce_test_connection(self):
        self.ensure_one()
        self._check_admin()
        client = self._salesforce_client()
        if not client:
            raise UserError(
                self.env._("Enter the Salesforce domain URL, consumer key and secret first.")
            )
        try:
            total = client.count("Account")
        except SalesforceError as exc:
            raise UserError(
                self.env._("Test connection failed: %s", exc.user_message(self.env))
            ) from exc
        return notification(self.env._("Salesforce answered: %s Accounts.", total), "success")

    def action_salesforce_pull_now(self):
        self.ensure_one()
        self._check_admin()
        if not self._salesforce_client():
            raise UserError(
                self.env._("Enter the Salesforce domain URL, consumer key and secret first.")
            )
        outcome = self._salesforce_pull()
        return notification(outcome.summary(self.env), "warning" if outcome.error else "info")

    def _salesforce_pull(self):
        """Pull the changed Accounts and Opportunities into the inbox."""
        self.ensure_one()
        return pull_changes(self, self._salesforce_client())

    def _salesforce_pause(self, reason):
        """Back off after REQUEST_LIMIT_EXCEEDED: 15 minutes, doubling, at most a day."""
        self.ensure_one()
        count = self.salesforce_backoff_count + 1
        delay = min(timedelta(minutes=15) * (2 ** (count - 1)), timedelta(days=1))
        self.write(
            {
                "salesforce_backoff_count": count,
                "salesforce_backoff_until": fields.Datetime.now() + delay,
                "salesforce_last_pull_error": reason,
            }
        )

    @api.model
    def _cron_salesforce_pull(self):
        """Operational lane: pull every Salesforce system that asks for it."""
        now = fields.Datetime.now()
        systems = self.search(
            [("kind", "=", "salesforce"), ("active", "=", True), ("salesforce_pull", "=", True)]
        )
        for system in systems:
            if not system._check_environment() or not system._salesforce_client():
                continue
            if system.salesforce_backoff_until and system.salesforce_backoff_until > now:
                continue
            outcome = system._salesforce_pull()
            if outcome.error:
                _logger.warning("Salesforce pull of %s postponed: %s", system.code, outcome.error)
