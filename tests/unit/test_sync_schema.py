# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
from datetime import datetime
from decimal import Decimal

import pytest

from odoo.addons.saas_sync.lib.schema import (
    EVENT_TYPES,
    SchemaError,
    parse_amount,
    validate_batch,
    validate_event,
)


def event(**overrides):
    base = {
        "id": "evt_42",
        "type": "subscription.changed",
        "occurred_at": "2026-02-01T00:00:00Z",
        "schema_version": 1,
        "livemode": True,
        "entity": "US",
        "data": {
            "subscription_id": "sub_1",
            "customer_id": "cus_1",
            "currency": "USD",
            "items": [
                {
                    "plan": "pro",
                    "quantity": "2",
                    "unit_amount": "12.50",
                    "interval": "month",
                    "interval_count": 1,
                }
            ],
        },
    }
    base.update(overrides)
    return base


def test_the_design_example_validates():
    header = validate_event(event())
    assert header["type"] == "subscription.changed"
    assert header["occurred_at"] == datetime(2026, 2, 1)
    assert header["livemode"] is True
    assert header["entity"] == "US"


def test_offsets_are_converted_to_utc():
    header = validate_event(event(occurred_at="2026-02-01T02:30:00+02:00"))
    assert header["occurred_at"] == datetime(2026, 2, 1, 0, 30)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"id": ""}, "id"),
        ({"id": 42}, "id"),
        ({"type": "subscription.exploded"}, "type"),
        ({"schema_version": 2}, "schema_version"),
        ({"schema_version": True}, "schema_version"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2026-02-01T00:00:00"}, "occurred_at"),
        ({"livemode": "yes"}, "livemode"),
        ({"data": []}, "data"),
        ({"data": {"customer_id": "c"}}, "data.subscription_id"),
    ],
)
def test_header_errors_name_the_field(overrides, field):
    with pytest.raises(SchemaError) as info:
        validate_event(event(**overrides))
    assert info.value.field == field


def test_item_errors_name_the_nested_field():
    bad = event()
    bad["data"]["items"][0]["unit_amount"] = 12.5
    with pytest.raises(SchemaError) as info:
        validate_event(bad)
    assert info.value.field == "data.items[0].unit_amount"
    assert "decimal string" in info.value.message
    bad["data"]["items"][0].update(unit_amount="12.50", interval_count=0)
    with pytest.raises(SchemaError) as info:
        validate_event(bad)
    assert info.value.field == "data.items[0].interval_count"


@pytest.mark.parametrize("value", ["12.50", "0", "-3.10", "1000000.123456789"])
def test_amounts_are_decimal_strings(value):
    assert parse_amount(value, "x") == Decimal(value)


@pytest.mark.parametrize("value", [12.5, 12, True, "12,50", "1e3", "", " 1.00", "NaN"])
def test_non_decimal_amounts_are_refused(value):
    with pytest.raises(SchemaError):
        parse_amount(value, "x")


def test_every_type_has_required_fields():
    assert set(EVENT_TYPES) == {
        "customer.upserted",
        "subscription.activated",
        "subscription.changed",
        "subscription.renewed",
        "subscription.paused",
        "subscription.resumed",
        "subscription.cancelled",
        "subscription.reactivated",
        "invoice.issued",
        "invoice.voided",
        "credit_note.issued",
        "payment.succeeded",
        "payment.failed",
        "refund.issued",
    }
    for spec in EVENT_TYPES.values():
        assert spec


def test_batch_limits_and_duplicates():
    assert len(validate_batch(event(), 1)) == 1
    assert len(validate_batch([event(id="a"), event(id="b")], 2)) == 2
    with pytest.raises(SchemaError, match="at most 1"):
        validate_batch([event(id="a"), event(id="b")], 1)
    # An id repeated in a list is a duplicate delivery (answered with the
    # first occurrence's event by the inbox), not a malformed request.
    pairs = validate_batch([event(id="a"), event(id="a")], 5)
    assert [header["id"] for _event, header in pairs] == ["a", "a"]
    with pytest.raises(SchemaError) as info:
        validate_batch([event(id="a"), event(id="b", type="nope")], 5)
    assert info.value.field == "[1].type"
    with pytest.raises(SchemaError):
        validate_batch([], 5)


# Every JSON kind at every key the schema documents: a SchemaError naming
# that key, never another exception (which the API would answer with a 5xx).
JSON_KINDS = {
    "null": None,
    "bool": True,
    "number": 12.5,
    "huge number": float("inf"),  # what json.loads makes of 1e400
    "huge integer": 10**300,
    "string": "not valid",
    "long string": "x" * 5000,
    "list": ["a", 1],
    "object": {"a": 1},
}
SAMPLES = {
    "str": "x_1",
    "amount": "10.00",
    "currency": "USD",
    "items": [{"plan": "p", "quantity": "1", "unit_amount": "10.00", "interval": "month"}],
    "lines": [{"quantity": "1", "unit_amount": "10.00"}],
}


def sample(event_type):
    return event(
        type=event_type,
        livemode=None,
        data={key: copy.deepcopy(SAMPLES[kind]) for key, kind in EVENT_TYPES[event_type].items()},
    )


def assert_names(value_event, field):
    with pytest.raises(SchemaError) as info:
        validate_event(value_event)
    named = info.value.field
    assert named == field or named.startswith((f"{field}.", f"{field}[")), named


@pytest.mark.parametrize("kind", JSON_KINDS)
@pytest.mark.parametrize(
    "key", ["id", "type", "occurred_at", "schema_version", "livemode", "entity", "data"]
)
def test_top_level_keys_refuse_every_wrong_json_kind(key, kind):
    value = JSON_KINDS[kind]
    valid = {("id", "string"), ("livemode", "null"), ("livemode", "bool")}
    valid |= {("entity", "null"), ("entity", "string")}
    if (key, kind) in valid:
        validate_event(dict(sample("customer.upserted"), **{key: value}))
        return
    assert_names(dict(sample("customer.upserted"), **{key: value}), key)


@pytest.mark.parametrize("kind", JSON_KINDS)
@pytest.mark.parametrize(
    "event_type,key",
    [(event_type, key) for event_type, spec in EVENT_TYPES.items() for key in spec],
)
def test_required_data_keys_refuse_every_wrong_json_kind(event_type, key, kind):
    bad = sample(event_type)
    bad["data"][key] = copy.deepcopy(JSON_KINDS[kind])
    if EVENT_TYPES[event_type][key] == "str" and kind == "string":
        validate_event(bad)
        return
    assert_names(bad, f"data.{key}")


@pytest.mark.parametrize("kind", [k for k in JSON_KINDS if k != "null"])
@pytest.mark.parametrize(
    "list_key,key",
    [("items", key) for key in ("plan", "quantity", "unit_amount", "interval")]
    + [("lines", "quantity"), ("lines", "unit_amount")]
    + [("items", key) for key in ("discount_percent", "tax_amount", "interval_count")],
)
def test_item_and_line_keys_refuse_every_wrong_json_kind(list_key, key, kind):
    bad = sample("subscription.activated" if list_key == "items" else "invoice.issued")
    bad["data"][list_key][0][key] = copy.deepcopy(JSON_KINDS[kind])
    if (key, kind) in {("plan", "string"), ("interval_count", "huge integer")}:
        validate_event(bad)
        return
    assert_names(bad, f"data.{list_key}[0].{key}")


def test_long_values_are_not_echoed_whole():
    with pytest.raises(SchemaError) as info:
        validate_event(event(type="x" * 5000))
    assert len(info.value.message) < 200
