# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A deal's total contract value spread over its contract years (pure Python).

A contract of ``term_months`` is cut into years of 12 months from its start,
the last one shorter when the term is not a whole number of years (30 months:
12, 12, 6). Each year books its share of the total in proportion to its
months, rounded to the currency's digits, the rounding on the last year, so
the years always sum to the total and none has the other sign. The annual value is the total per 12
months of the term; a contract of a year or less books its whole total in
its one year.
"""

from decimal import Decimal, InvalidOperation

from odoo.addons.saas_subscription.lib.mrr import ZERO, quantize, to_decimal

MONTHS_PER_YEAR = 12
# A contract of more than 100 years is a typing error, not a deal.
MAX_TERM_MONTHS = 1200


def parse_term_months(value):
    """The contract term in whole months, or None when not sent. Raises
    ValueError for anything but a whole number of months from 1 to 1200
    (``36``, ``"36"``, ``"36.0"`` as Salesforce sends a number field)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | float):
        raise ValueError(f"contract term {value!r} is not a whole number of months")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"contract term {value!r} is not a number of months") from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"contract term {value!r} is not a whole number of months")
    months = int(number)
    if not 1 <= months <= MAX_TERM_MONTHS:
        raise ValueError(f"contract term {value!r} is not between 1 and {MAX_TERM_MONTHS} months")
    return months


def contract_years(term_months):
    """The months of each contract year: 36 -> [12, 12, 12]; 30 -> [12, 12, 6]."""
    if term_months < 1:
        raise ValueError("a contract lasts at least one month")
    whole, rest = divmod(term_months, MONTHS_PER_YEAR)
    return [MONTHS_PER_YEAR] * whole + ([rest] if rest else [])


def yearly_bookings(total, term_months, digits):
    """The booking of each contract year: ``total`` split by the years'
    months, each rounded half-up to ``digits`` (a full year is the annual
    value), the rounding on the last year. No year takes more than what is
    left, so none is negative (0.02 over 37 months: 0.01, 0.01, 0.00, 0.00)."""
    total = quantize(total, digits)
    if total < ZERO:  # a credit deal: the same split, negated
        return [-part for part in yearly_bookings(-total, term_months, digits)]
    years = contract_years(term_months)
    left, parts = total, []
    for months in years[:-1]:
        part = min(quantize(total * months / term_months, digits), left)
        parts.append(part)
        left -= part
    return [*parts, left]


def annual_value(total, term_months, digits):
    """The total per 12 months of the term (36,000 over 36 months: 12,000);
    the whole total for a term of a year or less."""
    total = to_decimal(total)
    if term_months <= MONTHS_PER_YEAR:
        return quantize(total, digits)
    return quantize(total * MONTHS_PER_YEAR / term_months, digits)
