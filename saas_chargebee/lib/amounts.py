# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chargebee amounts are integers in the currency's minor unit ("amount in
cents"); zero-decimal currencies have none (JPY 500 is 500 yen) and the
three-decimal ones three (Chargebee API reference, "Currencies": amounts are
in the smallest currency unit, as ISO 4217 defines its exponent)."""

from datetime import datetime, timedelta, timezone

from odoo.addons.saas_sync.lib import minor_units

UTC = timezone.utc  # datetime.UTC is Python 3.11+; the suite runs on 3.10

ZERO_DECIMAL = frozenset("bif clp djf gnf isk jpy kmf krw pyg rwf ugx vnd vuv xaf xof xpf".split())
THREE_DECIMAL = frozenset("bhd iqd jod kwd lyd omr tnd".split())


def exponent(currency):
    return minor_units.exponent(currency, ZERO_DECIMAL, THREE_DECIMAL)


def to_major(amount, currency):
    """Minor units (an int, or a decimal string for sub-cent prices) -> the
    canonical decimal string ("12.50")."""
    return minor_units.to_major(amount, exponent(currency))


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
