# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The payout arithmetic of saas_stripe (``lib/payouts.py``), without a database."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from odoo.addons.saas_stripe.lib.payouts import (
    FEE_TYPES,
    PAYMENT_TYPES,
    balancing_amount,
    is_own_transaction,
    line_fee,
    lookback_start,
    major,
    net_gap,
    object_id,
    payment_candidates,
    payout_totals,
    stripe_date,
    to_decimal,
    transaction_amounts,
)


def txn(txn_id, txn_type, amount, fee, source=None, currency="usd"):
    return {
        "id": txn_id,
        "type": txn_type,
        "amount": amount,
        "fee": fee,
        "net": amount - fee,
        "currency": currency,
        "source": source,
    }


def test_object_id_of_an_id_or_an_expanded_object():
    assert object_id("ch_1") == "ch_1"
    assert object_id({"id": "ch_1", "object": "charge"}) == "ch_1"
    assert object_id(None) is None
    assert object_id({"object": "charge"}) is None


def test_stripe_date_is_the_utc_day():
    assert stripe_date(1767830400) == date(2026, 1, 8)
    # 23:59:59 UTC is still that day, whatever the server's time zone.
    assert stripe_date(1767830400 + 86399) == date(2026, 1, 8)
    assert stripe_date("1767830400") == date(2026, 1, 8)
    assert stripe_date(None) is False
    assert stripe_date(0) is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "0"), (0, "0"), (23.53, "23.53"), (0.1, "0.1"), ("1.005", "1.005"), (7, "7")],
)
def test_to_decimal_is_exact_on_the_shown_value(value, expected):
    assert to_decimal(value) == Decimal(expected)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (2353, "usd", "23.53"),
        (-500, "usd", "-5.00"),
        (None, "usd", "0.00"),
        (500, "jpy", "500"),
        (1234, "kwd", "1.234"),
        (941, "EUR", "9.41"),
    ],
)
def test_major_units(amount, currency, expected):
    value = major(amount, currency)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)


def test_transaction_amounts_in_the_transaction_currency():
    assert transaction_amounts(txn("txn_a", "charge", 2000, 88)) == {
        "amount": Decimal("20.00"),
        "fee": Decimal("0.88"),
        "net": Decimal("19.12"),
    }
    assert transaction_amounts(txn("txn_j", "charge", 5000, 180, currency="jpy")) == {
        "amount": Decimal(5000),
        "fee": Decimal(180),
        "net": Decimal(4820),
    }
    # Missing fields (and currency) are zero, in two decimals.
    assert transaction_amounts({"id": "txn_x"}) == dict.fromkeys(
        ("amount", "fee", "net"), Decimal("0.00")
    )


def test_own_transaction_of_the_payout():
    own = txn("txn_po", "payout", -2353, 0, "po_1")
    assert is_own_transaction(own, "po_1", "txn_po")
    # Named by the payout even without the payout's balance_transaction field.
    assert is_own_transaction(own, "po_1", None)
    # A payout transaction with no source is the payout's own too.
    assert is_own_transaction(txn("txn_x", "payout", -1, 0, None), "po_1", None)
    # The transaction of another payout (a failed one returning) is a line.
    assert not is_own_transaction(txn("txn_y", "payout", 100, 0, "po_old"), "po_1", "txn_po")
    assert not is_own_transaction(txn("txn_a", "charge", 2000, 88, "ch_a"), "po_1", "txn_po")


def test_fee_of_a_line():
    # A charge costs the fee Stripe took on it.
    assert line_fee("charge", 0.88, 19.12) == Decimal("0.88")
    # Stripe's own fee transactions cost their whole (negative) net.
    for fee_type in FEE_TYPES:
        assert line_fee(fee_type, 0, -2.0) == Decimal("2.0")
    assert line_fee("refund", None, -5.0) == Decimal(0)


def test_payout_totals_are_exact():
    lines = [
        ("charge", 0.88, 19.12),
        ("charge", 0.59, 9.41),
        ("refund", 0.0, -5.0),
        ("stripe_fee", 0.0, -2.0),
    ]
    net, fees = payout_totals(lines)
    assert (net, fees) == (Decimal("21.53"), Decimal("3.47"))
    # Floats that do not add up exactly as floats still do here.
    net, _fees = payout_totals([("charge", 0, 0.1)] * 3)
    assert net == Decimal("0.3")
    assert payout_totals([]) == (Decimal(0), Decimal(0))


def test_net_gap_is_the_payout_minus_its_lines():
    assert net_gap(23.0, 23.53) == Decimal("-0.53")
    assert net_gap(10.0, 0.0) == Decimal("10.0")
    assert net_gap(23.53, 23.53) == 0
    assert net_gap(0.3, sum([0.1, 0.1, 0.1])) != 0  # the float sum is not 0.3...
    assert net_gap(0.3, payout_totals([("charge", 0, 0.1)] * 3)[0]) == 0  # ...the Decimal one is


def test_balancing_amount():
    assert balancing_amount([-20.0, -10.0, 5.0, 1.47]) == Decimal("23.53")
    assert balancing_amount([0.1, 0.2]) == Decimal("-0.3")
    assert balancing_amount([]) == 0


def test_payment_candidates_payment_intent_first():
    charge = {"id": "ch_a", "object": "charge", "payment_intent": "pi_a"}
    assert payment_candidates(charge, "inbound") == ["pi_a", "ch_a"]
    expanded = {"id": "py_x", "payment_intent": {"id": "pi_b", "object": "payment_intent"}}
    assert payment_candidates(expanded, "inbound") == ["pi_b", "py_x"]
    # A refund is bound to its own id, not to its payment intent.
    refund = {"id": "re_a", "object": "refund", "payment_intent": "pi_a"}
    assert payment_candidates(refund, "outbound") == ["re_a"]
    # A source left unexpanded is an id.
    assert payment_candidates("ch_b", "inbound") == ["ch_b"]
    assert payment_candidates({"id": "ch_c", "payment_intent": None}, "inbound") == ["ch_c"]
    assert payment_candidates(None, "inbound") == []


def test_payment_types_and_directions():
    assert {PAYMENT_TYPES[t] for t in ("charge", "payment")} == {"inbound"}
    assert {PAYMENT_TYPES[t] for t in ("refund", "payment_refund")} == {"outbound"}
    assert not set(FEE_TYPES) & set(PAYMENT_TYPES)


def test_lookback_start():
    now = datetime(2026, 2, 1, 6, 0)
    assert lookback_start(None, now) == datetime(2026, 1, 18, 6, 0)
    assert lookback_start(datetime(2026, 1, 31, 6, 0), now) == datetime(2026, 1, 17, 6, 0)
    assert lookback_start(None, now, days=1) == datetime(2026, 1, 31, 6, 0)
