# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Receipt-to-done latency, driven by ``bench_latency.sh``.

Sends canonical ``customer.upserted`` events (unique ids and customers) to
``POST /saas/api/v1/events`` at a steady rate, one event per request, each
sent at its scheduled time by a small pool of client threads (so one slow
answer does not delay the next). Then waits until every event has its
outcome and prints the distribution of ``saas.event.latency_ms``: the time
from receipt (the row's creation, in the request's transaction) to its
outcome, as the engine records it with the database's clock.

Nothing here is a test assertion. It only talks to 127.0.0.1.
"""

import argparse
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg2
from benchlib import canonical_event, percentile

FINAL_STATES = ("done", "ignored", "dead", "needs_mapping")
BUCKETS = (500, 1000, 2000, 5000, 10000, 30000, 60000)


def send_steadily(url, key, rate, seconds, prefix):
    """POST ``rate * seconds`` events, the n-th at start + n / rate."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    statuses, acks, lock = Counter(), [], threading.Lock()

    def post(number):
        body = json.dumps(
            canonical_event(f"{prefix}_{number:06d}", name=f"Customer {prefix}_{number:06d}")
        ).encode()
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--drain", type=float, default=180.0)
    args = parser.parse_args()
    with open(args.key_file) as handle:
        key = json.load(handle)["api_key"]
    prefix = f"lat_{uuid.uuid4().hex[:6]}"
    url = args.url.rstrip("/") + "/saas/api/v1/events"

    # Warm-up: each HTTP worker loads its routes; the lane cron runs once.
    send_steadily(url, key, 4, 2, "warm_" + prefix)
    time.sleep(3)
    print(
        f"== Steady load: {args.rate:g} events/s for {args.seconds:g} s, "
        f"one canonical customer.upserted per request"
    )
    total, sent_for, statuses, acks, late = send_steadily(url, key, args.rate, args.seconds, prefix)
    print(
        f"   sent {total} events in {sent_for:.1f} s ({total / sent_for:.1f}/s; "
        f"{late} sent more than 50 ms late), answers {dict(statuses)}, "
        f"ack p50 {1000 * percentile(acks, 0.5):.0f} ms, p99 {1000 * percentile(acks, 0.99):.0f} ms"
    )
    waited, rows = 0.0, []
    while waited <= args.drain:
        rows = outcomes(args.db, prefix)
        if len(rows) >= total and all(state in FINAL_STATES for state, _ms in rows):
            break
        time.sleep(1)
        waited += 1
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
