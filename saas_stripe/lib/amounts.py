# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stripe amounts are integers in the currency's minor unit.

Zero-decimal currencies have no minor unit (JPY 500 is 500 yen); the
three-decimal ones have three (Stripe documentation, "Zero-decimal
currencies" and "Three-decimal currencies").
"""

from odoo.addons.saas_sync.lib import minor_units

ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())
THREE_DECIMAL = frozenset("bhd jod kwd omr tnd".split())


def exponent(currency):
    return minor_units.exponent(currency, ZERO_DECIMAL, THREE_DECIMAL)


def to_major(amount, currency):
    """Minor units (int, or Stripe's ``*_decimal`` string) -> canonical decimal
    string; sub-unit prices (unit_amount_decimal "1999.5") keep their precision."""
    return minor_units.to_major(amount, exponent(currency))
