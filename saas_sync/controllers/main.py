# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""HTTP entry points of the integration core.

The controllers authenticate, check size and JSON, store the event in the
inbox and answer at once; processing happens in the lane crons.
"""

import json
import logging

from odoo import http
from odoo.http import request

from ..exceptions import RETRY_AFTER_SECONDS, ReceiveRefused
from ..tools import database_environment, get_setting

_logger = logging.getLogger(__name__)

# A request answered with an error status; nothing is stored. The inbox
# (saas.event._receive) raises the same type for what it refuses.
RequestRefused = ReceiveRefused


def json_response(body, status=200, headers=None):
    return request.make_json_response(body, status=status, headers=list((headers or {}).items()))


def refused_response(exc):
    return json_response(exc.body, status=exc.status, headers=exc.headers)


def read_body(env):
    """The raw body, refusing oversized requests (by their declared length first).

    A chunked body has no declared length; Odoo caps those at its own
    ``max_content_length`` and the limit is checked once read.
    """
    limit = get_setting(env, "max_body_bytes")
    declared = request.httprequest.content_length
    if declared is not None and declared > limit:
        raise RequestRefused(413, "too_large", f"The body exceeds {limit} bytes.")
    raw = request.httprequest.get_data(cache=False)
    if len(raw) > limit:
        raise RequestRefused(413, "too_large", f"The body exceeds {limit} bytes.")
    return raw


def decode_json(raw):
    try:
        text = raw.decode("utf-8")
        return text, json.loads(text, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RequestRefused(400, "malformed", f"The body is not valid JSON: {exc}") from exc


def _refuse_constant(name):
    raise ValueError(f"{name} is not allowed in JSON")


def bearer_system(env):
    header = request.httprequest.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    system = env["saas.system"]
    if scheme.lower() == "bearer" and token:
        system = system._authenticate_api_key(token.strip())
        if not system:
            # A wrong secret for a known key prefix: count it on that system
            # (a row apart from the system's own, see _record_signature_failure).
            owner = env["saas.api.key"]._system_of_prefix(token)
            if owner:
                owner._record_signature_failure("bad_api_key")
                _logger.warning("API request for %s refused: invalid API key", owner.code)
    if not system:
        raise RequestRefused(
            401,
            "unauthorized",
            "Missing or invalid API key.",
            headers={"WWW-Authenticate": 'Bearer realm="saas"'},
        )
    return system


def check_canonical_source(system):
    """Refuse canonical events from a system whose events an adapter translates
    (a Stripe system, say): its adapter would read them as the platform's own
    objects and fail after the fact."""
    if system._saas_has_adapter():
        raise RequestRefused(
            403,
            "wrong_system_kind",
            f"System {system.code} is a {system.kind} system: its events arrive on its "
            f"webhook (/saas/webhook/{system.kind}/{system.code}), not on the canonical API. "
            "Send canonical events with the API key of a billing, CRM or generic system.",
        )


def guard(refused, unavailable, logger=_logger, what="SaaS endpoint"):
    """A decorator of endpoints: a refusal is answered by ``refused(exc)``;
    anything else is logged on ``logger`` as ``what`` failing, rolled back
    and answered by ``unavailable()`` (a 503 the client retries), never a 500
    for what a client sent."""

    def decorator(handler):
        def wrapper(*args, **kwargs):
            try:
                return handler(*args, **kwargs)
            except RequestRefused as exc:
                return refused(exc)
            except Exception:
                logger.exception("%s failed on the server side", what)
                request.env.cr.rollback()
                return unavailable()

        wrapper.__name__ = handler.__name__
        wrapper.__doc__ = handler.__doc__
        return wrapper

    return decorator


def _json_unavailable():
    return json_response(
        {"error": "unavailable", "message": "Temporary server error, retry later."},
        status=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


# Answer refusals with their status, and never a 500 for what a client sent.
guarded = guard(refused_response, _json_unavailable)


def inbox_route(routes):
    """The route of an endpoint that stores what a client POSTs in the inbox
    (``routes``: a path or a list of paths)."""
    return http.route(
        routes,
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )


def webhook_request(kind, code, platform):
    """``(env, raw body, system)`` of a call of the webhook of the ``platform``
    system of ``kind`` with ``code``: the environment as superuser, the body
    within the size limit (413) and the active system (404 when none)."""
    env = request.env(su=True)
    raw = read_body(env)
    system = env["saas.system"]._find_receiving_system([("code", "=", code), ("kind", "=", kind)])
    if not system:
        raise RequestRefused(404, "unknown_system", f"No active {platform} system has this code.")
    return env, raw, system


def refuse_unauthenticated(system, reason, logger, what, why, refusal):
    """Count a request refused for its credentials on ``system`` (``reason``,
    nothing it sent is stored), log it on ``logger`` as ``what`` refused for
    ``why``, and raise ``refusal`` (a RequestRefused, 401)."""
    system._record_signature_failure(reason)
    logger.warning("%s for %s refused: %s", what, system.code, why)
    raise refusal


def store_webhook_event(env, system, text, event, header):
    """Store one platform event in the inbox; answer its id (200 with the
    original id for a duplicate delivery)."""
    [(stored, created)] = env["saas.event"]._receive(system, [(text, event, header)])
    return json_response({"id": stored.id, "duplicate": not created})


class SaasSyncController(http.Controller):
    @inbox_route("/saas/api/v1/events")
    @guarded
    def receive_events(self, **_kwargs):
        env = request.env(su=True)
        raw = read_body(env)
        system = bearer_system(env)
        check_canonical_source(system)
        system._check_can_receive()
        _text, body = decode_json(raw)
        received = env["saas.event"]._receive_canonical(system, body)
        stored = [
            {"id": event.id, "external_id": event.external_id, "duplicate": not created}
            for event, created in received
        ]
        created_any = any(created for _event, created in received)
        return json_response({"events": stored}, status=202 if created_any else 200)

    @http.route(
        "/saas/api/v1/health",
        type="http",
        auth="none",
        methods=["GET"],
        csrf=False,
        save_session=False,
    )
    @guarded
    def health(self, **_kwargs):
        env = request.env(su=True)
        system = bearer_system(env)
        stats = env["saas.monitor"].queue_stats([system.company_id.id])
        stats["environment"] = database_environment(env)
        return json_response(stats)

    @http.route(
        "/saas/metrics", type="http", auth="none", methods=["GET"], csrf=False, save_session=False
    )
    @guarded
    def metrics(self, **_kwargs):
        env = request.env(su=True)
        system = bearer_system(env)
        text = env["saas.monitor"].prometheus_metrics([system.company_id.id])
        return request.make_response(
            text, headers=[("Content-Type", "text/plain; version=0.0.4; charset=utf-8")]
        )
