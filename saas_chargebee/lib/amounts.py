# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chargebee amounts are integers in the currency's minor unit ("amount in
cents"); zero-decimal currencies have none (JPY 500 is 500 yen) and the
three-decimal ones three (Chargebee API reference, "Currencies": amounts are
in the smallest currency unit, as ISO 4217 defines its exponent)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

ZERO_DECIMAL = frozenset("bif clp djf gnf isk jpy kmf krw pyg rwf ugx vnd vuv xaf xof xpf".split())
THREE_DECIMAL = frozenset("bhd iqd jod kwd lyd omr tnd".split())


def exponent(currency):
    code = (currency or "").lower()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def to_major(amount, currency):
    """Minor units (an int, or a decimal string for sub-cent prices) -> the
    canonical decimal string ("12.50")."""
    if amount is None:
        return None
    digits = exponent(currency)
    value = Decimal(str(amount)).scaleb(-digits)
    rounded = value.quantize(Decimal(1).scaleb(-digits))
    return str(rounded if rounded == value else value.normalize())


def timestamp(seconds):
    """A Chargebee timestamp (seconds since the epoch) as ISO 8601 UTC."""
    moment = datetime.fromtimestamp(int(seconds), tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def day(seconds, exclusive_end=False):
    """A Chargebee timestamp as a date. A term or line period ends at the
    moment the next one starts: as an end date it is the day before."""
    if not seconds:
        return None
    moment = datetime.fromtimestamp(int(seconds), tz=UTC)
    if exclusive_end:
        moment -= timedelta(seconds=1)
    return moment.date().isoformat()
