# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A multi-year deal's total spread per contract year, and its annual value."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.addons.saas_salesforce.lib.bookings import (
    annual_value,
    contract_years,
    parse_term_months,
    yearly_bookings,
)

D = Decimal


def test_worked_example_three_years():
    # A 3-year Opportunity of 36,000 with a contract term of 36 months.
    assert contract_years(36) == [12, 12, 12]
    assert yearly_bookings("36000.00", 36, 2) == [D("12000.00")] * 3
    assert annual_value("36000.00", 36, 2) == D("12000.00")


def test_a_partial_last_year_books_its_months():
    # 30 months of 30,000: two years of 12,000 and six months of 6,000.
    assert contract_years(30) == [12, 12, 6]
    assert yearly_bookings("30000.00", 30, 2) == [D("12000.00"), D("12000.00"), D("6000.00")]
    assert annual_value("30000.00", 30, 2) == D("12000.00")


def test_rounding_goes_to_the_last_year():
    assert yearly_bookings("1000.00", 36, 2) == [D("333.33"), D("333.33"), D("333.34")]
    assert yearly_bookings("1000", 36, 0) == [D("333"), D("333"), D("334")]
    assert annual_value("1000.00", 36, 2) == D("333.33")
    assert yearly_bookings("20000.00", 36, 2) == [D("6666.67"), D("6666.67"), D("6666.66")]
    # a year never takes more than what is left: no negative year
    assert yearly_bookings("0.02", 37, 2) == [D("0.01"), D("0.01"), D("0.00"), D("0.00")]


def test_a_year_or_less_is_booked_whole():
    assert yearly_bookings("6000.00", 6, 2) == [D("6000.00")]
    assert annual_value("6000.00", 6, 2) == D("6000.00")
    assert yearly_bookings("12000.00", 12, 2) == [D("12000.00")]


@pytest.mark.parametrize(
    ("value", "months"), [(None, None), ("", None), ("36", 36), ("36.0", 36), (24, 24)]
)
def test_term_parsed(value, months):
    assert parse_term_months(value) == months


@pytest.mark.parametrize("value", ["0", "-12", "2.5", "abc", "1201", 36.0, True, "NaN"])
def test_bad_terms_refused(value):
    with pytest.raises(ValueError, match="contract term"):
        parse_term_months(value)


def test_a_negative_total_is_split_alike():
    assert yearly_bookings("-0.02", 37, 2) == [D("-0.01"), D("-0.01"), D("0.00"), D("0.00")]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.integers(min_value=1, max_value=1200),
)
def test_the_years_sum_to_the_total(total, term):
    years = yearly_bookings(total, term, 2)
    assert sum(years) == total
    assert len(years) == -(-term // 12)
    assert all(year >= 0 for year in years)
    if term >= 12 and total >= D(term):  # a full first year is the annual value
        assert years[0] == annual_value(total, term, 2)
