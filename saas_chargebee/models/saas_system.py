# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A Chargebee site as a connected system: the Basic auth pairs of its
webhooks (two valid at once, for rotation), its write-only site and API key,
the SDK client, and who books its payments."""

import base64
import binascii
import hmac
import threading
from contextlib import contextmanager
from urllib.parse import urlparse

import chargebee
import httpx
from chargebee.main import Chargebee

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.saas_sync.exceptions import ReceiveRefused, TransientError
from odoo.addons.saas_sync.secret_fields import secret_column, write_only_field
from odoo.addons.saas_sync.tools import notification

from ..lib.inbox import is_test_site
from ..services.adapter import normalize_chargebee_event

# Write-only input field -> the stored column only the superuser reads.
WRITE_ONLY = {
    "chargebee_site": "chargebee_site_value",
    "chargebee_api_key": "chargebee_api_key_value",
    "chargebee_api_base": "chargebee_api_base_value",
}
# The SDK chooses plain HTTP only when its (class-wide) bundled CA check is
# off; a system whose API base is http:// (a local test server) switches it
# off for its own calls. Other calls keep https whatever the switch says
# (their protocol is https) and are then verified with httpx's CA bundle.
_PLAIN_HTTP_LOCK = threading.Lock()


@contextmanager
def _transport(client):
    if client.env.protocol != "http":
        yield
        return
    with _PLAIN_HTTP_LOCK:
        previous = Chargebee.verify_ca_certs
        Chargebee.verify_ca_certs = False
        try:
            yield
        finally:
            Chargebee.verify_ca_certs = previous


def parse_basic_auth(header):
    """``(user, password)`` of an ``Authorization: Basic`` header, or None."""
    scheme, _sep, token = (header or "").partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


class SaasSystem(models.Model):
    _inherit = "saas.system"

    kind = fields.Selection(
        selection_add=[("chargebee", "Chargebee")], ondelete={"chargebee": "set default"}
    )
    chargebee_webhook_user = fields.Char(
        string="Webhook user",
        tracking=True,
        copy=False,
        help="User name of the HTTP Basic auth that Chargebee sends with its webhooks. "
        "Enter it with the password; the previous pair stays valid until the rotation "
        "is finished.",
    )
    chargebee_webhook_password = write_only_field(
        "_inverse_chargebee_webhook_password",
        "Write-only. Password of the HTTP Basic auth of the webhooks. Entering a new "
        "one keeps the current pair valid as the previous one (rotation).",
        string="Webhook password",
    )
    chargebee_site = write_only_field(
        "_inverse_chargebee_write_only",
        "Write-only. The site name (acme for acme.chargebee.com; test sites end with "
        "-test). A webhook whose URL names another site is refused (409).",
        string="Chargebee site",
    )
    chargebee_api_key = write_only_field(
        "_inverse_chargebee_write_only",
        "Write-only. A read-only API key: used to fetch the current state of objects "
        "that arrive out of order, by the backfill, the drift check and the test button.",
        string="Chargebee API key",
    )
    chargebee_api_base = write_only_field(
        "_inverse_chargebee_write_only",
        "Write-only. Empty means https://<site>.chargebee.com; tests point it at a local server.",
        string="Chargebee API base URL",
    )
    chargebee_site_value = secret_column()
    chargebee_api_key_value = secret_column()
    chargebee_api_base_value = secret_column()
    chargebee_api_key_set = fields.Boolean(
        compute="_compute_chargebee_flags", string="Chargebee API key set"
    )
    chargebee_site_set = fields.Boolean(
        compute="_compute_chargebee_flags", string="Chargebee site set"
    )
    chargebee_webhook_url = fields.Char(
        compute="_compute_chargebee_webhook_url", string="Chargebee webhook URL"
    )
    chargebee_payment_system_id = fields.Many2one(
        "saas.system",
        string="Payments booked by",
        domain="[('id', '!=', id), ('owns_payments', '=', True)]",
        tracking=True,
        help="When Chargebee collects through a gateway that is a connected system itself "
        "(Stripe), that system books the payments: Chargebee's payment events then only "
        "apply that payment to Chargebee's invoices, so the same payment is one Odoo "
        "payment. Untick 'payments' on the Ownership tab of this system.",
    )
    chargebee_last_drift_check = fields.Datetime(readonly=True)
    chargebee_business_entities = fields.Boolean(
        string="Several business entities",
        tracking=True,
        help="The site has several business entities: each event goes to the company that "
        "the company mapping of its business entity id (business_entity_id) names, and "
        "waits as needs_mapping until that mapping is approved. Unticked, every event goes "
        "to this system's company.",
    )

    @api.constrains("chargebee_payment_system_id", "owns_payments")
    def _check_chargebee_payment_system(self):
        # Also the systems that book this one's payments, or rely on it to.
        dependents = self.search([("chargebee_payment_system_id", "in", self.ids)])
        for system in (self | dependents).filtered("chargebee_payment_system_id"):
            if system.owns_payments:
                raise ValidationError(
                    self.env._(
                        "%s books its payments through another system: untick 'payments' on "
                        "its Ownership tab.",
                        system.name,
                    )
                )
            if not system.chargebee_payment_system_id.owns_payments:
                raise ValidationError(
                    self.env._(
                        "%(payer)s does not own payments: it cannot book the payments of "
                        "%(system)s.",
                        payer=system.chargebee_payment_system_id.name,
                        system=system.name,
                    )
                )

    def _saas_has_adapter(self):
        return self.kind == "chargebee" or super()._saas_has_adapter()

    def _saas_canonical_messages(self, event, payload):
        """Chargebee events are translated into canonical messages."""
        if self.kind != "chargebee":
            return super()._saas_canonical_messages(event, payload)
        return normalize_chargebee_event(self.env, event, payload)

    # --------------------------------------------------------------- secrets
    def _inverse_chargebee_write_only(self):
        for system in self:
            for name, column in WRITE_ONLY.items():
                if system[name]:
                    value = system[name].strip()
                    if name == "chargebee_api_base":
                        value = value.rstrip("/")
                    system.sudo()[column] = value
            if system.chargebee_api_key:
                system.message_post(body=self.env._("Chargebee API key replaced."))

    def _inverse_chargebee_webhook_password(self):
        for system in self.filtered("chargebee_webhook_password"):
            if not system.chargebee_webhook_user:
                raise UserError(self.env._("Enter the webhook user with the password."))
            # The pair is the core's webhook secret: a new one keeps the
            # current as the previous (two valid pairs during a rotation).
            # A write of its own: a form also sends the (hidden, empty) core
            # field, whose value must not replace the pair.
            pair = f"{system.chargebee_webhook_user}:{system.chargebee_webhook_password}"
            system.write({"webhook_secret": pair})

    def write(self, vals):
        if "chargebee_webhook_user" in vals and not vals.get("chargebee_webhook_password"):
            for system in self:
                if (
                    system.kind == "chargebee"
                    and system.sudo().webhook_secret_value
                    and vals["chargebee_webhook_user"] != system.chargebee_webhook_user
                ):
                    raise UserError(
                        self.env._(
                            "Enter the webhook password with the new webhook user of %s: "
                            "Chargebee sends them together.",
                            system.name,
                        )
                    )
        return super().write(vals)

    @api.depends_context("uid")
    def _compute_chargebee_flags(self):
        for system in self:
            store = system.sudo()
            system.chargebee_api_key_set = bool(store.chargebee_api_key_value)
            system.chargebee_site_set = bool(store.chargebee_site_value)

    @api.depends("code", "kind")
    def _compute_chargebee_webhook_url(self):
        self._fill_webhook_urls("chargebee_webhook_url", "chargebee")

    def _chargebee_check_credentials(self, authorization):
        """True when the Basic auth ``authorization`` header carries one of the
        valid pairs (current or previous), compared in constant time."""
        self.ensure_one()
        pair = parse_basic_auth(authorization)
        if not pair:
            return False
        sent = f"{pair[0]}:{pair[1]}".encode()
        matches = [hmac.compare_digest(sent, secret.encode()) for secret in self._webhook_secrets()]
        return any(matches)

    def _chargebee_check_site(self, site):
        """Refuse (409) an event from another site than this system's, or from
        a test site on a production system (and the reverse); return its
        livemode (None when the request names no site)."""
        self.ensure_one()
        if not site:
            return None
        configured = self.sudo().chargebee_site_value
        if configured and site.lower() != configured.lower():
            raise ReceiveRefused(
                409,
                "site_mismatch",
                f"System {self.code} receives the events of another Chargebee site.",
            )
        return not is_test_site(site)

    # ------------------------------------------------------------------- API
    def _chargebee_client(self):
        """A Chargebee SDK client on this system's site and key, or None."""
        self.ensure_one()
        store = self.sudo()
        if not store.chargebee_api_key_value or not store.chargebee_site_value:
            return None
        client = Chargebee(
            api_key=store.chargebee_api_key_value,
            site=store.chargebee_site_value,
            connection_time_out=10,
            read_time_out=30,
        )
        base = store.chargebee_api_base_value
        if base:
            client.env.protocol = urlparse(base).scheme or "https"
            client.env.api_endpoint = f"{base}/api/{client.env.API_VERSION}"
        return client

    def _chargebee_call(self, call):
        """Run ``call(client)``. What may pass with time is a TransientError,
        so an event retries with backoff: the network, a rate limit,
        Chargebee's server errors and a key it refuses (an administrator
        fixes it, then the retry passes). A 404 gives None."""
        self.ensure_one()
        client = self._chargebee_client()
        if not client:
            return None
        try:
            with _transport(client):
                return call(client)
        except chargebee.APIError as exc:
            status = exc.http_status_code or 500
            if status == 404:
                return None
            if status in (401, 403, 429) or status >= 500:
                raise TransientError(
                    self.env._("Chargebee answered %(status)s: %(msg)s", status=status, msg=exc)
                ) from exc
            raise
        except httpx.HTTPError as exc:
            raise TransientError(self.env._("Chargebee is unreachable: %s", exc)) from exc

    def _chargebee_user_error(self, what, exc):
        cause = exc.__cause__ if isinstance(exc, TransientError) and exc.__cause__ else exc
        if isinstance(cause, chargebee.APIError) and cause.http_status_code in (401, 403):
            detail = self.env._(
                "Chargebee refused the API key of %s: check the site and the key.", self.name
            )
        elif isinstance(cause, httpx.HTTPError):
            detail = self.env._(
                "Chargebee could not be reached: check the site (and the API base URL, empty "
                "for Chargebee itself) and that this server can open HTTPS connections (%s).",
                cause,
            )
        else:
            detail = str(cause)
        return UserError(self.env._("%(what)s failed: %(detail)s", what=what, detail=detail))

    def action_chargebee_test_connection(self):
        self.ensure_one()
        self._check_admin()
        if not self._chargebee_client():
            raise UserError(self.env._("Enter the Chargebee site and API key first."))
        try:
            self._chargebee_call(lambda client: client.Customer.list({"limit": 1}))
        except (TransientError, chargebee.APIError) as exc:
            raise self._chargebee_user_error(self.env._("Test connection"), exc) from exc
        return notification(self.env._("Chargebee answered."), "success")
