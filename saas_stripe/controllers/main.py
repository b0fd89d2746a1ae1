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
    json_response,
    read_body,
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
    @http.route(
        "/saas/webhook/stripe/<string:code>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    @guarded
    def stripe_webhook(self, code, **_kwargs):
        env = request.env(su=True)
        raw = read_body(env)
        system = env["saas.system"]._find_receiving_system(
            [("code", "=", code), ("kind", "=", "stripe")]
        )
        if not system:
            raise RequestRefused(404, "unknown_system", "No active Stripe system has this code.")
        header = request.httprequest.headers.get("Stripe-Signature")
        tolerance = signature_tolerance(env)
        text = raw.decode("utf-8", errors="replace")
        if not header or not verify_signature(text, header, system._webhook_secrets(), tolerance):
            system._record_signature_failure()
            _logger.warning("Stripe webhook for %s refused: bad or missing signature", code)
            raise RequestRefused(401, "bad_signature", "Missing or invalid Stripe-Signature.")
        _text, event = decode_json(raw)
        if not isinstance(event, dict):
            raise RequestRefused(400, "invalid", "Not a Stripe event.", field="$")
        [(stored, created)] = env["saas.event"]._receive(
            system, [(text, event, stripe_header(event))]
        )
        return json_response({"id": stored.id, "duplicate": not created})


def signature_tolerance(env):
    """Seconds a signature stays valid; at least 1 (0 would disable the check)."""
    raw = env["ir.config_parameter"].get_param("saas_stripe.signature_tolerance")
    try:
        return max(1, int(raw or DEFAULT_TOLERANCE))
    except (TypeError, ValueError):
        return DEFAULT_TOLERANCE
