# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A Chargebee subscription's recurring charge after its coupons, in the
order Chargebee applies them (pure Python, exact Decimal).

Chargebee's API reference (Coupons, "Order of application of coupons"):

1. line-level fixed amounts (``apply_on: each_specified_item``,
   ``discount_type: fixed_amount``),
2. line-level percentages (``each_specified_item``, ``percentage``),
3. invoice-level fixed amounts (``apply_on: invoice_amount``),
4. invoice-level percentages,

each on what the previous steps left ("a plan price of $200 per month, an
addon price of $20 per month, a flat $5 coupon on the invoice, a 1% off
coupon on the addon, a flat $10 coupon on the plan": 220 -> 210 -> 209.80
-> 204.80). A fixed amount is taken once per item, or from each unit when
the coupon applies on each unit (``apply_discount_on: plans_with_quantity``,
"each unit of the specified items" in Chargebee's coupon documentation); a
line never goes below zero. An invoice-level fixed amount is shared over
the lines in proportion to what they still charge (Chargebee shows it on
each line item as its ``discount_amount``).

:func:`item_amounts_off` returns, per item, the amount off of one billing
period: the canonical ``discount_amount`` of the item, so that unit price x
quantity less it is what Chargebee charges. :func:`coupon_applies_to` says
which items an ``each_specified_item`` coupon applies to.
"""

from decimal import ROUND_HALF_UP, Decimal

from odoo.addons.saas_subscription.lib.mrr import split_by_weights

from .amounts import exponent, to_major

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PER_UNIT = "plans_with_quantity"


def is_fixed(coupon):
    return coupon.get("discount_type") == "fixed_amount"


def fixed_off(coupon, quantity, currency):
    """What a fixed-amount coupon takes off one item (per unit or once)."""
    amount = Decimal(to_major(int(coupon.get("discount_amount") or 0), currency))
    if coupon.get("apply_discount_on") == PER_UNIT:
        return amount * quantity
    return amount


def percent_left(coupon):
    return (HUNDRED - Decimal(str(coupon.get("discount_percentage") or 0))) / HUNDRED


def _selects(values, value):
    """Whether a criteria list (``currencies``, ``item_family_ids``,
    ``item_price_periods``) selects ``value``: an empty list selects all."""
    if not values:
        return True
    return value is not None and value.lower() in {str(v).lower() for v in values}


def _period_labels(period, unit):
    """The ways a criteria names a billing period: ``month``, or with its
    count (``1 month``, ``1-month``)."""
    unit = (unit or "month").lower()
    return {unit, f"{period} {unit}", f"{period}-{unit}"}


def _criteria_select(criteria, item, family_of):
    """Whether one ``item_constraint_criteria`` entry selects ``item``; None
    when it names item families and the item's family cannot be read."""
    if not _selects(criteria.get("currencies"), item.get("currency")):
        return False
    periods = criteria.get("item_price_periods")
    labels = _period_labels(item.get("period") or 1, item.get("period_unit"))
    if periods and not labels & {str(p).lower() for p in periods}:
        return False
    if not criteria.get("item_family_ids"):
        return True
    family = family_of(item["item_price_id"]) if family_of else None
    if family is None:
        return None
    return _selects(criteria["item_family_ids"], family)


def coupon_applies_to(coupon, item, family_of=None):
    """Whether an ``each_specified_item`` coupon applies to a subscription
    item, by its ``item_constraints`` for the item's type (``item_type``):
    ``all``, ``none``, ``specific`` (``item_price_ids``) or ``criteria``
    (the coupon's ``item_constraint_criteria`` for that type: every list it
    fills in, ``item_family_ids``, ``currencies``, ``item_price_periods``,
    must hold the item's value). ``item``: ``item_type``, ``item_price_id``,
    ``currency``, ``period``, ``period_unit``; ``family_of(item_price_id)``
    reads the item family of an item price (None when it cannot). Returns
    None when the answer depends on a family that cannot be read."""
    constraints = coupon.get("item_constraints")
    if not constraints:
        return True
    item_type = item.get("item_type") or "plan"
    for constraint in constraints:
        if constraint.get("item_type") != item_type:
            continue
        kind = constraint.get("constraint")
        if kind == "all":
            return True
        if kind == "specific":
            return item["item_price_id"] in (constraint.get("item_price_ids") or [])
        if kind == "criteria":
            answers = [
                _criteria_select(criteria, item, family_of)
                for criteria in coupon.get("item_constraint_criteria") or []
                if (criteria.get("item_type") or "plan") == item_type
            ]
            if any(answers):
                return True
            return None if None in answers else False
        return False
    return False


def item_amounts_off(lines, item_coupons, invoice_coupons, currency):
    """``lines``: (gross amount of the item for one billing period, quantity)
    as Decimals; ``item_coupons``: per line, the line-level coupons that apply
    to it; ``invoice_coupons``: the invoice-level ones. Returns per line the
    amount off (Decimal, rounded to the currency's minor unit)."""
    digits = exponent(currency)
    left = []
    for (gross, quantity), coupons in zip(lines, item_coupons, strict=True):
        amount = gross
        for coupon in filter(is_fixed, coupons):
            amount = max(amount - fixed_off(coupon, quantity, currency), ZERO)
        for coupon in coupons:
            if not is_fixed(coupon):
                amount *= percent_left(coupon)
        left.append(amount)
    for coupon in filter(is_fixed, invoice_coupons):
        shares = split_by_weights(fixed_off(coupon, 1, currency), left, digits + 4)
        left = [max(amount - share, ZERO) for amount, share in zip(left, shares, strict=True)]
    for coupon in invoice_coupons:
        if not is_fixed(coupon):
            left = [amount * percent_left(coupon) for amount in left]
    quantum = Decimal(1).scaleb(-digits)
    offs = [gross - amount for (gross, _quantity), amount in zip(lines, left, strict=True)]
    rounded = [off.quantize(quantum, rounding=ROUND_HALF_UP) for off in offs]
    # The total off is Chargebee's rounded total; the rounding goes to the last line.
    if rounded:
        total = sum(offs, ZERO).quantize(quantum, rounding=ROUND_HALF_UP)
        rounded[-1] += total - sum(rounded, ZERO)
    return rounded
