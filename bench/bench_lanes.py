# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The lanes' own throughput on the mixed stream, in one process, no HTTP.

Stores ``--signups`` new customers' events of the mixed stream of
``bench_latency.py`` (customer, subscription, invoice, payment of each) in
the inbox at once, as the API would, then runs the operational and the
financial lane one after the other, as their crons do (``_run_due`` with
commits), until nothing is due. Prints the time of each lane, its events and
runs, and per type the attempts and their mean duration (an event that ran
before what it refers to fails once as a ``dependency`` and is woken). Run
on a copy of a database that ``bench_latency.py setup-mixed`` prepared (the
run commits)::

    createdb -T <prepared db> lanes_run
    python3 bench/bench_lanes.py --db lanes_run --addons-path <path> --signups 50
    dropdb lanes_run

Nothing here is a test assertion; the books are checked as in the mixed
stream of ``bench_latency.py`` (exit 1 when wrong).
"""

import argparse
import sys
import time
from collections import Counter

import bench_latency
from benchlib import open_registry

LANES = ("operational", "financial")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--signups", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    registry = open_registry(args)
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415 - after the config

    prefix = f"lanes{int(time.time())}"
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        system = env["saas.system"].search([("code", "=", bench_latency.MIXED_SYSTEM)])
        for number in range(4 * args.signups):
            env["saas.event"]._receive_canonical(system, bench_latency.mixed_stream(prefix, number))
        cr.commit()
    lanes = {lane: [0, 0.0, 0] for lane in LANES}
    started = time.monotonic()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Event = env["saas.event"]
        while time.monotonic() - started < args.timeout:
            ran = 0
            for lane in LANES:
                begin = time.monotonic()
                done = Event._run_due(lane=lane, commit=True)
                lanes[lane][0] += len(done)
                lanes[lane][1] += time.monotonic() - begin
                lanes[lane][2] += 1
                ran += len(done)
            if not ran:
                if not Event.search_count([("state", "in", ("received", "retry"))]):
                    break
                time.sleep(0.2)  # a retry not due yet
        total = time.monotonic() - started
        cr.execute(
            """SELECT e.event_type, a.outcome, COUNT(*), ROUND(AVG(a.duration_ms))
                 FROM saas_event_attempt a JOIN saas_event e ON e.id = a.event_id
                WHERE e.external_id LIKE %s GROUP BY 1, 2 ORDER BY 1, 2""",
            (prefix + "\\_%",),
        )
        attempts = cr.fetchall()
        cr.execute(
            "SELECT state, COUNT(*) FROM saas_event WHERE external_id LIKE %s GROUP BY 1",
            (prefix + "\\_%",),
        )
        states = Counter(dict(cr.fetchall()))
    print(f"{args.signups} signups ({4 * args.signups} events) drained in {total:.1f} s")
    for lane, (events, seconds, runs) in lanes.items():
        print(f"   {lane:<12} {events:4d} events applied in {seconds:6.1f} s, {runs} runs")
    for event_type, outcome, count, mean in attempts:
        print(f"   {event_type:<24} {outcome:<6} {count:4d} attempts, mean {mean} ms")
    books = bench_latency.mixed_books(args.db, prefix)
    problems = bench_latency.books_problems(books, args.signups, states)
    for problem in problems:
        print(f"PROBLEM: the books are wrong: {problem}")
    if problems:
        sys.exit(1)
    print(f"   books right: {args.signups} invoices posted and paid, one payment each")


if __name__ == "__main__":
    main()
