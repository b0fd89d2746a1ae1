# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Amounts in a currency's minor unit, as billing platforms send them.

A platform says which currencies have no minor unit (JPY 500 is 500 yen) and
which have three decimals; every other currency has two. Each adapter keeps
its platform's own lists and reads amounts through these two functions.
"""

from decimal import Decimal


def exponent(currency, zero_decimal, three_decimal):
    """Digits of ``currency`` (a code, any case) after the decimal point."""
    code = (currency or "").lower()
    if code in zero_decimal:
        return 0
    if code in three_decimal:
        return 3
    return 2


def to_major(amount, digits):
    """Minor units (an int, or a decimal string for sub-unit prices) -> the
    canonical decimal string ("12.50"); None stays None. Sub-unit prices
    ("1999.5" cents) keep their precision."""
    if amount is None:
        return None
    value = Decimal(str(amount)).scaleb(-digits)
    rounded = value.quantize(Decimal(1).scaleb(-digits))
    return str(rounded if rounded == value else value.normalize())
