# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rating and aggregation of usage (``saas_usage.lib``), anchored in the worked
examples of issue 21, each naming its public source."""

from datetime import datetime
from decimal import Decimal

import pytest

from odoo.addons.saas_usage.lib.aggregation import UsageRecord, aggregate
from odoo.addons.saas_usage.lib.rating import Tier, rate, round_money

D = Decimal

# Stripe docs, "Tiered pricing" (volume and graduated): units 1-5 at 7.00,
# 6-10 at 6.50, 11 and more at 6.00.
STRIPE_TIERS = [Tier(5, D("7.00")), Tier(10, D("6.50")), Tier(None, D("6.00"))]

# Stripe docs, "Tiered pricing", flat fees per tier: 1-5 at 5.00 + 10.00,
# 6-10 at 4.00 + 20.00, 11-15 at 3.00 + 30.00, 16-20 at 2.00 + 40.00,
# 21 and more at 1.00 + 50.00.
STRIPE_FLAT_TIERS = [
    Tier(5, D("5.00"), D("10.00")),
    Tier(10, D("4.00"), D("20.00")),
    Tier(15, D("3.00"), D("30.00")),
    Tier(20, D("2.00"), D("40.00")),
    Tier(None, D("1.00"), D("50.00")),
]


@pytest.mark.parametrize(
    ("quantity", "volume", "graduated"),
    [
        (1, "7.00", "7.00"),
        (5, "35.00", "35.00"),
        (6, "39.00", "41.50"),
        (20, "120.00", "127.50"),
        (25, "150.00", "157.50"),
    ],
)
def test_stripe_docs_tiered_pricing(quantity, volume, graduated):
    assert rate(quantity, "volume", tiers=STRIPE_TIERS) == D(volume)
    assert rate(quantity, "graduated", tiers=STRIPE_TIERS) == D(graduated)


def test_stripe_docs_flat_fee_tiers():
    assert rate(12, "volume", tiers=STRIPE_FLAT_TIERS) == D("66.00")
    assert rate(12, "graduated", tiers=STRIPE_FLAT_TIERS) == D("111.00")


def test_stripe_docs_zero_quantity_bills_the_first_flat_fee():
    assert rate(0, "volume", tiers=STRIPE_FLAT_TIERS) == D("10.00")
    assert rate(0, "graduated", tiers=STRIPE_FLAT_TIERS) == D("10.00")


def test_lago_docs_graduated_example():
    # Lago docs, "Graduated pricing": 1.00 for the first 100 calls, 0.50 for
    # the next 100, 0.10 after: 250 calls cost 155.00.
    tiers = [Tier(100, D("1.00")), Tier(200, D("0.50")), Tier(None, D("0.10"))]
    assert rate(250, "graduated", tiers=tiers) == D("155.00")


def test_lago_docs_recognition_example_per_unit():
    # Lago docs, revenue recognition: 200 calls at 0.05 on Jan 3 are 10.00.
    assert rate(200, "per_unit", unit_amount=D("0.05")) == D("10.00")


def test_package_counts_started_packages_or_only_full_ones():
    # Stripe docs, "Package pricing": 5.00 per 5 units; 8 units are two
    # packages, 10.00 (rounded up), or one with rounding down.
    assert rate(8, "package", unit_amount=D("5.00"), package_size=5) == D("10.00")
    assert rate(8, "package", unit_amount="5", package_size=5, rounding="down") == D("5")
    assert rate(0, "package", unit_amount="5", package_size=5) == D(0)


def test_stairstep_bills_the_flat_amount_of_the_step():
    tiers = [Tier(10, 0, D("100")), Tier(25, 0, D("200")), Tier(None, 0, D("250"))]
    assert rate(10, "stairstep", tiers=tiers) == D("100")
    assert rate(11, "stairstep", tiers=tiers) == D("200")
    assert rate(500, "stairstep", tiers=tiers) == D("250")


def test_decimal_quantities_and_twelve_decimal_unit_amounts_stay_exact():
    # Stripe's unit_amount_decimal: up to twelve decimals.
    amount = rate(D("1234567.5"), "per_unit", unit_amount="0.000000012345")
    assert amount == D("1234567.5") * D("0.000000012345")
    assert round_money(amount) == D("0.02")
    assert rate(D("7.5"), "graduated", tiers=STRIPE_TIERS) == D("35.00") + D("2.5") * D("6.50")


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"quantity": -1, "model": "per_unit", "unit_amount": 1}, "negative"),
        ({"quantity": "abc", "model": "per_unit", "unit_amount": 1}, "number"),
        ({"quantity": True, "model": "per_unit", "unit_amount": 1}, "number"),
        ({"quantity": "NaN", "model": "per_unit", "unit_amount": 1}, "finite"),
        ({"quantity": 1, "model": "bogus"}, "unknown price model"),
        ({"quantity": 1, "model": "per_unit"}, "unit amount"),
        ({"quantity": 1, "model": "per_unit", "unit_amount": -1}, "negative"),
        ({"quantity": 1, "model": "package", "unit_amount": 1}, "number"),
        ({"quantity": 1, "model": "package", "unit_amount": 1, "package_size": 0}, "above zero"),
        ({"quantity": 1, "model": "volume", "tiers": []}, "at least one tier"),
        ({"quantity": 1, "model": "volume", "tiers": [Tier(5, 1)]}, "open-ended"),
        (
            {"quantity": 1, "model": "volume", "tiers": [Tier(None, 1), Tier(None, 1)]},
            "only the last",
        ),
        (
            {"quantity": 1, "model": "graduated", "tiers": [Tier(5, 1), Tier(5, 1), Tier(None, 1)]},
            "above the previous",
        ),
        ({"quantity": 1, "model": "volume", "tiers": [Tier(None, -1)]}, "negative"),
    ],
)
def test_bad_prices_and_quantities_are_refused_with_their_reason(kwargs, reason):
    with pytest.raises(ValueError, match=reason):
        rate(**kwargs)


# Lago docs, "Aggregations": events ``pageviews`` of 10 (Jan 16) and 20
# (Jan 17), from one user.
LAGO_EVENTS = [
    UsageRecord(datetime(2023, 1, 16), D(10), {"user": "u_1"}),
    UsageRecord(datetime(2023, 1, 17), D(20), {"user": "u_1"}),
]


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("count", 2), ("sum", 30), ("max", 20), ("unique_count", 1), ("last", 20)],
)
def test_lago_docs_aggregation_examples(aggregation, expected):
    assert aggregate(aggregation, LAGO_EVENTS, unique_key="user") == D(expected)


def test_lago_docs_last_is_the_latest_value_not_the_largest():
    events = [
        UsageRecord(datetime(2023, 1, 16), D(20), {}),
        UsageRecord(datetime(2023, 1, 17), D(10), {}),
    ]
    assert aggregate("last", events) == D(10)
    # The order given does not matter, the timestamp does.
    assert aggregate("last", list(reversed(events))) == D(10)


def test_unique_count_ignores_records_without_the_property():
    events = [
        *LAGO_EVENTS,
        UsageRecord(datetime(2023, 1, 18), D(1), {"user": "u_2"}),
        UsageRecord(datetime(2023, 1, 18), D(1), {}),
        UsageRecord(datetime(2023, 1, 18), D(1), None),
    ]
    assert aggregate("unique_count", events, unique_key="user") == D(2)


def test_unique_count_tells_json_kinds_apart_as_postgresql_does():
    """The number 1, the string "1" and true are three users; 1 and 1.0 one;
    objects by content, whatever the order of their keys."""
    day = datetime(2023, 1, 18)
    events = [
        UsageRecord(day, D(1), {"user": value})
        for value in (1, 1.0, "1", True, {"a": 1, "b": 2}, {"b": 2, "a": 1}, [1], None)
    ]
    assert aggregate("unique_count", events, unique_key="user") == D(5)


def test_no_record_aggregates_to_zero_and_bad_aggregations_are_refused():
    for aggregation in ("sum", "count", "max", "last"):
        assert aggregate(aggregation, []) == D(0)
    with pytest.raises(ValueError, match="unknown aggregation"):
        aggregate("avg", LAGO_EVENTS)
    with pytest.raises(ValueError, match="property to count"):
        aggregate("unique_count", LAGO_EVENTS)
