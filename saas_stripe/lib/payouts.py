# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payout arithmetic, without the ORM.

A Stripe payout settles balance transactions (amounts in the currency's minor
unit, ``net = amount - fee``). This module turns them into decimal amounts,
adds up a payout's lines (their net, Stripe's fees), measures the gap between
the lines and the payout, and names the ids an Odoo payment may be bound to.
Every amount is a ``Decimal``; callers convert at the ORM boundary.
"""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from .amounts import to_major

UTC = timezone.utc  # datetime.UTC is Python 3.11+; the suite runs on 3.10

# Balance transaction types settled against an Odoo payment, and its direction.
PAYMENT_TYPES = {
    "charge": "inbound",
    "payment": "inbound",
    "refund": "outbound",
    "payment_refund": "outbound",
}
# Types that are Stripe's own charges to the account: they go to the fee account.
FEE_TYPES = ("stripe_fee", "stripe_fx_fee")
# Each pull reads the payouts created since this many days before the previous one.
LOOKBACK_DAYS = 14


def object_id(value):
    """An expandable Stripe field: an id or the expanded object -> the id."""
    if isinstance(value, dict):
        return value.get("id")
    return value


def stripe_date(seconds):
    """A Stripe timestamp (seconds, UTC) -> a date; False when there is none."""
    if not seconds:
        return False
    return datetime.fromtimestamp(int(seconds), tz=UTC).date()


def to_decimal(value):
    """A stored amount (float, int, Decimal, string or None) -> its exact Decimal."""
    return Decimal(str(value or 0))


def major(amount, currency):
    """Minor units as Stripe sends them (None is 0) -> Decimal in the currency's unit."""
    return Decimal(to_major(amount or 0, currency))


def transaction_amounts(txn):
    """The gross amount, fee and net of a balance transaction, as Decimals."""
    code = txn.get("currency") or ""
    return {key: major(txn.get(key), code) for key in ("amount", "fee", "net")}


def is_own_transaction(txn, payout_id, own_transaction):
    """True for the payout's own balance transaction (it is the payout, not a line)."""
    return txn["id"] == own_transaction or (
        txn.get("type") == "payout" and object_id(txn.get("source")) in (payout_id, None)
    )


def line_fee(line_type, fee, net):
    """What a line costs in Stripe fees: a fee transaction's whole net (negative),
    else the fee Stripe took on the transaction."""
    if line_type in FEE_TYPES:
        return -to_decimal(net)
    return to_decimal(fee)


def payout_totals(lines):
    """``lines``: (type, fee, net) per line -> (net of the lines, fees)."""
    net = fees = Decimal(0)
    for line_type, fee, line_net in lines:
        net += to_decimal(line_net)
        fees += line_fee(line_type, fee, line_net)
    return net, fees


def net_gap(payout_amount, lines_net):
    """How much the payout differs from the net of its lines (payout minus lines)."""
    return to_decimal(payout_amount) - to_decimal(lines_net)


def balancing_amount(amounts):
    """The amount that balances ``amounts``: minus their exact sum."""
    return -sum((to_decimal(amount) for amount in amounts), Decimal(0))


def payment_candidates(source, direction):
    """External ids an Odoo payment may be bound to for a transaction source:
    a charge's payment intent first (as the adapter binds it), then the id."""
    candidates = []
    if isinstance(source, dict) and direction == "inbound":
        candidates.append(object_id(source.get("payment_intent")))
    candidates.append(object_id(source))
    return [candidate for candidate in candidates if candidate]


def lookback_start(last_pull, now, days=LOOKBACK_DAYS):
    """From when to list payouts: ``days`` before the previous pull (else before now)."""
    return (last_pull or now) - timedelta(days=days)
