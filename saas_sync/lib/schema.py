# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Validation of the canonical event (schema version 1).

This is the single place where the canonical schema is defined. The
controller validates every incoming event with :func:`validate_event`
before anything is stored; handlers can rely on the shape it guarantees.
"""

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

SCHEMA_VERSION = 1
MAX_ID_LENGTH = 255

AMOUNT_RE = re.compile(r"^-?\d{1,15}(\.\d{1,9})?$")
CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")
INTERVALS = ("day", "week", "month", "year")

# Required keys of ``data`` per event type, with the kind of value each must
# hold.  ``str``: a non-empty string; ``amount``: a decimal string;
# ``currency``: an ISO 4217 code; ``items``/``lines``: a non-empty list of
# objects validated by ITEM_FIELDS / LINE_FIELDS.
_SUBSCRIPTION = {
    "subscription_id": "str",
    "customer_id": "str",
}
_SUBSCRIPTION_WITH_ITEMS = dict(_SUBSCRIPTION, currency="currency", items="items")

EVENT_TYPES = {
    "customer.upserted": {"customer_id": "str"},
    "subscription.activated": _SUBSCRIPTION_WITH_ITEMS,
    "subscription.changed": _SUBSCRIPTION_WITH_ITEMS,
    "subscription.renewed": _SUBSCRIPTION,
    "subscription.paused": _SUBSCRIPTION,
    "subscription.resumed": _SUBSCRIPTION,
    "subscription.cancelled": _SUBSCRIPTION,
    "subscription.reactivated": _SUBSCRIPTION_WITH_ITEMS,
    "invoice.issued": {
        "invoice_id": "str",
        "customer_id": "str",
        "currency": "currency",
        "lines": "lines",
        "total": "amount",
    },
    "invoice.voided": {"invoice_id": "str"},
    "credit_note.issued": {
        "credit_note_id": "str",
        "invoice_id": "str",
        "currency": "currency",
        "total": "amount",
    },
    "payment.succeeded": {
        "payment_id": "str",
        "customer_id": "str",
        "currency": "currency",
        "amount": "amount",
    },
    "payment.failed": {
        "payment_id": "str",
        "customer_id": "str",
        "currency": "currency",
        "amount": "amount",
    },
    "refund.issued": {
        "refund_id": "str",
        "payment_id": "str",
        "currency": "currency",
        "amount": "amount",
    },
}

ITEM_FIELDS = {
    "plan": "str",
    "quantity": "amount",
    "unit_amount": "amount",
    "interval": "interval",
}
LINE_FIELDS = {
    "quantity": "amount",
    "unit_amount": "amount",
}
# Optional keys that, when present, must still hold the right kind of value.
OPTIONAL_AMOUNTS = ("discount_percent", "discount_amount", "tax_amount", "fee", "subtotal")


def _shown(value, limit=60):
    """A short repr of a client's value for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class SchemaError(ValueError):
    """A canonical event does not follow the schema.

    ``field`` is the dotted path of the offending value (``data.items[0].plan``),
    so that the answer tells the sender exactly what to fix.
    """

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def as_dict(self):
        return {"field": self.field, "message": self.message}


def parse_timestamp(value, field="occurred_at"):
    """Parse an ISO 8601 timestamp with an explicit offset; return naive UTC."""
    if not isinstance(value, str) or not value:
        raise SchemaError(field, "must be an ISO 8601 timestamp string")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise SchemaError(field, "is not an ISO 8601 timestamp") from exc
    if parsed.tzinfo is None:
        raise SchemaError(field, "needs a time zone (use Z for UTC)")
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)


def parse_amount(value, field):
    """Return the Decimal of a decimal string; floats and numbers are refused."""
    if isinstance(value, bool) or not isinstance(value, str):
        raise SchemaError(field, 'must be a decimal string such as "12.50", not a number')
    if not AMOUNT_RE.match(value):
        raise SchemaError(field, f"{_shown(value)} is not a decimal string")
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the regex guards it
        raise SchemaError(field, f"{value!r} is not a decimal string") from exc


def _check_value(kind, value, field):
    if kind == "str":
        if not isinstance(value, str) or not value.strip():
            raise SchemaError(field, "must be a non-empty string")
        if len(value) > MAX_ID_LENGTH:
            raise SchemaError(field, f"is longer than {MAX_ID_LENGTH} characters")
    elif kind == "amount":
        parse_amount(value, field)
    elif kind == "currency":
        if not isinstance(value, str) or not CURRENCY_RE.match(value):
            raise SchemaError(field, "must be a three-letter ISO 4217 currency code")
    elif kind == "interval":
        if not isinstance(value, str) or value not in INTERVALS:
            raise SchemaError(field, f"must be one of {', '.join(INTERVALS)}")
    elif kind in ("items", "lines"):
        spec = ITEM_FIELDS if kind == "items" else LINE_FIELDS
        if not isinstance(value, list) or not value:
            raise SchemaError(field, "must be a non-empty list")
        for index, item in enumerate(value):
            item_field = f"{field}[{index}]"
            if not isinstance(item, dict):
                raise SchemaError(item_field, "must be an object")
            _check_object(item, spec, item_field)
            if "interval_count" in item:
                count = item["interval_count"]
                if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                    raise SchemaError(f"{item_field}.interval_count", "must be a positive integer")


def _check_object(obj, spec, prefix):
    for key, kind in spec.items():
        field = f"{prefix}.{key}"
        if key not in obj or obj[key] is None:
            raise SchemaError(field, "is required")
        _check_value(kind, obj[key], field)
    for key in OPTIONAL_AMOUNTS:
        if obj.get(key) is not None:
            parse_amount(obj[key], f"{prefix}.{key}")


def validate_event(event):
    """Validate one canonical event and return a normalized copy of its header.

    Raises :class:`SchemaError` naming the first offending field. The returned
    dict has ``id``, ``type``, ``occurred_at`` (naive UTC datetime),
    ``schema_version``, ``livemode`` (bool or None) and ``entity``.
    """
    if not isinstance(event, dict):
        raise SchemaError("$", "an event must be a JSON object")
    _check_value("str", event.get("id"), "id")
    event_type = event.get("type")
    if not isinstance(event_type, str):
        raise SchemaError("type", "must be an event type string")
    if event_type not in EVENT_TYPES:
        raise SchemaError("type", f"unknown event type {_shown(event_type)}")
    version = event.get("schema_version")
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        raise SchemaError("schema_version", f"must be {SCHEMA_VERSION}")
    occurred_at = parse_timestamp(event.get("occurred_at"))
    livemode = event.get("livemode")
    if livemode is not None and not isinstance(livemode, bool):
        raise SchemaError("livemode", "must be true or false")
    entity = event.get("entity")
    if entity is not None:
        _check_value("str", entity, "entity")
    data = event.get("data")
    if not isinstance(data, dict):
        raise SchemaError("data", "must be an object")
    _check_object(data, EVENT_TYPES[event_type], "data")
    return {
        "id": event["id"],
        "type": event_type,
        "occurred_at": occurred_at,
        "schema_version": version,
        "livemode": livemode,
        "entity": entity,
    }


def validate_batch(body, max_events):
    """Validate a request body: one event or a list of at most ``max_events``.

    Returns the list of ``(event, header)`` pairs. Field paths of list
    members are prefixed with their index (``[3].data.total``).
    """
    events = body if isinstance(body, list) else [body]
    if not events:
        raise SchemaError("$", "the list of events is empty")
    if len(events) > max_events:
        raise SchemaError("$", f"at most {max_events} events per request, got {len(events)}")
    result = []
    for index, event in enumerate(events):
        try:
            header = validate_event(event)
        except SchemaError as exc:
            if isinstance(body, list):
                raise SchemaError(f"[{index}].{exc.field}".replace(".$", ""), exc.message) from exc
            raise
        # An id repeated in the list is a duplicate delivery, answered with
        # the event of its first occurrence (saas.event._store_batch).
        result.append((event, header))
    return result
