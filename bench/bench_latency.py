# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Receipt-to-done latency, driven by ``bench_latency.sh``.

Sends canonical events to ``POST /saas/api/v1/events`` at a steady rate, one
event per request, each sent at its scheduled time by a small pool of client
threads (so one slow answer does not delay the next). Then waits until every
event has its outcome and prints the distribution of
``saas.event.latency_ms``: the time from receipt (the row's creation, in the
request's transaction) to its outcome, as the engine records it with the
database's clock.

Two streams:

- ``customers`` (the default): ``customer.upserted`` events of unique
  customers.
- ``mixed`` (``--mixed``): what a billing platform sends when customers sign
  up: per new customer ``customer.upserted``, ``subscription.activated``,
  ``invoice.issued`` and ``payment.succeeded`` (paying that invoice), in that
  order, one after the other at the stream's rate (at 20 events/s the four
  are sent within 150 ms). Invoices run in the financial lane, the others in
  the operational lane, so an event often runs before what it refers to and
  waits for it as a ``dependency``. Prints the percentiles per type, the drain
  time (last outcome after the last receipt) and the books (invoices posted
  and paid, payments per invoice). ``setup-mixed`` (a sub-command) creates
  its billing system, plan product, product mapping and API key.

Nothing here is a test assertion. It only talks to 127.0.0.1.
"""

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg2
from benchlib import canonical_event, event, open_registry, percentile, sandbox_system

FINAL_STATES = ("done", "ignored", "dead", "needs_mapping")
BUCKETS = (500, 1000, 2000, 5000, 10000, 30000, 60000)
MIXED_TYPES = ("customer.upserted", "subscription.activated", "invoice.issued", "payment.succeeded")
MIXED_SYSTEM = "bench-latency-mixed"
PLAN = "bench_plan"
PRICE = "49.00"


def customer_stream(prefix, number):
    return canonical_event(f"{prefix}_{number:06d}", name=f"Customer {prefix}_{number:06d}")


def mixed_stream(prefix, number):
    """The ``number``-th event of the mixed stream: customer ``number // 4``'s
    customer, subscription, invoice and payment, in that order."""
    key = f"{prefix}_{number // 4:05d}"
    kind = number % 4
    customer = f"cus_{key}"
    if kind == 0:
        return event(
            f"{prefix}_{number:06d}",
            "customer.upserted",
            "2026-02-01T00:00:00Z",
            {"customer_id": customer, "name": f"Customer {key}", "email": f"{key}@example.com"},
        )
    if kind == 1:
        return event(
            f"{prefix}_{number:06d}",
            "subscription.activated",
            "2026-02-01T00:00:01Z",
            {
                "subscription_id": f"sub_{key}",
                "customer_id": customer,
                "currency": "USD",
                "status": "active",
                "start_date": "2026-02-01",
                "period_start": "2026-02-01",
                "period_end": "2026-02-28",
                "items": [
                    {"plan": PLAN, "quantity": "1", "unit_amount": PRICE, "interval": "month"}
                ],
            },
        )
    if kind == 2:
        return event(
            f"{prefix}_{number:06d}",
            "invoice.issued",
            "2026-02-01T00:00:02Z",
            {
                "invoice_id": f"in_{key}",
                "customer_id": customer,
                "subscription_id": f"sub_{key}",
                "currency": "USD",
                "total": PRICE,
                "date": "2026-02-01",
                "lines": [
                    {
                        "plan": PLAN,
                        "description": "Bench plan, February 2026",
                        "quantity": "1",
                        "unit_amount": PRICE,
                        "period_start": "2026-02-01",
                        "period_end": "2026-02-28",
                    }
                ],
            },
        )
    return event(
        f"{prefix}_{number:06d}",
        "payment.succeeded",
        "2026-02-01T00:00:03Z",
        {
            "payment_id": f"pay_{key}",
            "customer_id": customer,
            "currency": "USD",
            "amount": PRICE,
            "invoice_ids": [f"in_{key}"],
            "date": "2026-02-01",
        },
    )


def send_steadily(url, key, rate, seconds, prefix, stream=customer_stream):
    """POST ``rate * seconds`` events, the n-th at start + n / rate."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    statuses, acks, lock = Counter(), [], threading.Lock()

    def post(number):
        body = json.dumps(stream(prefix, number)).encode()
        request = urllib.request.Request(url, data=body, headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            status = type(exc).__name__
        with lock:
            statuses[status] += 1
            acks.append(time.perf_counter() - started)

    total = int(rate * seconds)
    late = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        start = time.perf_counter()
        for number in range(total):
            due = start + number / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            elif pause < -0.05:
                late += 1
            pool.submit(post, number)
        sent_for = time.perf_counter() - start
    return total, sent_for, statuses, acks, late


def outcomes(db, prefix):
    connection = psycopg2.connect(dbname=db)
    try:
        with connection.cursor() as cr:
            cr.execute(
                "SELECT state, latency_ms FROM saas_event WHERE external_id LIKE %s",
                (prefix + "\\_%",),
            )
            return cr.fetchall()
    finally:
        connection.close()


def mixed_outcomes(db, prefix):
    """Per event: type, state, latency (ms), attempts, error class, receipt
    and outcome as seconds since the first receipt (the database's clock)."""
    connection = psycopg2.connect(dbname=db)
    try:
        with connection.cursor() as cr:
            cr.execute(
                """SELECT event_type, state, latency_ms, attempt_count, error_class,
                          EXTRACT(EPOCH FROM create_date - MIN(create_date) OVER ()),
                          EXTRACT(EPOCH FROM create_date - MIN(create_date) OVER ())
                          + COALESCE(latency_ms, 0) / 1000.0
                     FROM saas_event WHERE external_id LIKE %s""",
                (prefix + "\\_%",),
            )
            return cr.fetchall()
    finally:
        connection.close()


def mixed_books(db, prefix):
    """Invoices of the run by state and payment state, payments of the run,
    and payments per invoice (through the reconciliation)."""
    connection = psycopg2.connect(dbname=db)
    try:
        with connection.cursor() as cr:
            cr.execute(
                """SELECT m.state, m.payment_state, COUNT(*)
                     FROM saas_binding b JOIN account_move m ON m.id = b.res_id
                    WHERE b.res_model = 'account.move' AND b.external_id LIKE %s
                 GROUP BY 1, 2""",
                (f"in\\_{prefix}\\_%",),
            )
            invoices = {f"{state}/{payment}": count for state, payment, count in cr.fetchall()}
            cr.execute(
                """SELECT COUNT(DISTINCT b.res_id) FROM saas_binding b
                    WHERE b.res_model = 'account.payment' AND b.external_id LIKE %s""",
                (f"pay\\_{prefix}\\_%",),
            )
            payments = cr.fetchone()[0]
            cr.execute(
                """SELECT per.n, COUNT(*) FROM (
                       SELECT b.id, COUNT(r.payment_id) AS n
                         FROM saas_binding b
                         LEFT JOIN saas_payment_reported_invoice_rel r ON r.move_id = b.res_id
                        WHERE b.res_model = 'account.move' AND b.external_id LIKE %s
                     GROUP BY b.id) per GROUP BY 1 ORDER BY 1""",
                (f"in\\_{prefix}\\_%",),
            )
            per_invoice = {f"{n} payment(s)": count for n, count in cr.fetchall()}
            return invoices, payments, per_invoice
    finally:
        connection.close()


def report_mixed(rows, total, waited, drain_limit, books):
    states = Counter(state for _t, state, *_rest in rows)
    print(f"   outcomes {dict(states)} ({waited:.0f} s after the last event was sent)")
    print("== Receipt to outcome (saas.event.latency_ms) per type, events done or ignored")
    for event_type in MIXED_TYPES:
        of_type = [row for row in rows if row[0] == event_type]
        latencies = [row[2] for row in of_type if row[1] in ("done", "ignored")]
        retried = sum(1 for row in of_type if (row[3] or 0) > 1)
        if not latencies:
            print(f"   {event_type:<24} none done")
            continue
        p50, p90, p99 = (percentile(latencies, q) / 1000 for q in (0.5, 0.9, 0.99))
        print(
            f"   {event_type:<24} {len(latencies):4d} done: p50 {p50:6.2f} s, p90 {p90:6.2f} s, "
            f"p99 {p99:6.2f} s, max {max(latencies) / 1000:6.2f} s; "
            f"{retried} ran more than once"
        )
    finished = [row for row in rows if row[1] in FINAL_STATES]
    if finished:
        last_receipt = max(float(row[5]) for row in rows)
        last_outcome = max(float(row[6]) for row in finished)
        print(
            f"   drain: the last outcome came {last_outcome - last_receipt:.1f} s after the "
            f"last event was received (target: within 10 s); targets per type: p50 < 1 s, "
            f"p99 < 5 s"
        )
    invoices, payments, per_invoice = books
    print(
        f"== Books: invoices {invoices} (state/payment state), {payments} payments, "
        f"invoices by payments reported for them {per_invoice}"
    )
    unfinished = sum(1 for row in rows if row[1] not in FINAL_STATES)
    if unfinished or len(rows) < total:
        print(
            f"PROBLEM: {unfinished} events not finished and {total - len(rows)} not stored "
            f"after {drain_limit:g} s"
        )
    problems = books_problems(books, total // 4, Counter(row[1] for row in rows))
    for problem in problems:
        print(f"PROBLEM: the books are wrong: {problem}")
    if not problems:
        print(f"   books right: {total // 4} invoices posted and paid, one payment each")
    return not problems


def books_problems(books, signups, states):
    """What is wrong with the books of a mixed run of ``signups`` new
    customers (each one invoice paid once), as sentences; empty when right."""
    invoices, payments, per_invoice = books
    problems = []
    if states.get("done", 0) != 4 * signups:
        problems.append(f"{states.get('done', 0)} of {4 * signups} events done ({dict(states)})")
    if invoices != {"posted/paid": signups}:
        problems.append(f"invoices {invoices}, expected {signups} posted/paid")
    if payments != signups:
        problems.append(f"{payments} payments, expected {signups}")
    if per_invoice != {"1 payment(s)": signups}:
        problems.append(f"invoices by payments {per_invoice}, expected one payment each")
    return problems


def setup_mixed(args):
    """The billing system of the mixed stream (owns customers, subscriptions
    and payments), its plan product and approved mapping, an API key."""
    registry = open_registry(args)
    with registry.cursor() as cr:
        from odoo import SUPERUSER_ID, Command, api  # noqa: PLC0415 - after the config

        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        company = env.company
        if not company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
        usd = env.ref("base.USD")
        if not usd.active:
            usd.active = True
        system = sandbox_system(
            env,
            name="Benchmark billing platform",
            code=MIXED_SYSTEM,
            kind="billing",
            company_id=company.id,
            max_pending_events=0,
            owns_customers=True,
            owns_subscriptions=True,
            owns_payments=True,
        )
        product = env["product.product"].create(
            {
                "name": "Bench plan",
                "type": "service",
                "list_price": float(PRICE),
                "taxes_id": [Command.clear()],
            }
        )
        mapping = env["saas.mapping"].create(
            {
                "system_id": system.id,
                "kind": "product",
                "external_key": PLAN,
                "target_ref": f"product.product,{product.id}",
            }
        )
        mapping.action_approve()
        key = system.generate_api_key("bench")
        if args.operational_workers > 1:
            # The lane's second cron record (inactive by default): two jobs
            # of the operational lane may run at once, one per cron worker.
            env.ref("saas_sync.ir_cron_process_operational_2").active = True
        cr.commit()
        system_id = system.id
        chart = company.chart_template
    fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"api_key": key, "system_id": system_id}, handle)
    print(
        f"setup: system '{MIXED_SYSTEM}' id={system_id} (billing, sandbox, no limit), "
        f"plan {PLAN!r} mapped to a service product without tax, chart {chart}, API key, "
        f"{args.operational_workers} operational lane cron record(s) active"
    )


def main():
    if sys.argv[1:2] == ["setup-mixed"]:
        parser = argparse.ArgumentParser(description=setup_mixed.__doc__.split("\n\n")[0])
        parser.add_argument("command")
        parser.add_argument("--db", required=True)
        parser.add_argument("--addons-path", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--operational-workers", type=int, default=1, choices=(1, 2))
        setup_mixed(parser.parse_args())
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--drain", type=float, default=180.0)
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="per customer: customer, subscription, invoice and payment events",
    )
    args = parser.parse_args()
    with open(args.key_file) as handle:
        key = json.load(handle)["api_key"]
    prefix = f"lat_{uuid.uuid4().hex[:6]}"
    url = args.url.rstrip("/") + "/saas/api/v1/events"
    stream = mixed_stream if args.mixed else customer_stream

    # Warm-up: each HTTP worker loads its routes; the lane cron runs once.
    send_steadily(url, key, 4, 2, "warm_" + prefix, stream)
    time.sleep(3)
    what = (
        "per new customer customer.upserted, subscription.activated, invoice.issued and "
        "payment.succeeded, one after the other"
        if args.mixed
        else "one canonical customer.upserted"
    )
    print(f"== Steady load: {args.rate:g} events/s for {args.seconds:g} s, {what} per request")
    total, sent_for, statuses, acks, late = send_steadily(
        url, key, args.rate, args.seconds, prefix, stream
    )
    print(
        f"   sent {total} events in {sent_for:.1f} s ({total / sent_for:.1f}/s; "
        f"{late} sent more than 50 ms late), answers {dict(statuses)}, "
        f"ack p50 {1000 * percentile(acks, 0.5):.0f} ms, p99 {1000 * percentile(acks, 0.99):.0f} ms"
    )
    read = mixed_outcomes if args.mixed else outcomes
    waited, rows = 0.0, []
    while waited <= args.drain:
        rows = read(args.db, prefix)
        if len(rows) >= total and all(row[1 if args.mixed else 0] in FINAL_STATES for row in rows):
            break
        time.sleep(1)
        waited += 1
    if args.mixed:
        if not report_mixed(rows, total, waited, args.drain, mixed_books(args.db, prefix)):
            sys.exit(1)  # the books must end right, whatever the timings
        return
    states = Counter(state for state, _ms in rows)
    print(f"   outcomes {dict(states)} ({waited:.0f} s after the last event was sent)")
    # Without a handler (saas_sync alone) an event ends ignored; the engine
    # records its latency the same way.
    latencies = [latency for state, latency in rows if state in ("done", "ignored")]
    unfinished = sum(1 for state, _ms in rows if state not in FINAL_STATES)
    if not latencies:
        print("PROBLEM: no event reached done; nothing measured")
        return
    print(
        f"== Receipt to outcome (saas.event.latency_ms) of the {len(latencies)} events "
        "done or ignored"
    )
    p50, p90, p99 = (percentile(latencies, q) / 1000 for q in (0.5, 0.9, 0.99))
    print(
        f"   p50 {p50:.2f} s, p90 {p90:.2f} s, p99 {p99:.2f} s, "
        f"max {max(latencies) / 1000:.2f} s (targets: p50 < 2 s, p99 < 10 s)"
    )
    low = 0
    for bound in BUCKETS:
        count = sum(1 for latency in latencies if low <= latency < bound)
        bar = "#" * (60 * count // len(latencies))
        print(f"   {low / 1000:>5.1f} s - {bound / 1000:>5.1f} s: {count:5d} {bar}")
        low = bound
    count = sum(1 for latency in latencies if latency >= low)
    print(f"   {low / 1000:>5.1f} s and more : {count:5d}")
    if unfinished or len(rows) < total:
        print(
            f"PROBLEM: {unfinished} events not finished and {total - len(rows)} not stored "
            f"after {args.drain:g} s"
        )
    print(
        "   (the lane cron's own interval is 60 s: an event whose wake-up is lost "
        "waits up to that long)"
    )


if __name__ == "__main__":
    main()
