# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rating: the amount a quantity of usage costs under a price model (no ORM).

Price models, as Stripe and Chargebee name them:

``per_unit``
    quantity x unit amount;
``package``
    the quantity in packages of ``package_size`` (a started package counts,
    or with ``rounding="down"`` only full packages), each at the unit amount
    (Stripe ``transform_quantity``, Chargebee ``package``);
``volume``
    the tier that holds the whole quantity prices every unit, plus its flat
    amount (Stripe ``tiers_mode=volume``, Chargebee ``volume``);
``graduated``
    each tier prices the units that fall in it, plus its flat amount for every
    tier the quantity reaches (Stripe ``tiers_mode=graduated``, Chargebee
    ``tiered``, Lago "graduated");
``stairstep``
    the flat amount of the tier that holds the quantity, whatever the quantity
    in it (Chargebee ``stairstep``).

Tiers are ``Tier(up_to, unit_amount, flat_amount)`` in ascending ``up_to``
order, the last one open-ended (``up_to=None``, Stripe's ``"inf"``); a tier
holds the quantities above the previous tier's ``up_to`` up to its own,
inclusive. A quantity of zero falls in the first tier: a first flat amount is
billed even for no usage, as Stripe does.

Amounts are exact ``Decimal`` (Stripe's ``unit_amount_decimal`` has up to
twelve decimals); ``round_money`` rounds a rated amount to the currency once,
at the end.
"""

import math
from collections import namedtuple
from decimal import ROUND_HALF_UP, Decimal

MODELS = ("per_unit", "package", "volume", "graduated", "stairstep")
TIERED = ("volume", "graduated", "stairstep")
ZERO = Decimal(0)

Tier = namedtuple("Tier", ["up_to", "unit_amount", "flat_amount"], defaults=(ZERO, ZERO))


def to_decimal(value, what="amount"):
    """``value`` as a ``Decimal``; a clear ``ValueError`` for anything else
    (floats are read through their shortest text, never their binary value)."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except ArithmeticError:
            raise ValueError(f"{what} must be a number, not {value!r}") from None
    else:
        raise ValueError(f"{what} must be a number, not {value!r}")
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return result


def round_money(amount, digits=2):
    """``amount`` rounded half up to ``digits`` decimals (the currency's)."""
    return to_decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def check_tiers(tiers):
    """The tiers as ``Tier`` of Decimals, checked: at least one, ``up_to``
    strictly ascending, only the last one open-ended, no negative amount."""
    if not tiers:
        raise ValueError("a tiered price needs at least one tier")
    checked, previous = [], ZERO
    for index, tier in enumerate(tiers):
        tier = Tier(*tier)
        last = index == len(tiers) - 1
        if tier.up_to is None:
            if not last:
                raise ValueError(f"tier {index + 1}: only the last tier may be open-ended")
            up_to = None
        else:
            up_to = to_decimal(tier.up_to, f"tier {index + 1} up_to")
            if up_to <= previous and not (index == 0 and up_to == previous):
                raise ValueError(f"tier {index + 1}: up_to must be above the previous tier's")
            previous = up_to
        if last and up_to is not None:
            raise ValueError("the last tier must be open-ended (up_to None)")
        unit = to_decimal(tier.unit_amount, f"tier {index + 1} unit amount")
        flat = to_decimal(tier.flat_amount, f"tier {index + 1} flat amount")
        if unit < 0 or flat < 0:
            raise ValueError(f"tier {index + 1}: amounts cannot be negative")
        checked.append(Tier(up_to, unit, flat))
    return checked


def _tier_of(tiers, quantity):
    for tier in tiers:
        if tier.up_to is None or quantity <= tier.up_to:
            return tier
    raise AssertionError("the last tier is open-ended")  # pragma: no cover


def _volume(tiers, quantity):
    tier = _tier_of(tiers, quantity)
    return quantity * tier.unit_amount + tier.flat_amount


def _graduated(tiers, quantity):
    amount, floor = ZERO, ZERO
    for index, tier in enumerate(tiers):
        if quantity <= floor and index:
            break
        ceiling = quantity if tier.up_to is None else min(quantity, tier.up_to)
        amount += (ceiling - floor) * tier.unit_amount + tier.flat_amount
        if tier.up_to is None:
            break
        floor = tier.up_to
    return amount


def _stairstep(tiers, quantity):
    return _tier_of(tiers, quantity).flat_amount


def _packages(quantity, package_size, rounding):
    size = to_decimal(package_size, "package size")
    if size <= 0:
        raise ValueError("a package size must be above zero")
    if rounding not in ("up", "down"):
        raise ValueError(f"package rounding is 'up' or 'down', not {rounding!r}")
    packages = quantity / size
    return Decimal(math.ceil(packages) if rounding == "up" else math.floor(packages))


def rate(quantity, model, unit_amount=None, tiers=None, package_size=None, rounding="up"):
    """The exact amount ``quantity`` costs under the price ``model`` (one of
    ``MODELS``), unrounded; ``ValueError`` with the reason for a bad price or
    a negative quantity."""
    quantity = to_decimal(quantity, "quantity")
    if quantity < 0:
        raise ValueError("a usage quantity cannot be negative")
    if model not in MODELS:
        raise ValueError(f"unknown price model {model!r}: one of {', '.join(MODELS)}")
    if model in TIERED:
        tiers = check_tiers(tiers)
        return {"volume": _volume, "graduated": _graduated, "stairstep": _stairstep}[model](
            tiers, quantity
        )
    if unit_amount is None:
        raise ValueError(f"a {model} price needs a unit amount")
    unit = to_decimal(unit_amount, "unit amount")
    if unit < 0:
        raise ValueError("a unit amount cannot be negative")
    if model == "package":
        return _packages(quantity, package_size, rounding) * unit
    return quantity * unit
