# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Monthly recurring revenue: normalization, ledger movements and their types.

MRR of a line = unit price x quantity after discounts, excluding tax,
normalized to a month: year / 12, month x 1, week x (30.4375 / 7),
day x 30.4375; the interval count divides (a 3-month plan at 90.00 is
30.00 MRR). Metered (usage) lines are not MRR.

Movement types follow ChartMogul's definitions, at the customer level:
``new`` (a customer's first MRR), ``expansion`` (MRR grows),
``contraction`` (MRR shrinks but stays above zero), ``churn`` (the
customer's MRR falls to zero: their last active subscription ended) and
``reactivation`` (a customer who had churned pays again), plus ``fx``
(currency conversion alone moved the company-currency MRR).

A type is a fact about the customer at the movement's effective date: the
ledger is typed by folding the customer's movements in date order
(:func:`type_customer_movements`), whatever the order in which the events
that wrote them arrived. A subscription's own MRR history is a fold of the
facts the events stated about it (:func:`fold_mrr_facts`).
"""

import calendar
import math
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12
MONTHLY_FACTOR = {
    "day": DAYS_PER_MONTH,
    "week": DAYS_PER_MONTH / Decimal(7),
    "month": Decimal(1),
    "year": Decimal(1) / Decimal(12),
}
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def to_decimal(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # Floats come from Odoo fields already rounded to their precision.
        return Decimal(repr(value))
    return Decimal(str(value))


def quantize(amount, digits):
    """``amount`` rounded half-up to ``digits`` decimals (the currency's: no default)."""
    return to_decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def line_amount(unit_price, quantity, discount_percent=0, discount_amount=0):
    """Unit price x quantity after a percentage discount, then less an amount
    off (per billing period), excluding tax; never below zero (an amount off
    larger than the line leaves nothing to pay, as at Stripe or Chargebee)."""
    discount = to_decimal(discount_percent or 0)
    if not ZERO <= discount <= HUNDRED:
        raise ValueError(f"a discount is between 0 and 100 percent, not {discount}")
    amount_off = to_decimal(discount_amount or 0)
    if amount_off < 0:
        raise ValueError(f"an amount off is not negative, not {amount_off}")
    gross = to_decimal(unit_price) * to_decimal(quantity) * (HUNDRED - discount) / HUNDRED
    return max(gross - amount_off, ZERO) if gross >= 0 else gross


def monthly_amount(
    unit_price,
    quantity,
    interval,
    interval_count=1,
    discount_percent=0,
    *,
    digits,
    metered=False,
    discount_amount=0,
):
    """The MRR of one subscription line, rounded to the currency's ``digits``
    (0 for JPY, 3 for BHD: always the currency's own, never a default)."""
    if metered:
        return quantize(ZERO, digits)
    if interval not in MONTHLY_FACTOR:
        raise ValueError(f"unknown billing interval {interval!r}")
    count = 1 if interval_count is None else int(interval_count)
    if count < 1:
        raise ValueError("the interval count is at least 1")
    amount = (
        line_amount(unit_price, quantity, discount_percent, discount_amount)
        * MONTHLY_FACTOR[interval]
        / count
    )
    if amount < 0:
        raise ValueError("MRR cannot be negative")
    return quantize(amount, digits)


def movement_type(customer_mrr_before, customer_mrr_after, customer_had_mrr_before):
    """The type of a change of a customer's total MRR, or None if it did not move.

    ``customer_had_mrr_before``: the customer had MRR at some earlier time
    (so reaching MRR again from zero is a reactivation, not new business).
    """
    before, after = to_decimal(customer_mrr_before), to_decimal(customer_mrr_after)
    if before == after:
        return None
    if before == ZERO:
        return "reactivation" if customer_had_mrr_before else "new"
    if after == ZERO:
        return "churn"
    return "expansion" if after > before else "contraction"


def fold_mrr_facts(facts):
    """A subscription's MRR over time from what its events stated, in effective order.

    ``facts``: iterable of ``(rate, earning)``: ``rate`` is the MRR of the lines
    (Decimal, or None when the event did not state the lines), ``earning``
    whether the subscription earned MRR from then on (None: unchanged). Returns
    ``[(mrr_before, mrr_after)]``, one pair per fact.
    """
    rate, earning, value = ZERO, False, ZERO
    history = []
    for fact_rate, fact_earning in facts:
        if fact_rate is not None:
            rate = to_decimal(fact_rate)
        if fact_earning is not None:
            earning = bool(fact_earning)
        after = rate if earning else ZERO
        history.append((value, after))
        value = after
    return history


def type_customer_movements(movements):
    """Type a customer's movements, given in effective order.

    ``movements``: iterable of ``(subscription, delta, delta_company, is_fx)``.
    Returns one ``(type, subscription_mrr_before, subscription_mrr_after,
    customer_mrr_before, customer_mrr_after)`` per movement; subscription
    amounts in its currency, customer amounts in company currency (the running
    sum of ``delta_company``, fx movements included). Whether the customer earns
    MRR is read in the subscriptions' own currencies, so a company-currency
    rounding or exchange residue never turns a churn into a contraction.
    """
    mrr = {}
    customer_total = ZERO
    had_mrr = False
    typed = []
    for subscription, delta, delta_company, is_fx in movements:
        delta, delta_company = to_decimal(delta), to_decimal(delta_company)
        earning_before = any(value > 0 for value in mrr.values())
        sub_before = mrr.get(subscription, ZERO)
        sub_after = sub_before + delta
        mrr[subscription] = sub_after
        earning_after = any(value > 0 for value in mrr.values())
        if is_fx:
            kind = "fx"
        elif not earning_before and earning_after:
            kind = "reactivation" if had_mrr else "new"
        elif earning_before and not earning_after:
            kind = "churn"
        else:
            kind = "expansion" if delta > 0 else "contraction"
        had_mrr = had_mrr or earning_after
        typed.append((kind, sub_before, sub_after, customer_total, customer_total + delta_company))
        customer_total += delta_company
    return typed


def split_amount(total, shares, digits):
    """Split ``total`` by percentage ``shares`` (summing to 100); rounding goes last."""
    shares = [to_decimal(s) for s in shares]
    if not shares or sum(shares) != HUNDRED:
        raise ValueError("the shares of a split sum to 100 percent")
    total = to_decimal(total)
    parts = [quantize(total * share / HUNDRED, digits) for share in shares[:-1]]
    parts.append(quantize(total, digits) - sum(parts, ZERO))
    return parts


def split_by_weights(total, weights, digits):
    """Split ``total`` in proportion to ``weights`` (amounts, not percentages),
    rounded to ``digits`` by the largest-remainder (Hamilton) method: each part
    gets the whole units of its exact quota, the units left over go to the
    largest remainders (the last part first on a tie, as the rounding
    used to go last). Every part lies between
    zero and the total (same sign), the parts sum exactly to the total rounded
    to ``digits``, and each is within one unit of its exact quota. All
    weights zero: the whole total goes to the first part."""
    weights = [to_decimal(w) for w in weights]
    if not weights or any(w < 0 for w in weights):
        raise ValueError("the weights of a split are zero or positive")
    unit = Decimal(1).scaleb(-digits)
    total = quantize(total, digits)
    whole = sum(weights, ZERO)
    if whole == ZERO:
        return [total] + [quantize(ZERO, digits)] * (len(weights) - 1)
    units = int(abs(total) / unit)
    quotas = [Fraction(units) * Fraction(weight) / Fraction(whole) for weight in weights]
    counts = [math.floor(quota) for quota in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], -i))
    for index in by_remainder[: units - sum(counts)]:
        counts[index] += 1
    sign = -1 if total < 0 else 1
    return [quantize(sign * count * unit, digits) for count in counts]


def combined_discount(*percents):
    """Stacked percentage discounts (a 20% line discount after a 50% coupon is 60%)."""
    remaining = HUNDRED
    for percent in percents:
        remaining = remaining * (HUNDRED - to_decimal(percent or 0)) / HUNDRED
    return HUNDRED - remaining


def item_discounts(items, coupon_percent, coupon_amount, digits):
    """(percentage, amount off) of each subscription item.

    ``items``: dicts with ``unit_amount``, ``quantity`` and optional
    ``discount_percent`` and ``discount_amount`` (an amount off per billing
    period). The subscription's ``coupon_percent`` stacks on each item's
    percentage; its ``coupon_amount`` (per billing period) is split over the
    items in proportion to their amounts after percentages, to ``digits``,
    and added to each item's own amount off."""
    percents = [combined_discount(item.get("discount_percent"), coupon_percent) for item in items]
    weights = [
        max(line_amount(item["unit_amount"], item["quantity"], percent), ZERO)
        for item, percent in zip(items, percents, strict=True)
    ]
    shares = split_by_weights(to_decimal(coupon_amount or 0), weights, digits)
    return [
        (percent, to_decimal(item.get("discount_amount") or 0) + share)
        for item, percent, share in zip(items, percents, shares, strict=True)
    ]


def subscription_mrr(data, digits):
    """The MRR of a subscription from its canonical ``data`` (``items``, and
    the subscription's ``discount_percent`` and ``discount_amount``): each
    item's MRR with its share of the discounts, rounded to ``digits``, summed.
    What a drift check compares with the MRR Odoo holds."""
    items = data["items"]
    discounts = item_discounts(
        items, data.get("discount_percent"), data.get("discount_amount"), digits
    )
    return sum(
        (
            monthly_amount(
                item["unit_amount"],
                item["quantity"],
                item["interval"],
                item["interval_count"],
                percent,
                digits=digits,
                metered=item.get("metered", False),
                discount_amount=amount_off,
            )
            for item, (percent, amount_off) in zip(items, discounts, strict=True)
        ),
        ZERO,
    )


def month_end(day):
    """The last day of ``day``'s month."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
