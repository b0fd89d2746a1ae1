# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A Stripe account as a connected system: its write-only key, the API client,
and the entry points of the payout reconciliation (the button, the scheduled
action and the API reads); the payouts reconcile themselves
(``models/stripe_payout.py``)."""

import logging
import re
from datetime import timezone

import stripe

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.saas_sync.exceptions import SaasSyncError, TransientError
from odoo.addons.saas_sync.secret_fields import secret_column, write_only_field
from odoo.addons.saas_sync.tools import notification

from ..lib.payouts import lookback_start
from ..services.adapter import normalize_stripe_event
from .stripe_sync import as_dict

# The one event of Stripe's current API shape that links a payment to its invoice.
INVOICE_PAYMENT = "invoice_payment.paid"

UTC = timezone.utc  # datetime.UTC is Python 3.11+; the suite runs on 3.10

_logger = logging.getLogger(__name__)

# The operating system's reason in the text of a requests/urllib3 network error.
OS_ERROR_REASON = re.compile(r"\[Errno -?\d+\] ([^\"')\]]+)")


def _network_reason(text):
    """The short reason of a network error ("Connection refused"), else its first line."""
    match = OS_ERROR_REASON.search(text)
    return match.group(1).strip() if match else (text.strip().splitlines() or [""])[0]


class SaasSystem(models.Model):
    _inherit = "saas.system"

    kind = fields.Selection(
        selection_add=[("stripe", "Stripe")], ondelete={"stripe": "set default"}
    )
    stripe_api_key = write_only_field(
        "_inverse_stripe_api_key",
        "Write-only. Used to fetch the current state of objects that arrive out of "
        "order, and by the test connection button.",
        string="Stripe secret key",
    )
    stripe_api_base = write_only_field(
        "_inverse_stripe_api_base",
        "Write-only. Empty means Stripe itself; tests point it at a local Stripe.",
        string="Stripe API base URL",
    )
    stripe_api_key_value = secret_column()
    stripe_api_base_value = secret_column()
    stripe_api_key_set = fields.Boolean(compute="_compute_stripe_flags", string="API key set")
    stripe_webhook_url = fields.Char(compute="_compute_stripe_webhook_url", string="Webhook URL")
    stripe_payout_count = fields.Integer(compute="_compute_stripe_payout_count")
    stripe_last_payout_sync = fields.Datetime(readonly=True)
    stripe_invoice_payment_missing = fields.Boolean(
        compute="_compute_stripe_invoice_payment_missing",
        string="No invoice_payment.paid received",
        help="No invoice_payment.paid event has been received from this Stripe account: "
        "in Stripe's current API shape only that event (or the secret key) tells which "
        "payment paid an invoice.",
    )

    def _saas_has_adapter(self):
        return self.kind == "stripe" or super()._saas_has_adapter()

    def _saas_canonical_messages(self, event, payload):
        """Stripe events are translated into canonical messages."""
        if self.kind != "stripe":
            return super()._saas_canonical_messages(event, payload)
        return normalize_stripe_event(self.env, event, payload)

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
        self._fill_webhook_urls("stripe_webhook_url", "stripe")

    def _compute_stripe_invoice_payment_missing(self):
        """True for a Stripe system that has received no ``invoice_payment.paid``."""
        stripe_systems = self.filtered(lambda system: system.kind == "stripe" and system.id)
        groups = (
            self.env["saas.event"]
            .sudo()
            ._read_group(
                [("system_id", "in", stripe_systems.ids), ("event_type", "=", INVOICE_PAYMENT)],
                ["system_id"],
                ["__count"],
            )
        )
        received = {system.id for system, _count in groups}
        for system in self:
            system.stripe_invoice_payment_missing = (
                system in stripe_systems and system.id not in received
            )

    def _compute_stripe_payout_count(self):
        groups = self.env["saas.stripe.payout"]._read_group(
            [("system_id", "in", self.ids)], ["system_id"], ["__count"]
        )
        counts = {system.id: count for system, count in groups}
        for system in self:
            system.stripe_payout_count = counts.get(system.id, 0)

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

    def _stripe_user_error(self, what, exc):
        """A UserError saying which Stripe call failed, why, and what to check.

        ``exc`` is a Stripe error, or the TransientError a network failure or a
        rate limit became (its cause is the Stripe error).
        """
        self.ensure_one()
        cause = exc.__cause__ if isinstance(exc, TransientError) and exc.__cause__ else exc
        base = self.sudo().stripe_api_base_value or "https://api.stripe.com"
        detail = getattr(cause, "user_message", None) or str(cause)
        if isinstance(cause, stripe.RateLimitError):
            message = self.env._(
                "%(what)s failed: Stripe is limiting the rate of requests (%(detail)s). "
                "Try again in a minute.",
                what=what,
                detail=detail,
            )
        elif isinstance(cause, stripe.AuthenticationError | stripe.PermissionError):
            message = self.env._(
                "%(what)s failed: Stripe refused the secret key of %(system)s (%(detail)s). "
                "Check the key on the Stripe tab (sk_test_... for a sandbox system, "
                "sk_live_... or a restricted key with read access for production).",
                what=what,
                system=self.name,
                detail=detail,
            )
        elif isinstance(cause, stripe.APIConnectionError):
            message = self.env._(
                "%(what)s failed: Stripe could not be reached at %(base)s. Check the Stripe "
                "API base URL of %(system)s (empty means Stripe itself), that this server can "
                "open outgoing HTTPS connections to it, and Stripe's status page; then try "
                "again (%(detail)s).",
                what=what,
                base=base,
                system=self.name,
                detail=_network_reason(detail),
            )
        else:
            message = self.env._(
                "%(what)s failed: Stripe answered with an error (%(detail)s).",
                what=what,
                detail=detail,
            )
        return UserError(message)

    def action_stripe_test_connection(self):
        self.ensure_one()
        self._check_admin()
        client = self._stripe_client()
        if not client:
            raise UserError(self.env._("Enter the Stripe secret key first."))
        try:
            client.v1.customers.list(params={"limit": 1})
        except stripe.StripeError as exc:
            raise self._stripe_user_error(self.env._("Test connection"), exc) from exc
        return notification(self.env._("Stripe answered."), "success")

    def _stripe_call(self, call):
        """Run a Stripe API call. What may pass with time is a TransientError,
        so an event retries with backoff instead of dying: the network, a rate
        limit, Stripe's own server errors (5xx) and a key Stripe refuses (an
        administrator fixes it, then the retry passes)."""
        try:
            return call()
        except (
            stripe.RateLimitError,
            stripe.APIConnectionError,
            stripe.AuthenticationError,
            stripe.PermissionError,
        ) as exc:
            raise TransientError(self.env._("Stripe is unreachable: %s", exc)) from exc
        except stripe.APIError as exc:
            if (exc.http_status or 500) < 500:
                raise
            raise TransientError(self.env._("Stripe answered a server error: %s", exc)) from exc

    def _stripe_payouts(self, since=None):
        """Payouts created since ``since`` (a datetime), as dicts; [] without a key."""
        self.ensure_one()
        client = self._stripe_client()
        if not client:
            return []
        params = {"limit": 100}
        if since:
            params["created"] = {"gte": int(since.replace(tzinfo=UTC).timestamp())}
        return self._stripe_call(
            lambda: [
                as_dict(payout)
                for payout in client.v1.payouts.list(params=params).auto_paging_iter()
            ]
        )

    def _stripe_balance_transactions(self, payout_id):
        """The balance transactions a payout settles, as dicts, with their source
        expanded (so a charge tells its payment intent)."""
        self.ensure_one()
        client = self._stripe_client()
        if not client:
            return []
        params = {"payout": payout_id, "limit": 100, "expand": ["data.source"]}
        return self._stripe_call(
            lambda: [
                as_dict(txn)
                for txn in client.v1.balance_transactions.list(params=params).auto_paging_iter()
            ]
        )

    # --------------------------------------------------------------- payouts
    def action_view_stripe_payouts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_stripe.action_saas_stripe_payout"
        )
        action["domain"] = [("system_id", "=", self.id)]
        return action

    def action_stripe_reconcile_payouts(self):
        self.ensure_one()
        self._check_admin()
        if not self._stripe_client():
            raise UserError(self.env._("Enter the Stripe secret key first."))
        try:
            payouts = self._stripe_reconcile_payouts()
        except (TransientError, stripe.StripeError) as exc:
            raise self._stripe_user_error(self.env._("Reconcile payouts now"), exc) from exc
        return notification(
            self.env._(
                "%(count)s payouts read, %(gaps)s with gaps.",
                count=len(payouts),
                gaps=len(payouts.filtered(lambda payout: payout.state == "gaps")),
            )
        )

    def _stripe_reconcile_payouts(self, since=None):
        """Pull the payouts created since ``since`` (by default a fortnight before
        the last pull) and reconcile those not posted yet; return them."""
        self.ensure_one()
        Payout = self.env["saas.stripe.payout"]
        payouts = Payout
        if since is None:
            since = lookback_start(self.stripe_last_payout_sync, fields.Datetime.now())
        started = fields.Datetime.now()
        for data in self._stripe_payouts(since=since):
            if Payout.search_count(
                [
                    ("system_id", "=", self.id),
                    ("stripe_id", "=", data["id"]),
                    ("move_id.state", "=", "posted"),
                ],
                limit=1,
            ):
                continue
            try:
                with self.env.cr.savepoint():
                    payouts |= Payout._reconcile_from_stripe(
                        self, data, self._stripe_balance_transactions(data["id"])
                    )
            except (SaasSyncError, UserError) as exc:
                if isinstance(exc, TransientError):
                    raise
                _logger.warning("Stripe payout %s of %s skipped: %s", data["id"], self.code, exc)
        self.stripe_last_payout_sync = started
        return payouts

    @api.model
    def _cron_stripe_reconcile_payouts(self):
        """Financial lane, daily: reconcile the payouts of every Stripe system;
        after network trouble (or a refusal) the next daily run tries again."""
        self._cron_each_system(
            "stripe",
            lambda system: system._stripe_client() and system._check_environment(),
            lambda system: system._stripe_reconcile_payouts(),
            (TransientError, stripe.StripeError),
            "Stripe payout reconciliation",
            _logger,
        )
