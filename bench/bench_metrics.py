# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""saas_metrics benchmark (run by bench_metrics.sh): see bench/README.md."""

import argparse
import statistics
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from benchlib import open_registry
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields

TYPES = ["new", "expansion", "contraction", "churn", "reactivation", "fx"]


# Date and money helpers (the addons' own cannot be imported before the
# registry sets the addons path up).
def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    return day + relativedelta(months=months)


def month_end(day):
    return month_start(day) + relativedelta(months=1, days=-1)


def to_decimal(value):
    return Decimal(str(value or 0))


def timed(function, repeat=1):
    """(median seconds, last result) of ``repeat`` calls."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def seed(env, subscriptions, movements, months):
    """Partners, subscriptions and movements written with SQL (not the engine:
    the benchmark measures the reads)."""
    company = env.company
    system = env["saas.system"].create(
        {"name": "Bench", "code": "bench-metrics", "kind": "billing", "company_id": company.id}
    )
    partners = env["res.partner"].create(
        [{"name": f"Bench customer {n}"} for n in range(max(1, subscriptions // 10))]
    )
    env.flush_all()
    cr = env.cr
    first = add_months(month_start(fields.Date.today()), -(months - 1))
    cr.execute(
        """INSERT INTO saas_subscription (name, partner_id, system_id, company_id, currency_id,
                                         state, start_date, create_uid, write_uid,
                                         create_date, write_date)
           SELECT 'bench_' || g, (%(partners)s)[1 + g %% array_length(%(partners)s, 1)],
                  %(system)s, %(company)s, %(currency)s, 'active', %(first)s,
                  1, 1, now(), now() - interval '1 day'
             FROM generate_series(1, %(count)s) g""",
        {
            "partners": partners.ids,
            "system": system.id,
            "company": company.id,
            "currency": company.currency_id.id,
            "first": first,
            "count": subscriptions,
        },
    )
    cr.execute("SELECT MIN(id) FROM saas_subscription WHERE name LIKE 'bench_%%'")
    first_id = cr.fetchone()[0]
    cr.execute(
        """INSERT INTO saas_mrr_movement (date, subscription_id, partner_id, company_id,
                                         currency_id, company_currency_id, movement_type,
                                         delta, delta_company, mrr_before, mrr_after,
                                         create_uid, write_uid, create_date, write_date)
           SELECT (%(first)s::date + make_interval(
                       months => ((g / %(subs)s) * %(months)s / %(per_sub)s)::int,
                       days => (g %% 28)))::date,
                  s.id, s.partner_id, s.company_id, s.currency_id, s.currency_id,
                  (%(types)s)[1 + g %% 6],
                  (g %% 97) - 40, (g %% 97) - 40, 0, 0, 1, 1, now(), now() - interval '1 day'
             FROM generate_series(0, %(rows)s - 1) g
             JOIN saas_subscription s ON s.id = %(first_id)s + g %% %(subs)s""",
        {
            "first": first,
            "subs": subscriptions,
            "months": months,
            "per_sub": max(1, -(-movements // subscriptions)),
            "types": TYPES,
            "rows": movements,
            "first_id": first_id,
        },
    )
    # a fact per subscription stating its plan, and a plan change for one in ten
    # in the middle of the history (the snapshot reads each month's plan from them)
    products = env["product.product"].create(
        [{"name": f"Bench plan {n}", "type": "service"} for n in range(2)]
    )
    env.flush_all()
    cr.execute(
        """INSERT INTO saas_mrr_point (subscription_id, company_id, date, occurred_at, has_rate,
                                      rate, earning, product_id, create_uid, write_uid,
                                      create_date, write_date)
           SELECT s.id, s.company_id, %(first)s, %(first)s, TRUE, 0, 'yes', %(a)s, 1, 1,
                  now(), now() - interval '1 day'
             FROM saas_subscription s WHERE s.id >= %(first_id)s
            UNION ALL
           SELECT s.id, s.company_id, %(middle)s, %(middle)s, TRUE, 0, 'yes', %(b)s, 1, 1,
                  now(), now() - interval '1 day'
             FROM saas_subscription s WHERE s.id >= %(first_id)s AND s.id %% 10 = 0""",
        {
            "first": first,
            "middle": add_months(first, months // 2),
            "a": products[0].id,
            "b": products[1].id,
            "first_id": first_id,
        },
    )
    # every row is written "a day ago" (in the INSERTs: no second pass over a
    # million rows): the incremental refresh measured later does not take them
    cr.execute("UPDATE res_partner SET write_date = now() - interval '1 day'")
    cr.execute("ANALYZE saas_subscription")
    cr.execute("ANALYZE saas_mrr_movement")
    cr.execute("ANALYZE saas_mrr_point")
    return first


def naive(env, months_list):
    """The MRR by month computed per subscription in Python through the ORM."""
    totals = defaultdict(Decimal)
    subscriptions = env["saas.subscription"].search([])
    for subscription in subscriptions:
        rows = [(m.date, to_decimal(m.delta_company)) for m in subscription.movement_ids]
        for month in months_list:
            end = month_end(month)
            totals[month] += sum((delta for day, delta in rows if day <= end), Decimal(0))
        subscription.invalidate_recordset()
        subscription.movement_ids.invalidate_recordset()
    return totals


STEPS = ["seed", "full", "pivot", "dashboard", "report", "naive", "refresh", "newmonth"]


def new_month_append(env):
    """The first refresh of the next month (the clock moved on with freezegun):
    the new month's rows appended, in a transaction rolled back afterwards."""
    Snapshot = env["saas.mrr.snapshot"]
    next_month = add_months(month_start(fields.Date.today()), 1) + timedelta(days=2)
    with freeze_time(next_month, tick=True):  # ticking: timed() reads a real clock
        seconds, written = timed(Snapshot._refresh_stale)
        horizon = Snapshot._horizon()
    print(f"first refresh of a new month ({horizon}): {written} rows in {seconds:.2f} s")
    env.cr.rollback()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--subscriptions", type=int, default=50_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument(
        "--steps", default="all", help=f"comma-separated, among {', '.join(STEPS)} (default all)"
    )
    args = parser.parse_args()
    steps = STEPS if args.steps == "all" else args.steps.split(",")
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if "seed" in steps:
            started = time.perf_counter()
            first = seed(env, args.subscriptions, args.movements, args.months)
            print(
                f"seeded {args.movements} movements, {args.subscriptions} subscriptions, "
                f"{args.months} months in {time.perf_counter() - started:.1f} s"
            )
            cr.commit()
        else:  # a database seeded by an earlier run (BENCH_DB)
            cr.execute("SELECT MIN(date), COUNT(*) FROM saas_mrr_movement")
            first, count = cr.fetchone()
            first = month_start(first)
            print(f"kept database: {count} movements from {first}")
        Snapshot = env["saas.mrr.snapshot"]
        if "full" in steps:
            full, rows = timed(Snapshot._refresh_snapshot)
            print(f"full snapshot refresh: {rows} rows in {full:.2f} s")
            # the time of the last refresh (a _refresh_stale() here would find no
            # earlier refresh and rewrite every row a second time)
            env["ir.config_parameter"].set_param(
                "saas_metrics.snapshot_refreshed_at",
                fields.Datetime.to_string(fields.Datetime.now() - timedelta(minutes=15)),
            )
            cr.commit()
        months_list = [add_months(first, i) for i in range(args.months)]
        groups = None
        if "pivot" in steps:
            pivot, groups = timed(
                lambda: Snapshot.read_group([], ["mrr_company:sum"], ["month:month"], lazy=False),
                repeat=3,
            )
            print(f"pivot read (read_group MRR by month over the snapshot): {pivot * 1000:.0f} ms")
        if "dashboard" in steps:
            admin = env.ref("base.user_admin")
            dashboard, _data = timed(
                lambda: env["saas.metrics"].with_user(admin).get_dashboard_data(), repeat=3
            )
            print(f"dashboard load (get_dashboard_data): {dashboard * 1000:.0f} ms")
        if "report" in steps:
            wizard = env["saas.executive.report.wizard"].create({"month": months_list[-1]})
            report = env.ref("saas_metrics.action_report_saas_executive")
            html, _html = timed(lambda: report._render_qweb_html(report.report_name, wizard.ids))
            print(f"executive report (values and QWeb HTML, before wkhtmltopdf): {html:.2f} s")
            cr.rollback()
        if "naive" in steps:
            naive_time, totals = timed(lambda: naive(env, months_list))
            print(f"naive per-subscription aggregation (ORM, Python): {naive_time:.2f} s")
            if groups is not None:
                by_month = {
                    month_start(
                        g["month:month"]
                        and fields.Date.to_date(g["__range"]["month:month"]["from"][:10])
                    ): g["mrr_company"]
                    for g in groups
                }
                same = all(
                    abs(Decimal(str(by_month.get(month, 0))) - totals[month]) < Decimal("0.01")
                    for month in months_list
                )
                print(f"same MRR by month in both: {'OK' if same else 'DIFFERENT'}")
                print(f"naive / pivot read: {naive_time / pivot:.0f}x")
        if "refresh" in steps:
            # 1,000 new movements on 1,000 subscriptions, in the current month;
            # rolled back after the refresh, so a kept database can run it again
            cr.execute(
                """INSERT INTO saas_mrr_movement (date, subscription_id, partner_id, company_id,
                        currency_id, company_currency_id, movement_type, delta, delta_company,
                        mrr_before, mrr_after, create_uid, write_uid, create_date, write_date)
                   SELECT CURRENT_DATE, s.id, s.partner_id, s.company_id, s.currency_id,
                          s.currency_id, 'expansion', 1, 1, 0, 0, 1, 1, now(), now()
                     FROM (SELECT * FROM saas_subscription ORDER BY id DESC LIMIT 1000) s"""
            )
            refresh, rewritten = timed(Snapshot._refresh_stale)
            print(
                f"snapshot refresh after 1,000 new movements: {rewritten} rows in {refresh:.2f} s"
            )
            cr.rollback()
        if "newmonth" in steps:
            new_month_append(env)


if __name__ == "__main__":
    main()
