# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Revenue recognition schedules: pure, exact money math (no ORM).

Methods, as Odoo's documentation of deferred revenues defines them:

``day``
    the amount divided equally by the days of the period, start and end
    included (1,200.00 over 2023 gives 101.92 in January, 92.05 in February);
``month``
    each full month an equal share, a partial first or last month prorated by
    its days (1,200.00 over 2023 gives 100.00 a month);
``full_month``
    a started month counts as a full month; the final month counts only if the
    period reaches its last day (a year from 15 January gives twelve equal
    months, January to December).

Periods are inclusive at both ends: a source whose end is exclusive (Stripe)
ends the day before (``saas_stripe.lib.translate.day``).

A schedule keeps its lines as they were first planned: a credit note adds
dated adjustment and reversal lines instead of changing them, so what a
schedule still held at any past date is known (``unrecognized_at``).

Amounts are ``Decimal``. A schedule's lines are the differences of its rounded
running total: each line is within one minor unit of its exact share, the lines
sum exactly to the amount (the last line closes the rounding), and no line has
the sign opposite to the amount.
"""

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

METHODS = ("day", "month", "full_month")
ZERO = Decimal(0)


def to_decimal(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def month_start(day):
    return day.replace(day=1)


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day):
    return month_end(day) + timedelta(days=1)


def months_between(start, end):
    """First days of the months from ``start``'s month to ``end``'s, inclusive."""
    current, last = month_start(start), month_start(end)
    months = []
    while current <= last:
        months.append(current)
        current = next_month(current)
    return months


def spans_months(start, end, reference):
    """Whether the service period ``start``..``end`` reaches beyond the month of
    ``reference`` (the accounting date): only then is the revenue deferred."""
    if not start or not end:
        return False
    return end > month_end(reference)


def _check_period(start, end):
    if not isinstance(start, date) or not isinstance(end, date):
        raise ValueError("a service period needs a start and an end date")
    if end < start:
        raise ValueError(f"the service period ends ({end}) before it starts ({start})")


def month_weights(start, end, method):
    """``[(first day of month, Fraction weight), ...]`` for the period, one per
    calendar month it touches; weights are relative (they need not sum to 1)."""
    _check_period(start, end)
    if method not in METHODS:
        raise ValueError(f"unknown recognition method {method!r}; use one of {METHODS}")
    weights = []
    for first in months_between(start, end):
        last = month_end(first)
        covered_from, covered_to = max(first, start), min(last, end)
        days = (covered_to - covered_from).days + 1
        if method == "day":
            weight = Fraction(days)
        elif method == "month":
            weight = Fraction(days, last.day)
        else:  # full_month: a started month counts whole; the last only if complete
            is_final = first == month_start(end)
            weight = Fraction(0) if is_final and end != last else Fraction(1)
        weights.append((first, weight))
    if not any(weight for _month, weight in weights):
        # full_month over a period inside one incomplete month: all at once.
        weights[0] = (weights[0][0], Fraction(1))
    return weights


def unit(digits):
    return Decimal(1).scaleb(-digits)


def quantize(amount, digits):
    return to_decimal(amount).quantize(unit(digits), rounding=ROUND_HALF_UP)


def allocate(amount, weights, digits):
    """Split ``amount`` over ``weights`` (non-negative numbers, not all zero) in
    proportion, rounded to ``digits``: each share is the difference of the
    rounded running total, so the shares sum exactly to ``amount`` and share its
    sign."""
    amount = to_decimal(amount)
    if quantize(amount, digits) != amount:
        raise ValueError(f"{amount} has more than {digits} decimals")
    fractions = [
        weight if isinstance(weight, Fraction) else Fraction(to_decimal(weight))
        for weight in weights
    ]
    if any(weight < 0 for weight in fractions):
        raise ValueError("weights are not negative")
    total = sum(fractions)
    if not fractions:
        raise ValueError("nothing to allocate over")
    if not total:
        # Nothing to weigh by: everything on the last share.
        return [quantize(ZERO, digits)] * (len(fractions) - 1) + [amount]
    exact_amount = Fraction(amount)
    shares, running, allocated = [], Fraction(0), quantize(ZERO, digits)
    for index, weight in enumerate(fractions):
        running += weight
        if index == len(fractions) - 1:
            cumulative = amount  # the last share closes the rounding
        else:
            exact = exact_amount * running / total
            cumulative = _round_fraction(exact, digits)
        shares.append(cumulative - allocated)
        allocated = cumulative
    return shares


def _round_fraction(value, digits):
    """Round a Fraction half away from zero to ``digits`` decimals, exactly."""
    scaled = value * 10**digits
    sign = -1 if scaled < 0 else 1
    magnitude = abs(scaled)
    whole, rest = divmod(magnitude.numerator, magnitude.denominator)
    if 2 * rest >= magnitude.denominator:
        whole += 1
    return Decimal(sign * whole).scaleb(-digits)


def schedule(amount, start, end, method, digits, not_before=None):
    """The recognition schedule of ``amount`` over ``start``..``end``:
    ``[(last day of month, Decimal amount), ...]``, one line per month.

    Months before ``not_before``'s month (the accounting date: revenue is not
    recognized before its invoice) are merged into that month."""
    weights = month_weights(start, end, method)
    if not_before:
        first_open = month_start(not_before)
        merged = Fraction(sum(w for month, w in weights if month < first_open))
        weights = [(m, w) for m, w in weights if m >= first_open]
        if not weights:
            weights = [(first_open, Fraction(1))]
        elif merged:
            weights[0] = (weights[0][0], weights[0][1] + merged)
    shares = allocate(amount, [weight for _month, weight in weights], digits)
    return [
        (month_end(month), share)
        for (month, weight), share in zip(weights, shares, strict=True)
        if weight or share
    ]


def split_credit(credit, total, remaining, digits):
    """How a credit of ``credit`` against a schedule of ``total`` with
    ``remaining`` still to recognize splits: ``(from_remaining, reversed)``.

    The credit is applied pro rata: the share that matches what is still to
    recognize reduces the remaining lines, the share that matches what was
    already recognized is reversed (contra revenue). Both sum to ``credit``."""
    credit, total, remaining = map(to_decimal, (credit, total, remaining))
    if not total:
        return quantize(ZERO, digits), credit
    if abs(credit) > abs(total):
        raise ValueError(f"a credit of {credit} exceeds the schedule's {total}")
    from_remaining = _round_fraction(
        Fraction(credit) * Fraction(remaining) / Fraction(total), digits
    )
    if abs(from_remaining) > abs(remaining):
        from_remaining = remaining
    return from_remaining, credit - from_remaining


def credit_adjustments(open_amounts, new_total, digits):
    """Adjustments that bring months still to recognize (their current amounts,
    ``open_amounts``) to ``new_total`` in proportion: ``[delta, ...]``, one per
    month, each added as a dated line (the months' own lines never change)."""
    weights = [abs(to_decimal(amount)) for amount in open_amounts]
    if not any(weights):
        weights = [1] * len(weights)
    targets = allocate(quantize(new_total, digits), weights, digits)
    return [
        target - to_decimal(amount) for target, amount in zip(targets, open_amounts, strict=True)
    ]


def unrecognized_at(lines, day):
    """What schedule lines still held at the end of ``day``: the lines already
    in the books (``origin`` on or before ``day``) not recognized by an entry
    dated on or before it. ``lines`` are ``(origin, amount, recognized_on)``
    tuples, ``recognized_on`` None while a line is still to recognize. The
    tie-out (``saas.monitor._revenue_tieout``) runs the same rule in SQL."""
    return sum(
        (
            to_decimal(amount)
            for origin, amount, recognized_on in lines
            if origin <= day and (recognized_on is None or recognized_on > day)
        ),
        ZERO,
    )


def in_place_reductions(planned, credits, digits):
    """Replay how version 18.0.1.0.0 reduced months in place: ``planned`` the
    month amounts as the invoice planned them; ``credits`` in the order they
    came, each ``(amount taken off the open months, [month open then? ...])``.
    A credit brings its open months (those not reduced to zero already) to
    what they held minus the amount taken, pro rata to what each held.
    Returns ``(deltas per credit, one per month; final month amounts)``."""
    amounts = [to_decimal(amount) for amount in planned]
    result = []
    for taken, open_months in credits:
        deltas = [quantize(ZERO, digits)] * len(amounts)
        index = [i for i, is_open in enumerate(open_months) if is_open and amounts[i]]
        if index:
            weights = [abs(amounts[i]) for i in index]
            held = sum(amounts[i] for i in index)
            shares = allocate(held - to_decimal(taken), weights, digits)
            for i, share in zip(index, shares, strict=True):
                deltas[i] = share - amounts[i]
                amounts[i] = share
        result.append(deltas)
    return result, amounts
