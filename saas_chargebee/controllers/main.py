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
    json_response,
    read_body,
)

from ..lib.inbox import chargebee_header

_logger = logging.getLogger(__name__)


class ChargebeeWebhookController(http.Controller):
    @http.route(
        "/saas/webhook/chargebee/<string:code>",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    @guarded
    def chargebee_webhook(self, code, site=None, **_kwargs):
        env = request.env(su=True)
        raw = read_body(env)
        system = env["saas.system"].search(
            [("code", "=", code), ("kind", "=", "chargebee"), ("active", "=", True)], limit=1
        )
        if not system:
            raise RequestRefused(404, "unknown_system", "No active Chargebee system has this code.")
        authorization = request.httprequest.headers.get("Authorization")
        if not system._chargebee_check_credentials(authorization):
            system._record_signature_failure("bad_credentials")
            _logger.warning("Chargebee webhook for %s refused: bad or missing credentials", code)
            raise RequestRefused(
                401,
                "unauthorized",
                "Missing or invalid Basic auth credentials.",
                headers={"WWW-Authenticate": 'Basic realm="saas-chargebee"'},
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
        [(stored, created)] = env["saas.event"]._receive(
            system, [(text, event, chargebee_header(event, livemode))]
        )
        return json_response({"id": stored.id, "duplicate": not created})
