# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.addons.saas_subscription.lib.matching import normalize_email, normalize_vat
from odoo.addons.saas_subscription.lib.mrr import (
    ZERO,
    fold_mrr_facts,
    item_discounts,
    month_end,
    monthly_amount,
    movement_type,
    split_amount,
    split_by_weights,
    subscription_mrr,
    type_customer_movements,
)

D = Decimal


def test_worked_examples():
    # ChartMogul: an annual plan at 120.00 is 10.00 MRR; a 3-month plan at 90.00 is 30.00.
    assert monthly_amount("120.00", 1, "year", digits=2) == D("10.00")
    assert monthly_amount("90.00", 1, "month", interval_count=3, digits=2) == D("30.00")
    # Baremetrics: 10.00 monthly with a 50% lifetime coupon is 5.00.
    assert monthly_amount("10.00", 1, "month", discount_percent=50, digits=2) == D("5.00")
    # OCA contract's month normalization: 100.00 per week is 434.82, 1,200.00 per year 100.00.
    assert monthly_amount("100.00", 1, "week", digits=2) == D("434.82")
    assert monthly_amount("1200.00", 1, "year", digits=2) == D("100.00")
    assert monthly_amount("1.00", 1, "day", digits=2) == D("30.44")
    assert monthly_amount("10.00", 1, "month", discount_percent=100, digits=2) == D("0.00")
    assert monthly_amount("0.10", 1000, "month", metered=True, digits=2) == D("0.00")
    assert monthly_amount("1000", 1, "year", digits=0) == D("83")  # JPY has no decimals
    assert monthly_amount("10", 1, "year", digits=3) == D("0.833")  # BHD has three


def test_digits_are_the_currency_own_never_a_default():
    # A default of 2 decimals made every JPY and BHD MRR differ from Odoo's.
    with pytest.raises(TypeError):
        monthly_amount("1000", 1, "year")
    with pytest.raises(TypeError):
        split_amount("10", [100])


@pytest.mark.parametrize(
    "bad", [dict(interval="fortnight"), dict(interval_count=0), dict(discount_percent=101)]
)
def test_invalid_lines(bad):
    kwargs = dict(unit_price="1", quantity=1, interval="month", digits=2) | bad
    with pytest.raises(ValueError):
        monthly_amount(**kwargs)


def test_movement_types():
    assert movement_type(0, 10, False) == "new"
    assert movement_type(0, 10, True) == "reactivation"
    assert movement_type(10, 15, True) == "expansion"
    assert movement_type(15, 5, True) == "contraction"
    assert movement_type(5, 0, True) == "churn"
    assert movement_type(5, 5, True) is None


def test_split_amount_rounding_goes_last():
    assert split_amount("99.99", [70, 30], 2) == [D("69.99"), D("30.00")]
    assert split_amount("10.00", [D("33.33"), D("33.33"), D("33.34")], 2) == [
        D("3.33"),
        D("3.33"),
        D("3.34"),
    ]
    with pytest.raises(ValueError):
        split_amount("10", [50, 40], 2)


def test_normalized_keys():
    assert normalize_email(" Jane <Jane.Doe@Example.COM> ") == "jane.doe@example.com"
    assert normalize_vat("BE 0477.472-701") == "BE0477472701"
    assert normalize_vat(None) is False


amounts = st.decimals(min_value=0, max_value=10_000, places=2)
# One fact a day about one of three subscriptions of a customer: the MRR of its
# lines when the event states them, whether it earns from then on when stated.
FACTS = st.lists(
    st.tuples(
        st.sampled_from("xyz"),
        st.one_of(st.none(), amounts),
        st.one_of(st.none(), st.booleans()),
    ),
    max_size=30,
)


def oracle_movements(facts):
    """The movements a customer's facts make, computed from the rules as
    DESIGN.md states them and nothing of ``lib.mrr``: exact fractions, the
    state of every subscription replayed day by day."""
    stated_rate, earning, worth = {}, {}, {}
    ever_paid = False
    movements = []
    for day, (subscription, rate, earns) in enumerate(facts):
        if rate is not None:
            stated_rate[subscription] = Fraction(rate)
        if earns is not None:
            earning[subscription] = earns
        now = stated_rate.get(subscription, Fraction(0)) if earning.get(subscription) else 0
        then = worth.get(subscription, Fraction(0))
        if now == then:
            continue
        paying_before = sum(1 for value in worth.values() if value > 0) > 0
        worth[subscription] = now
        paying_after = sum(1 for value in worth.values() if value > 0) > 0
        if paying_after and not paying_before:
            kind = "reactivation" if ever_paid else "new"
        elif paying_before and not paying_after:
            kind = "churn"
        elif now > then:
            kind = "expansion"
        else:
            kind = "contraction"
        ever_paid = ever_paid or paying_after
        movements.append((day, subscription, kind, now - then))
    return movements


def ledger_movements(facts):
    """The movements the real ledger makes of the same facts: each
    subscription's facts folded (``fold_mrr_facts``, as
    ``saas.subscription._rebuild_mrr_movements`` does), its changes merged in
    date order and typed for the customer (``type_customer_movements``, as
    ``_rederive_customer_movements`` does)."""
    by_subscription = {}
    for day, (subscription, rate, earns) in enumerate(facts):
        by_subscription.setdefault(subscription, []).append((day, rate, earns))
    changes = []
    for subscription, rows in by_subscription.items():
        history = fold_mrr_facts((rate, earns) for _day, rate, earns in rows)
        for (day, _rate, _earns), (before, after) in zip(rows, history, strict=True):
            if after != before:
                changes.append((day, subscription, after - before))
    changes.sort()
    typed = type_customer_movements((sub, delta, delta, False) for _day, sub, delta in changes)
    return [
        (day, subscription, row[0], Fraction(delta), row)
        for (day, subscription, delta), row in zip(changes, typed, strict=True)
    ]


def test_the_oracle_follows_a_worked_lifecycle():
    facts = [
        ("x", D("10.00"), True),  # new
        ("y", D("5.00"), True),  # expansion
        ("x", D("4.00"), None),  # contraction
        ("x", None, False),  # contraction (y still pays)
        ("y", None, False),  # churn
        ("x", None, True),  # reactivation at the last stated rate
    ]
    kinds = ["new", "expansion", "contraction", "contraction", "churn", "reactivation"]
    assert [m[2] for m in oracle_movements(facts)] == kinds
    assert [m[3] for m in oracle_movements(facts)][-1] == 4
    assert [m[:4] for m in ledger_movements(facts)] == oracle_movements(facts)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(FACTS)
def test_the_real_ledger_gives_the_oracle_movements(facts):
    real = ledger_movements(facts)
    assert [m[:4] for m in real] == oracle_movements(facts)
    # The customer's running total is the sum of the movements before each.
    total = ZERO
    for _day, _sub, _kind, delta, row in real:
        assert (row[3], row[4]) == (total, total + Decimal(delta.numerator) / delta.denominator)
        total = row[4]
        assert row[4] >= 0


@given(
    st.decimals(min_value=0, max_value=100_000, places=2),
    st.integers(min_value=1, max_value=12),
    st.sampled_from(["day", "week", "month", "year"]),
)
def test_mrr_is_never_negative_and_scales(price, count, interval):
    single = monthly_amount(price, 1, interval, count, digits=2)
    assert single >= 0
    assert abs(monthly_amount(price, 2, interval, count, digits=2) - 2 * single) <= D("0.01")


def test_fold_mrr_facts_inherits_what_an_event_did_not_state():
    # activated 50, paused, resumed (lines unchanged), upgraded while active, ended
    facts = [(D(50), True), (None, False), (None, True), (D(80), None), (None, False)]
    assert fold_mrr_facts(facts) == [
        (D(0), D(50)),
        (D(50), D(0)),
        (D(0), D(50)),
        (D(50), D(80)),
        (D(80), D(0)),
    ]


def test_customer_types_follow_the_date_order_not_the_amounts_in_company_currency():
    typed = type_customer_movements(
        [
            ("a", D(50), D("100.00"), False),
            ("a", D(0), D("5.00"), True),  # fx: the rate moved
            ("a", D(-50), D("-104.99"), False),  # a residue of 0.01 is left: still churn
            ("b", D(60), D("120.00"), False),
            ("c", D(20), D("40.00"), False),
        ]
    )
    assert [row[0] for row in typed] == ["new", "fx", "churn", "reactivation", "expansion"]
    assert typed[2][3:] == (D("105.00"), D("0.01"))
    assert typed[4][1:3] == (D(0), D(20))


def test_month_end():
    assert month_end(date(2028, 2, 3)) == date(2028, 2, 29)
    assert month_end(date(2026, 12, 31)) == date(2026, 12, 31)


# Amount-off coupons. Stripe's coupon object: ``amount_off`` is "a positive
# integer representing the amount to subtract from an invoice total"; Stripe's
# billing analytics count MRR net of discounts (a 100.00 monthly plan with a
# forever 20.00 amount-off coupon is 80.00 of MRR).
def test_an_amount_off_reduces_the_mrr_per_billing_period():
    assert monthly_amount("100.00", 1, "month", discount_amount="20.00", digits=2) == D("80.00")
    # Per billing period: 20.00 off a yearly 1,200.00 is 1,180.00 / 12.
    assert monthly_amount("1200.00", 1, "year", discount_amount="20.00", digits=2) == D("98.33")
    # After the percentage: (100 x 0.5) - 20 = 30.
    assert monthly_amount(
        "100.00", 1, "month", discount_percent=50, discount_amount="20.00", digits=2
    ) == D("30.00")
    # Never below zero, as at the source (nothing left to pay).
    assert monthly_amount("10.00", 1, "month", discount_amount="25.00", digits=2) == D("0.00")
    with pytest.raises(ValueError):
        monthly_amount("10.00", 1, "month", discount_amount="-1", digits=2)


def test_a_subscription_amount_off_is_split_over_its_items_by_amount():
    items = [
        {"unit_amount": "30.00", "quantity": "1"},
        {"unit_amount": "10.00", "quantity": "1", "discount_percent": "0"},
        {"unit_amount": "5.00", "quantity": "2", "discount_amount": "1.00"},
    ]
    result = item_discounts(items, "50", "10.00", 2)
    # Each item's percentage stacks on the coupon's 50%.
    assert [percent for percent, _off in result] == [D(50), D(50), D(50)]
    # 10.00 split 15 : 5 : 5 (after 50%): 6.00, 2.00, 2.00; the third keeps its own 1.00.
    assert [off for _percent, off in result] == [D("6.00"), D("2.00"), D("3.00")]
    assert sum(off for _p, off in result) == D("11.00")


@given(
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from([0, 2, 3]),
)
def test_split_by_weights_sums_exactly(weights, total_minor, digits):
    total = D(total_minor).scaleb(-digits)
    parts = split_by_weights(total, weights, digits)
    assert sum(parts) == total
    assert len(parts) == len(weights)
    if sum(weights):
        pairs = zip(parts[:-1], weights[:-1], strict=True)
        assert all(part == 0 for part, weight in pairs if weight == 0)


def test_subscription_mrr_sums_items_with_their_share_of_the_discounts():
    items = [
        {"unit_amount": "120.00", "quantity": 1, "interval": "year", "interval_count": 1},
        {"unit_amount": "30.00", "quantity": 2, "interval": "month", "interval_count": 3},
        {
            "unit_amount": "0.10",
            "quantity": 1000,
            "interval": "month",
            "interval_count": 1,
            "metered": True,
        },
    ]
    # 10.00 + 20.00 + metered 0 before discounts.
    assert subscription_mrr({"items": items}, 2) == D("30.00")
    # 50% on every item: 5.00 + 10.00.
    assert subscription_mrr({"items": items, "discount_percent": "50"}, 2) == D("15.00")
    # An amount off per billing period is split over the items by their amounts.
    data = {"items": items[:1], "discount_amount": "12.00"}
    assert subscription_mrr(data, 2) == D("9.00")


def test_split_by_weights_never_gives_a_negative_share():
    # Issue 20: rounding each share half up and putting the rest last gave
    # 0.01, 0.01, 0.01, -0.01; largest remainders give 0.00, 0.01, 0.01, 0.00.
    parts = split_by_weights(D("0.02"), [12, 12, 12, 1], 2)
    assert parts == [D("0.00"), D("0.01"), D("0.01"), D("0.00")]
    assert split_by_weights(D("10.00"), [1, 1, 1], 2) == [D("3.33"), D("3.33"), D("3.34")]
    assert split_by_weights(D("-0.02"), [12, 12, 12, 1], 2) == [-part for part in parts]


@settings(max_examples=300)
@given(
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=8),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([0, 2, 3]),
)
def test_split_by_weights_is_a_largest_remainder_allocation(weights, total_minor, digits):
    total = D(total_minor).scaleb(-digits)
    unit = D(1).scaleb(-digits)
    parts = split_by_weights(total, weights, digits)
    assert sum(parts) == total
    assert all(min(total, 0) <= part <= max(total, 0) for part in parts)
    if sum(weights):
        for part, weight in zip(parts, weights, strict=True):
            quota = Fraction(total) * weight / sum(weights)
            assert abs(Fraction(part) - quota) < Fraction(unit)
