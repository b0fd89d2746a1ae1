# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""POST /saas/webhook/salesforce/<code>/<token>: Salesforce Outbound Messages.

The token in the path authenticates the org's messages (Salesforce signs
nothing; the endpoint URL is the shared secret), the OrganizationId must be
the system's, the XML is parsed safely, each Notification is stored once in
the inbox and the answer is the acknowledgement Salesforce expects. A refusal
is a SOAP fault with a non-2xx status, so Salesforce delivers again later;
nothing a client sends makes a 500.
"""

import json
import logging
import re

from odoo import fields, http
from odoo.http import request

from odoo.addons.saas_sync.controllers.main import (
    RequestRefused,
    guard,
    inbox_route,
    refuse_unauthenticated,
    webhook_request,
)
from odoo.addons.saas_sync.exceptions import RETRY_AFTER_SECONDS

from ..lib.soap import (
    SoapError,
    ack_response,
    fault_response,
    parse_outbound_message,
    same_organization,
)
from ..lib.translate import inbox_header

_logger = logging.getLogger(__name__)

# The token is the last segment of the endpoint's path; the access log
# (werkzeug's logger, at Odoo's default level) must not show it.
TOKEN_IN_PATH_RE = re.compile(r"(/saas/webhook/salesforce/[^/\s?\"]+/)[^/\s?\"]+")


class MaskEndpointToken(logging.Filter):
    """Replaces the token of a Salesforce endpoint path in a log record."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        if "/saas/webhook/salesforce/" in message:
            record.msg, record.args = TOKEN_IN_PATH_RE.sub(r"\1***", message), ()
        return True


def _mask_tokens_in_access_log():
    for name in ("werkzeug", "odoo.http"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskEndpointToken) for f in logger.filters):
            logger.addFilter(MaskEndpointToken())


_mask_tokens_in_access_log()


def soap_response(body, status=200, headers=None):
    return request.make_response(
        body,
        headers=[("Content-Type", "text/xml; charset=utf-8"), *(headers or {}).items()],
        status=status,
    )


def _soap_refused(exc):
    return soap_response(
        fault_response(exc.message, client=exc.status < 500 and exc.status != 429),
        exc.status,
        exc.headers,
    )


def _soap_unavailable():
    return soap_response(
        fault_response("Temporary server error, retry later.", client=False),
        503,
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


# Refusals answer a SOAP fault with their status; an unexpected error a 503
# fault (Salesforce retries), never a 500.
soap_guarded = guard(_soap_refused, _soap_unavailable, _logger, "Salesforce endpoint")


def notification_items(system, message):
    """``[(raw, decoded, header)]`` of the inbox: one per Notification."""
    received_at = fields.Datetime.now()
    livemode = system.environment == "production"
    items = []
    for notification in message.notifications:
        decoded = {
            "source": "outbound_message",
            "notification_id": notification.id,
            "organization_id": message.organization_id,
            "action_id": message.action_id,
            "record": notification.record,
        }
        raw = json.dumps(decoded, sort_keys=True, separators=(",", ":"))
        header = inbox_header(notification.id, notification.record, received_at, livemode)
        items.append((raw, decoded, header))
    return items


class SalesforceOutboundController(http.Controller):
    @inbox_route(
        [
            "/saas/webhook/salesforce/<string:code>",
            "/saas/webhook/salesforce/<string:code>/<string:token>",
        ]
    )
    @soap_guarded
    def salesforce_outbound_message(self, code, token=None, **_kwargs):
        env, raw, system = webhook_request("salesforce", code, "Salesforce")
        if not system._salesforce_check_token(token):
            refuse_unauthenticated(
                system,
                "bad_token",
                _logger,
                "Salesforce message",
                "bad or missing token",
                RequestRefused(401, "bad_token", "Missing or invalid endpoint token."),
            )
        system._check_can_receive()
        try:
            message = parse_outbound_message(raw)
        except SoapError as exc:
            raise RequestRefused(400, "malformed", str(exc)) from exc
        if not same_organization(system.salesforce_org_id, message.organization_id):
            refuse_unauthenticated(
                system,
                "wrong_organization",
                _logger,
                "Salesforce message",
                "organization id differs",
                RequestRefused(
                    401, "wrong_organization", "The OrganizationId is not this system's org."
                ),
            )
        env["saas.event"]._receive(system, notification_items(system, message))
        return soap_response(ack_response())
