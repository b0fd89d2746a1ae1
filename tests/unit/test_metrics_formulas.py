# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Worked examples of saas_metrics' formulas, each with its source."""

from datetime import date
from decimal import Decimal

import pytest

from odoo.addons.saas_metrics.lib import metrics as m

D = Decimal


def test_odoo_subscription_reporting_churn():
    # Odoo's subscription reporting documentation: losing 3 customers out of 20
    # is 15% logo churn; losing 56.00 of MRR out of 600.00 is 9.33% revenue churn.
    assert m.logo_churn_rate(3, 20) == D("15.00")
    assert m.revenue_churn_rate(D("56.00"), D("600.00")) == D("9.33")
    assert m.revenue_churn_rate(D("-56.00"), D("600.00")) == D("9.33")


def test_chartmogul_net_and_gross_mrr_churn():
    # ChartMogul help center: 100 starting MRR, 10 churn, 10 contraction and
    # 10 expansion: net MRR churn 10%, gross MRR churn 20%.
    assert m.net_mrr_churn_rate(100, -10, -10, 10) == D("10.00")
    assert m.gross_mrr_churn_rate(100, -10, -10) == D("20.00")
    assert m.net_revenue_retention(100, -10, -10, 10) == D("90.00")
    assert m.gross_revenue_retention(100, -10, -10) == D("80.00")
    # Net expansion is a negative net churn (retention above 100%).
    assert m.net_mrr_churn_rate(100, -5, 0, 20) == D("-15.00")
    assert m.net_revenue_retention(100, -5, 0, 20) == D("115.00")


def test_chartmogul_arpa_and_ltv():
    # ChartMogul: ARPA = 1,500 of MRR / 5 customers = 300;
    # LTV with ARPA 100 and 5% customer churn = 2,000.
    assert m.arpa(D("1500"), 5) == D("300.00")
    assert m.ltv(D("100"), D("5")) == D("2000.00")


def test_chartmogul_yearly_plans_mrr():
    # ChartMogul: 4 yearly plans for 2,000.00 in all add 166.67 of MRR
    # (2,000.00 / 12).
    assert m.mrr_of_plans([(4, "500.00", "year", 1)]) == D("166.67")


def test_stripe_billing_analytics_mrr():
    # Stripe billing analytics glossary: 100 subscriptions at 100.00 a month
    # plus 50 at 600.00 a year give 12,500.00 MRR.
    assert m.mrr_of_plans([(100, "100.00", "month", 1), (50, "600.00", "year", 1)]) == D("12500.00")
    assert m.arr(D("12500.00")) == D("150000.00")


def test_baremetrics_quick_ratio():
    # Baremetrics: Quick Ratio = (New MRR + Expansion MRR) / (Contraction MRR +
    # Churned MRR). A constructed month: new 300, expansion 100, contraction
    # 50, churn 50 -> 4.00. Reactivations are not in the formula.
    assert m.quick_ratio(300, 100, -50, -50) == D("4.00")
    assert m.quick_ratio(D("10"), D("0"), D("-3"), D("0")) == D("3.33")


def test_undefined_values_are_none_not_zero():
    assert m.logo_churn_rate(0, 0) is None
    assert m.arpa(D("10"), 0) is None
    assert m.ltv(D("100"), D("0")) is None  # no churn: LTV undefined
    assert m.ltv(None, D("5")) is None
    assert m.quick_ratio(10, 0, 0, 0) is None
    assert m.gross_revenue_retention(0, -1, 0) is None
    assert m.change_percent(D("110"), D("100")) == D("10.00")
    assert m.change_percent(D("110"), None) is None


def test_bridge_closing():
    movements = {
        "new": D("50"),
        "expansion": D("30"),
        "contraction": D("-10"),
        "churn": D("-20"),
        "reactivation": D("5"),
        "fx": D("-1.5"),
    }
    assert m.bridge_closing(D("100"), movements) == D("153.5")
    with pytest.raises(ValueError):
        m.bridge_closing(0, {"upgrade": 1})


def test_months():
    assert m.add_months(date(2025, 11, 17), 3) == date(2026, 2, 1)
    assert m.add_months(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert m.months_between(date(2025, 11, 1), date(2026, 2, 1)) == 3
    assert m.month_range(date(2025, 12, 5), date(2026, 2, 1)) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_cohort_table():
    jan, feb, mar = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
    rows = [
        ("a", jan, D("100")),
        ("a", feb, D("120")),
        ("a", mar, D("120")),
        ("b", jan, D("100")),
        ("b", feb, D("0")),
        ("c", feb, D("50")),
        ("c", mar, D("50")),
    ]
    table = m.cohort_table(rows)
    assert list(table) == [jan, feb]
    assert table[jan]["customers"] == 2
    assert table[jan]["mrr"] == D("200")
    assert table[jan]["ages"][0] == (2, D("200"), D("100.00"), D("100.00"))
    assert table[jan]["ages"][1] == (1, D("120"), D("50.00"), D("60.00"))
    assert table[feb]["ages"][1] == (1, D("50"), D("100.00"), D("100.00"))


def test_aging_and_dso():
    today = date(2026, 3, 31)
    assert m.aging_bucket(date(2026, 4, 10), today) == "current"
    assert m.aging_bucket(today, today) == "current"
    assert m.aging_bucket(date(2026, 3, 30), today) == "1_30"
    assert m.aging_bucket(date(2026, 3, 1), today) == "1_30"
    assert m.aging_bucket(date(2026, 2, 28), today) == "31_60"
    assert m.aging_bucket(date(2026, 1, 15), today) == "61_90"
    assert m.aging_bucket(date(2025, 12, 31), today) == "61_90"  # 90 days
    assert m.aging_bucket(date(2025, 12, 30), today) == "over_90"
    # 30,000 receivable on 90,000 of credit sales over 31 days: 10.3 days.
    assert m.dso(D("30000"), D("90000"), 31) == D("10.3")
    assert m.dso(D("10"), 0, 31) is None


def test_expected_payment():
    due = date(2026, 3, 1)
    assert m.average_delay_days([(due, date(2026, 3, 11)), (due, date(2026, 2, 20))]) == 5
    assert m.average_delay_days([]) == 0
    assert m.expected_payment_date(due, 5, date(2026, 2, 1)) == date(2026, 3, 6)
    # Already late: expected from today on.
    assert m.expected_payment_date(due, 5, date(2026, 4, 1)) == date(2026, 4, 1)
    assert m.week_index(date(2026, 3, 8), date(2026, 3, 1)) == 1
    assert m.week_index(date(2026, 6, 1), date(2026, 3, 1)) is None
