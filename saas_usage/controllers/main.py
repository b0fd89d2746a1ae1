# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``POST /saas/api/v1/usage``: usage records in bulk, with the canonical
API's key (``Authorization: Bearer <api key of a system>``).

The request as a whole is refused only when nothing in it can be read (401,
409, 413, 400); otherwise each record is answered on its own: 202 when one
was stored, 200 when all were duplicates or cancellations, 422 when every
record was refused (nothing stored)."""

from odoo import http
from odoo.http import request

from odoo.addons.saas_sync.controllers.main import (
    RequestRefused,
    bearer_system,
    decode_json,
    guarded,
    inbox_route,
    json_response,
)

from ..lib import intake

# The default body limit: 10,000 records of some 400 bytes each.
DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024


def read_usage_body(env):
    """The raw body within ``saas_usage.max_body_bytes`` (413 beyond)."""
    parameter = env["ir.config_parameter"].get_param("saas_usage.max_body_bytes")
    try:
        limit = int(parameter) if parameter else DEFAULT_MAX_BODY_BYTES
    except ValueError:
        limit = DEFAULT_MAX_BODY_BYTES
    declared = request.httprequest.content_length
    if declared is not None and declared > limit:
        raise RequestRefused(413, "too_large", f"The body exceeds {limit} bytes.")
    raw = request.httprequest.get_data(cache=False)
    if len(raw) > limit:
        raise RequestRefused(413, "too_large", f"The body exceeds {limit} bytes.")
    return raw


class SaasUsageController(http.Controller):
    @inbox_route("/saas/api/v1/usage")
    @guarded
    def receive_usage(self, **_kwargs):
        env = request.env(su=True)
        raw = read_usage_body(env)
        system = bearer_system(env)
        system._check_can_receive()
        _text, body = decode_json(raw)
        try:
            records = intake.read_batch(body)
        except ValueError as exc:
            raise RequestRefused(400, "malformed", str(exc)) from None
        if len(records) > intake.MAX_RECORDS:
            raise RequestRefused(
                413,
                "too_many_records",
                f"{len(records)} records: send at most {intake.MAX_RECORDS} a request.",
            )
        answer = env["saas.usage.record"]._receive_usage(system, records)
        if answer["created"]:
            status = 202
        elif len(answer["errors"]) == len(records):
            status = 422  # every record refused: nothing stored
        else:
            status = 200
        return json_response(answer, status=status)
