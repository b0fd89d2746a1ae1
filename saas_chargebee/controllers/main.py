# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""POST /saas/webhook/chargebee/<code>: authenticate (HTTP Basic), store,
answer at once."""

import logging

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

from ..lib.inbox import chargebee_header

_logger = logging.getLogger(__name__)


class ChargebeeWebhookController(http.Controller):
    @inbox_route("/saas/webhook/chargebee/<string:code>")
    @guarded
    def chargebee_webhook(self, code, site=None, **_kwargs):
        env, raw, system = webhook_request("chargebee", code, "Chargebee")
        authorization = request.httprequest.headers.get("Authorization")
        if not system._chargebee_check_credentials(authorization):
            refuse_unauthenticated(
                system,
                "bad_credentials",
                _logger,
                "Chargebee webhook",
                "bad or missing credentials",
                RequestRefused(
                    401,
                    "unauthorized",
                    "Missing or invalid Basic auth credentials.",
                    headers={"WWW-Authenticate": 'Basic realm="saas-chargebee"'},
                ),
            )
        livemode = system._chargebee_check_site(site if isinstance(site, str) else None)
        text, event = decode_json(raw)
        if not isinstance(event, dict) or not isinstance(event.get("content"), dict):
            raise RequestRefused(400, "invalid", "Not a Chargebee event.", field="content")
        if not isinstance(event.get("occurred_at"), int) or isinstance(event["occurred_at"], bool):
            raise RequestRefused(
                400, "invalid", "occurred_at must be a Unix timestamp.", field="occurred_at"
            )
        if event.get("api_version", "v2") != "v2":
            raise RequestRefused(
                400, "invalid", "Only Chargebee API v2 events are read.", field="api_version"
            )
        return store_webhook_event(env, system, text, event, chargebee_header(event, livemode))
