# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import stripe

from odoo import api, fields, models
from odoo.exceptions import UserError

ADMIN_GROUP = "saas_sync.group_saas_admin"
SECRET_STORE_GROUP = "saas_sync.group_saas_secret_store"


class SaasSystem(models.Model):
    _inherit = "saas.system"

    stripe_api_key = fields.Char(
        string="Stripe secret key",
        compute="_compute_stripe_write_only",
        inverse="_inverse_stripe_api_key",
        groups=ADMIN_GROUP,
        help="Write-only. Used to fetch the current state of objects that arrive out of "
        "order, and by the test connection button.",
    )
    stripe_api_base = fields.Char(
        string="Stripe API base URL",
        compute="_compute_stripe_write_only",
        inverse="_inverse_stripe_api_base",
        groups=ADMIN_GROUP,
        help="Write-only. Empty means Stripe itself; tests point it at a local Stripe.",
    )
    stripe_api_key_value = fields.Char(groups=SECRET_STORE_GROUP, copy=False, prefetch=False)
    stripe_api_base_value = fields.Char(groups=SECRET_STORE_GROUP, copy=False, prefetch=False)
    stripe_api_key_set = fields.Boolean(compute="_compute_stripe_flags", string="API key set")
    stripe_webhook_url = fields.Char(compute="_compute_stripe_webhook_url", string="Webhook URL")

    def _compute_stripe_write_only(self):
        for system in self:
            system.stripe_api_key = False
            system.stripe_api_base = False

    def _inverse_stripe_api_key(self):
        for system in self.filtered("stripe_api_key"):
            system.sudo().stripe_api_key_value = system.stripe_api_key
            system.message_post(body=self.env._("Stripe API key replaced."))

    def _inverse_stripe_api_base(self):
        for system in self.filtered("stripe_api_base"):
            system.sudo().stripe_api_base_value = system.stripe_api_base.rstrip("/")

    @api.depends_context("uid")
    def _compute_stripe_flags(self):
        for system in self:
            system.stripe_api_key_set = bool(system.sudo().stripe_api_key_value)

    @api.depends("code", "kind")
    def _compute_stripe_webhook_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for system in self:
            system.stripe_webhook_url = (
                f"{base}/saas/webhook/stripe/{system.code}"
                if system.kind == "stripe" and system.code
                else False
            )

    # ------------------------------------------------------------------- API
    def _stripe_client(self):
        """A StripeClient on this system's key (and base URL), or None without a key."""
        self.ensure_one()
        store = self.sudo()
        if not store.stripe_api_key_value:
            return None
        kwargs = {"max_network_retries": 2}
        if store.stripe_api_base_value:
            kwargs["base_addresses"] = {"api": store.stripe_api_base_value}
        return stripe.StripeClient(store.stripe_api_key_value, **kwargs)

    def action_stripe_test_connection(self):
        self.ensure_one()
        self._check_admin()
        client = self._stripe_client()
        if not client:
            raise UserError(self.env._("Enter the Stripe secret key first."))
        try:
            client.v1.customers.list(params={"limit": 1})
        except stripe.StripeError as exc:
            raise UserError(self.env._("Stripe refused the connection: %s", exc)) from exc
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": self.env._("Stripe answered.")},
        }
