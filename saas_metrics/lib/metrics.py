# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SaaS metrics as pure, exact functions (Decimal), tested without a database.

Amounts are Decimals in one currency; rates are returned as percentages
rounded half up to two decimals (``Decimal("15.00")`` for 15 %), or ``None``
when they are undefined (a division by zero: no opening MRR, no customer,
no churn). Callers show ``None`` as "n/a", never as 0.

Definitions (the sources of the worked examples are in the unit tests):

- MRR bridge of a month: opening + new + expansion + contraction + churn +
  reactivation + fx = closing (contraction and churn are negative amounts).
- ARR = 12 x MRR.
- ARPA = MRR / customers with MRR at the month end.
- Logo churn % = customers lost in the month / customers at the start.
- Gross MRR churn % = (churn + contraction) / opening MRR (losses as positive
  amounts); net MRR churn % = (churn + contraction - expansion) / opening
  MRR (negative: net expansion). Reactivations are not in them (ChartMogul).
- Gross revenue retention % = 100 - gross MRR churn %; net revenue
  retention % = 100 - net MRR churn %.
- Quick ratio = (new + expansion) / (churn + contraction) (Baremetrics;
  reactivations are not counted).
- LTV = ARPA / logo churn rate.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from odoo.addons.saas_subscription.lib.mrr import monthly_amount, to_decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)
TWELVE = Decimal(12)
BRIDGE_TYPES = ("new", "expansion", "contraction", "churn", "reactivation", "fx")
# Aging buckets of receivables by days past due: (key, label, first day, last day).
AGING_BUCKETS = (
    ("current", "Current", None, 0),
    ("1_30", "1-30", 1, 30),
    ("31_60", "31-60", 31, 60),
    ("61_90", "61-90", 61, 90),
    ("over_90", "Over 90", 91, None),
)


def _dec(value):
    return ZERO if value is None else to_decimal(value)


def money(amount, digits=2):
    return _dec(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def percent(numerator, denominator, digits=2):
    """``numerator / denominator`` as a percentage, or None when the denominator is 0."""
    denominator = _dec(denominator)
    if not denominator:
        return None
    return money(_dec(numerator) * HUNDRED / denominator, digits)


def arr(mrr, digits=2):
    """Annual recurring revenue: 12 x MRR."""
    return money(_dec(mrr) * TWELVE, digits)


def mrr_of_plans(plans, digits=2):
    """Total MRR of ``(count, unit_price, interval, interval_count)`` plans, each
    normalized to a month like a subscription line (``lib.mrr.monthly_amount``)."""
    total = ZERO
    for count, unit_price, interval, interval_count in plans:
        total += monthly_amount(unit_price, count, interval, interval_count, digits=digits)
    return money(total, digits)


def bridge_closing(opening, movements):
    """Closing MRR from the opening and the month's movements by type
    (``{type: amount}``, losses negative)."""
    unknown = set(movements) - set(BRIDGE_TYPES)
    if unknown:
        raise ValueError(f"unknown MRR movement types: {sorted(unknown)}")
    return _dec(opening) + sum((_dec(v) for v in movements.values()), ZERO)


def logo_churn_rate(churned_customers, customers_at_start):
    return percent(churned_customers, customers_at_start)


def revenue_churn_rate(lost_mrr, opening_mrr):
    """Lost MRR (a positive amount) over the opening MRR."""
    return percent(abs(_dec(lost_mrr)), opening_mrr)


def gross_mrr_churn_rate(opening, churn, contraction):
    """(churn + contraction) / opening; losses given either signed or positive."""
    return percent(abs(_dec(churn)) + abs(_dec(contraction)), opening)


def net_mrr_churn_rate(opening, churn, contraction, expansion):
    """(churn + contraction - expansion) / opening."""
    lost = abs(_dec(churn)) + abs(_dec(contraction))
    return percent(lost - _dec(expansion), opening)


def gross_revenue_retention(opening, churn, contraction):
    rate = gross_mrr_churn_rate(opening, churn, contraction)
    return None if rate is None else HUNDRED - rate


def net_revenue_retention(opening, churn, contraction, expansion):
    rate = net_mrr_churn_rate(opening, churn, contraction, expansion)
    return None if rate is None else HUNDRED - rate


def quick_ratio(new, expansion, contraction, churn):
    """(new + expansion) / (churn + contraction), to two decimals; None when
    nothing was lost (growth without losses)."""
    lost = abs(_dec(churn)) + abs(_dec(contraction))
    if not lost:
        return None
    return money((_dec(new) + _dec(expansion)) / lost)


def arpa(mrr, customers, digits=2):
    """Average revenue per account, or None without customers."""
    if not customers:
        return None
    return money(_dec(mrr) / Decimal(customers), digits)


def ltv(arpa_amount, logo_churn_percent, digits=2):
    """Customer lifetime value = ARPA / logo churn rate; None when either is
    undefined or the churn is zero (a lifetime without end)."""
    if arpa_amount is None or logo_churn_percent is None or not _dec(logo_churn_percent):
        return None
    return money(_dec(arpa_amount) * HUNDRED / _dec(logo_churn_percent), digits)


def change_percent(current, previous):
    """Change against the previous value, in percent (None without a previous value)."""
    if current is None or previous is None:
        return None
    return percent(_dec(current) - _dec(previous), abs(_dec(previous)))


# ---------------------------------------------------------------- months
def month_start(day):
    return date(day.year, day.month, 1)


def add_months(day, months):
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(first, last):
    """Whole months from ``first``'s month to ``last``'s month."""
    return (last.year - first.year) * 12 + last.month - first.month


def month_range(first, last):
    """First days of the months from ``first`` to ``last`` included."""
    return [add_months(first, i) for i in range(months_between(first, last) + 1)]


# ---------------------------------------------------------------- cohorts
def cohort_table(rows, max_age=12):
    """Cohort retention from per-customer monthly MRR.

    ``rows``: iterable of ``(customer, month, mrr)`` with ``month`` the first
    day of a month and ``mrr`` the customer's MRR at that month end. A
    customer's cohort is the first month in which its MRR is above zero.
    Returns ``{cohort: {"customers": n, "mrr": start MRR, "ages": {age:
    (customers_retained, mrr_retained, logo %, revenue %)}}}`` for ages 0 to
    ``max_age`` that the data covers.
    """
    by_customer = {}
    for customer, month, mrr in rows:
        by_customer.setdefault(customer, {})[month] = by_customer.get(customer, {}).get(
            month, ZERO
        ) + _dec(mrr)
    cohorts = {}
    for months in by_customer.values():
        active = sorted(m for m, v in months.items() if v > 0)
        if not active:
            continue
        start = active[0]
        cohort = cohorts.setdefault(start, {"customers": 0, "mrr": ZERO, "ages": {}})
        cohort["customers"] += 1
        cohort["mrr"] += months[start]
        for month, value in months.items():
            age = months_between(start, month)
            if age < 0 or age > max_age:
                continue
            count, amount = cohort["ages"].get(age, (0, ZERO))
            cohort["ages"][age] = (count + (1 if value > 0 else 0), amount + value)
    for cohort in cohorts.values():
        cohort["ages"] = {
            age: (
                count,
                amount,
                percent(count, cohort["customers"]),
                percent(amount, cohort["mrr"]),
            )
            for age, (count, amount) in sorted(cohort["ages"].items())
        }
    return dict(sorted(cohorts.items()))


# ---------------------------------------------------------------- collections
def aging_bucket(due_date, as_of):
    """Aging bucket key of an amount due at ``due_date``, seen at ``as_of``."""
    days = (as_of - due_date).days
    for key, _label, first, last in AGING_BUCKETS:
        if (first is None or days >= first) and (last is None or days <= last):
            return key
    raise AssertionError("the buckets cover every day")  # pragma: no cover


def dso(receivables, credit_sales, days):
    """Days sales outstanding = receivables / credit sales x days of the period,
    to one decimal; None without sales."""
    sales = _dec(credit_sales)
    if not sales:
        return None
    return money(_dec(receivables) / sales * Decimal(days), 1)


def average_delay_days(paid):
    """Average days paid after the due date (early payments count as 0), from
    ``(due_date, paid_date)`` pairs, rounded to whole days; 0 without history."""
    delays = [max((paid_on - due).days, 0) for due, paid_on in paid]
    if not delays:
        return 0
    return int(money(Decimal(sum(delays)) / Decimal(len(delays)), 0))


def expected_payment_date(due_date, average_delay, today):
    """Due date plus the customer's average delay, never before ``today``."""
    expected = due_date + timedelta(days=average_delay)
    return max(expected, today)


def week_index(day, first_day, weeks=13):
    """Index (0 to ``weeks`` - 1) of the forecast week holding ``day``, counted
    from ``first_day``; None outside the horizon."""
    index = (day - first_day).days // 7
    return index if 0 <= index < weeks else None
