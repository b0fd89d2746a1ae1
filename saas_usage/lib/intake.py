# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading the usage records of the bulk API (no ORM): each record is checked
on its own; a bad one is refused with its reason and the others are kept.

A record is an object::

    {"identifier": "req_42", "meter": "api_calls", "customer": "cus_1",
     "value": "12", "timestamp": "2026-01-16T12:00:00Z",
     "properties": {"endpoint": "/v1/orders"}}

``customer`` or ``subscription`` (the sender's ids; both may be sent, the
subscription must then be the customer's); ``value`` a number or a decimal
string, not negative (absent: the meter's ``value_key`` property, and for
counting meters 1); ``timestamp`` ISO 8601 with a zone, or Unix seconds, from
35 days back to 5 minutes ahead (Stripe's meter event window).

A cancellation is ``{"identifier": "req_42", "action": "cancel"}``.
"""

from collections import namedtuple
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from .rating import to_decimal

MAX_RECORDS = 10000
MAX_IDENTIFIER = 255
PAST_WINDOW = timedelta(days=35)
FUTURE_WINDOW = timedelta(minutes=5)
ACTIONS = ("create", "cancel")

Usage = namedtuple(
    "Usage", ["identifier", "meter", "customer", "subscription", "value", "timestamp", "properties"]
)


class RecordRefused(ValueError):
    """A record that cannot be stored; the message is the reason."""


def _text(record, key, required=True):
    value = record.get(key)
    if value is None:
        if required:
            raise RecordRefused(f"{key} is missing")
        return None
    if not isinstance(value, str):
        raise RecordRefused(f"{key} must be a string, not {type(value).__name__}")
    value = value.strip()
    if not value:
        if required:
            raise RecordRefused(f"{key} is empty")
        return None
    if len(value) > MAX_IDENTIFIER:
        raise RecordRefused(f"{key} is longer than {MAX_IDENTIFIER} characters")
    return value


def read_identifier(record):
    if not isinstance(record, dict):
        raise RecordRefused(f"a record must be an object, not {type(record).__name__}")
    return _text(record, "identifier")


def read_action(record):
    action = record.get("action", "create")
    if action not in ACTIONS or not isinstance(action, str):
        raise RecordRefused(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    return action


def read_value(value, what="value"):
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RecordRefused(f"{what} must be a number or a decimal string, not {value!r}")
    try:
        value = to_decimal(value, what)
    except ValueError as exc:
        raise RecordRefused(str(exc)) from None
    if value < 0:
        raise RecordRefused(f"{what} cannot be negative")
    if abs(value.adjusted()) > 30 or -value.as_tuple().exponent > 12:
        raise RecordRefused(f"{what} is out of range (up to 30 digits and 12 decimals)")
    return value


def read_timestamp(value, now):
    """``value`` as a naive UTC datetime within the window around ``now``
    (a naive UTC datetime)."""
    if isinstance(value, bool) or value is None:
        raise RecordRefused("timestamp must be an ISO 8601 string or Unix seconds")
    if isinstance(value, int | float):
        try:
            moment = datetime.fromtimestamp(value, timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise RecordRefused(f"timestamp {value!r} is out of range") from None
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise RecordRefused(f"timestamp {value!r} is not ISO 8601") from None
        if moment.tzinfo is None:
            raise RecordRefused(f"timestamp {value!r} has no time zone (add Z for UTC)")
    else:
        raise RecordRefused("timestamp must be an ISO 8601 string or Unix seconds")
    moment = moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
    if moment < now - PAST_WINDOW:
        raise RecordRefused("timestamp is more than 35 days in the past")
    if moment > now + FUTURE_WINDOW:
        raise RecordRefused("timestamp is more than 5 minutes in the future")
    return moment


def read_usage(record, now):
    """The ``Usage`` of one record (``value`` None when the record carries
    none: the meter decides), or ``RecordRefused`` with the reason."""
    identifier = read_identifier(record)
    meter = _text(record, "meter")
    customer = _text(record, "customer", required=False)
    subscription = _text(record, "subscription", required=False)
    if not customer and not subscription:
        raise RecordRefused("a record names its customer or its subscription")
    value = record.get("value")
    value = None if value is None else read_value(value)
    timestamp = read_timestamp(record.get("timestamp"), now)
    properties = record.get("properties")
    if properties is not None and not isinstance(properties, dict):
        raise RecordRefused(f"properties must be an object, not {type(properties).__name__}")
    return Usage(identifier, meter, customer, subscription, value, timestamp, properties or {})


def meter_value(usage, aggregation, value_key):
    """The value of ``usage`` for a meter of ``aggregation`` reading
    ``value_key``: the record's own, else the property, else 1 for the
    counting meters."""
    if usage.value is not None:
        return usage.value
    if value_key and usage.properties.get(value_key) is not None:
        return read_value(usage.properties[value_key], f"property {value_key}")
    if aggregation in ("count", "unique_count"):
        return Decimal(1)
    raise RecordRefused(f"value is missing (nor is there a {value_key or 'value'} property)")


def read_batch(body):
    """The list of records of a request body: a list, or an object with a
    ``records`` list; ``ValueError`` when neither."""
    if isinstance(body, dict):
        body = body.get("records")
    if not isinstance(body, list):
        raise ValueError('the body is a list of usage records, or {"records": [...]}')
    if not body:
        raise ValueError("the body holds no usage record")
    return body
