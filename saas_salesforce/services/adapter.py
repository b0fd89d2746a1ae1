# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Salesforce adapter of the engine: one stored record -> its messages.

A record version already applied (pushed, then pulled, or delivered twice
under two notification ids) is ignored: the binding of the Account's partner
or of the Opportunity's deal holds the ``SystemModstamp`` last applied.
"""

from odoo.addons.saas_sync.exceptions import EventValidationError

from ..lib.translate import (
    ACCOUNT,
    IGNORED_TYPE,
    OPPORTUNITY,
    TranslationError,
    object_type_of,
    record_messages,
    record_version,
)

BOUND_MODELS = {ACCOUNT: "res.partner", OPPORTUNITY: "saas.booked.deal"}


def _already_applied(env, system, record):
    model = BOUND_MODELS.get(object_type_of(record))
    version = record_version(record)
    if not model or not version or not record.get("Id"):
        return None
    binding = env["saas.binding"].find_binding(system, model, record["Id"])
    if binding.source_updated_at and version <= binding.source_updated_at:
        return binding.source_updated_at
    return None


def _resolve_countries(env, messages):
    """A billing country sent as a name (``France``) becomes its ISO code."""
    for message in messages:
        address = (message.get("data") or {}).get("address")
        name = address and address.pop("country_name", None)
        if name:
            country = env["res.country"].search([("name", "=ilike", name)], limit=1)
            if country:
                address["country"] = country.code
    return messages


def normalize_salesforce_event(env, event, payload):
    system = event.system_id
    record = (payload or {}).get("record")
    if not isinstance(record, dict):
        raise EventValidationError(env._("The event holds no Salesforce record."))
    try:
        applied = _already_applied(env, system, record)
        if applied:
            return [
                {
                    "id": f"{event.external_id}:applied",
                    "type": IGNORED_TYPE,
                    "ignore_reason": env._(
                        "%(type)s %(id)s at this version was already applied (%(at)s).",
                        type=object_type_of(record),
                        id=record.get("Id"),
                        at=applied,
                    ),
                }
            ]
        messages = record_messages(
            event.external_id,
            record,
            system._salesforce_field_config(),
            livemode=system.environment == "production",
        )
    except TranslationError as exc:
        raise EventValidationError(str(exc)) from exc
    return _resolve_countries(env, messages)
