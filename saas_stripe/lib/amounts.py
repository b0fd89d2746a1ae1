# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stripe amounts are integers in the currency's minor unit.

Zero-decimal currencies have no minor unit (JPY 500 is 500 yen); the
three-decimal ones have three (Stripe documentation, "Zero-decimal
currencies" and "Three-decimal currencies").
"""

from decimal import Decimal

ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())


def exponent(currency):
    code = (currency or "").lower()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_major(amount, currency):
    """Minor units (int, or Stripe's ``*_decimal`` string) -> canonical decimal string."""
    if amount is None:
        return None
    digits = exponent(currency)
    value = Decimal(str(amount)).scaleb(-digits)
    rounded = value.quantize(Decimal(1).scaleb(-digits))
    # Sub-unit prices (unit_amount_decimal "1999.5") keep their precision.
    return str(rounded if rounded == value else value.normalize())
