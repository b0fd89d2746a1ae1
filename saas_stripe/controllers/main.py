# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""POST /saas/webhook/stripe/<code>: verify, store, answer at once."""

import logging

import stripe

from odoo import http
from odoo.http import request

from odoo.addons.saas_sync.controllers.main import (
    RequestRefused,
    decode_json,
    guarded,
    inbox_route,
    refuse_unauthenticated,
    store_webhook_event,
    webhook_request,
)

from ..lib.inbox import stripe_header

_logger = logging.getLogger(__name__)
DEFAULT_TOLERANCE = 300


def verify_signature(payload, header, secrets, tolerance):
    """True when ``header`` signs ``payload`` with one of ``secrets`` (rotation)."""
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
            return True
        except stripe.SignatureVerificationError:
            continue
    return False


class StripeWebhookController(http.Controller):
    @inbox_route("/saas/webhook/stripe/<string:code>")
    @guarded
    def stripe_webhook(self, code, **_kwargs):
        env, raw, system = webhook_request("stripe", code, "Stripe")
        header = request.httprequest.headers.get("Stripe-Signature")
        tolerance = signature_tolerance(env)
        text = raw.decode("utf-8", errors="replace")
        if not header or not verify_signature(text, header, system._webhook_secrets(), tolerance):
            refuse_unauthenticated(
                system,
                "bad_signature",
                _logger,
                "Stripe webhook",
                "bad or missing signature",
                RequestRefused(401, "bad_signature", "Missing or invalid Stripe-Signature."),
            )
        _text, event = decode_json(raw)
        if not isinstance(event, dict):
            raise RequestRefused(400, "invalid", "Not a Stripe event.", field="$")
        return store_webhook_event(env, system, text, event, stripe_header(event))


def signature_tolerance(env):
    """Seconds a signature stays valid; at least 1 (0 would disable the check)."""
    raw = env["ir.config_parameter"].get_param("saas_stripe.signature_tolerance")
    try:
        return max(1, int(raw or DEFAULT_TOLERANCE))
    except (TypeError, ValueError):
        return DEFAULT_TOLERANCE
