# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Inbox benchmark of saas_sync, driven by ``bench_inbox.sh``.

Sub-commands (each one phase of a run; the shell script chains them):

``setup``
    Through Odoo's Registry on the benchmark database: the database
    environment set to sandbox, a generic sandbox ``saas.system`` without
    back-pressure limit and an API key, committed. Writes the key and the
    system id to a JSON file.
``load``
    Against a running Odoo: canonical events POSTed to
    ``/saas/api/v1/events`` (one per request, a share of them duplicate
    deliveries) and Odoo's own ``/web/webclient/version_info`` as the peer,
    at the same concurrency. Prints throughput, latency, status counts and
    checks the stored rows in PostgreSQL.
``engine``
    With the server stopped, through Odoo's Registry: a trivial handler for
    generic ``customer.upserted`` events, then ``saas.event.process_pending``
    batches (one commit each) until nothing is due. Prints events per second.
``logscan``
    Counts ERROR/CRITICAL/WARNING lines and 5xx answers in the server log.

Nothing here is a test assertion: the script prints what it measured and
what it found. It only talks to 127.0.0.1.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections import Counter

import aiohttp
import psycopg2
from benchlib import (
    ms,
    open_registry,
    percentile,
    print_log_scan,
    run_requests,
    scan_log,
    split_evenly,
)

from odoo import SUPERUSER_ID, api

EVENT_TYPE = "customer.upserted"
SYSTEM_CODE = "bench"
REQUEST_TIMEOUT = 120  # seconds; Odoo's own limit_time_real is 120 s too


# ------------------------------------------------------------------ helpers


def canonical_event(external_id, number):
    return {
        "id": external_id,
        "type": EVENT_TYPE,
        "occurred_at": "2026-02-01T00:00:00Z",
        "schema_version": 1,
        "livemode": False,
        "data": {"customer_id": f"cus_{number}", "email": "x@example.com"},
    }


def build_plan(total, dup_ratio, seed):
    """The deliveries in sending order: ``[(external_id, number, is_duplicate)]``.

    ``total - round(total * dup_ratio)`` unique ids, each sent once in order;
    every duplicate delivery re-sends a distinct, randomly chosen id. A third
    of them follow their original within 3 positions (with several clients
    they are in flight at the same time as the original), a third within 60
    positions, the rest anywhere later.
    """
    rng = random.Random(seed)
    n_dup = round(total * dup_ratio)
    n_unique = total - n_dup
    if n_dup > n_unique:
        raise SystemExit("duplicate ratio too high: every duplicate re-sends a distinct id")
    keyed = [(float(number), number, False) for number in range(n_unique)]
    for position, number in enumerate(rng.sample(range(n_unique), n_dup)):
        mode = position % 3
        if mode == 0:
            offset = rng.randint(1, 3)
        elif mode == 1:
            offset = rng.randint(4, 60)
        else:
            offset = rng.randint(61, max(61, n_unique))
        keyed.append((min(number + offset, n_unique) - 0.5 + rng.random() / 4, number, True))
    keyed.sort()
    return [(f"evt_bench_{number:05d}", number, dup) for _key, number, dup in keyed]


# -------------------------------------------------------------------- setup
def cmd_setup(args):
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        env["ir.config_parameter"].set_param("saas_sync.environment", "sandbox")
        system = env["saas.system"].create(
            {
                "name": "Benchmark",
                "code": SYSTEM_CODE,
                "kind": "generic",
                "environment": "sandbox",
                "max_pending_events": 0,
            }
        )
        key = system.generate_api_key("bench")
        cr.commit()
        system_id = system.id
    fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"api_key": key, "system_id": system_id}, handle)
    print(f"setup: system '{SYSTEM_CODE}' id={system_id} (generic, sandbox, no limit), API key")


# --------------------------------------------------------------------- load
def peer_jobs(base_url, count):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}})
    headers = {"Content-Type": "application/json"}
    url = f"{base_url}/web/webclient/version_info"
    return [("POST", url, {"data": body, "headers": headers})] * count


def summarize_peer(results, wall, round_p50s):
    latencies = [ms(end - start) for _status, start, end, _body in results]
    statuses = Counter(status for status, _s, _e, _b in results)
    bad = sum(
        1
        for status, _s, _e, body in results
        if status != 200 or b'"result"' not in body or b'"error"' in body
    )
    print(
        f"peer POST /web/webclient/version_info (JSON-RPC): {len(results)} requests, "
        f"{len(results) / wall:.1f} req/s, p50 {percentile(latencies, 0.5):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms, "
        f"statuses {dict(sorted(statuses.items(), key=str))}, not a JSON-RPC result: {bad}"
    )
    print(f"  p50 per peer round (drift check): {' '.join(f'{v:.1f}' for v in round_p50s)} ms")
    return latencies


def check_answers(plan, results):
    """Per external id: one 'new' answer, the same event id in every answer."""
    answers = {}
    malformed = 0
    for (external_id, _number, _dup), (status, start, end, body) in zip(plan, results, strict=True):
        if status not in (200, 202):
            continue
        try:
            item = json.loads(body)["events"][0]
        except (ValueError, KeyError, IndexError, TypeError):
            malformed += 1
            continue
        answers.setdefault(external_id, []).append((item["id"], item["duplicate"], start, end))
    new_per_id = Counter(sum(1 for a in items if not a[1]) for items in answers.values())
    split_ids = sum(1 for items in answers.values() if len({a[0] for a in items}) > 1)
    duplicate_answers = sum(1 for items in answers.values() for a in items if a[1])
    concurrent = 0
    for items in answers.values():
        if len(items) == 2:
            (_i1, _d1, s1, e1), (_i2, _d2, s2, e2) = items
            concurrent += s2 < e1 and s1 < e2
    return {
        "malformed": malformed,
        "new_per_id": new_per_id,
        "split_ids": split_ids,
        "duplicate_answers": duplicate_answers,
        "concurrent_pairs": concurrent,
    }


def stored_rows(db, system_id):
    connection = psycopg2.connect(dbname=db)
    try:
        with connection.cursor() as cr:
            cr.execute(
                "SELECT external_id, count(*) FROM saas_event WHERE system_id = %s "
                "GROUP BY external_id",
                (system_id,),
            )
            per_id = dict(cr.fetchall())
            cr.execute("SELECT count(*) FROM saas_event")
            all_rows = cr.fetchone()[0]
            cr.execute(
                "SELECT state, count(*) FROM saas_event WHERE system_id = %s GROUP BY state",
                (system_id,),
            )
            states = dict(cr.fetchall())
    finally:
        connection.close()
    return per_id, all_rows, states


async def load_phase(args, key):
    base = args.url.rstrip("/")
    plan = build_plan(args.events, args.dup_ratio, args.seed)
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    event_url = f"{base}/saas/api/v1/events"
    event_jobs = [
        ("POST", event_url, {"data": json.dumps(canonical_event(ext, num)), "headers": auth})
        for ext, num, _dup in plan
    ]
    health = ("GET", f"{base}/saas/api/v1/health", {"headers": auth})
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        # Warm-up: every worker builds its routing map and loads the registry.
        warm = await run_requests(
            session,
            peer_jobs(base, 4 * args.concurrency) + [health] * (4 * args.concurrency),
            args.concurrency,
        )
        warm_statuses = Counter(r[0] for r in warm)
        print(f"warm-up: {len(warm)} requests, statuses {dict(warm_statuses)}")
        if set(warm_statuses) != {200}:
            raise SystemExit("ERROR: Odoo does not answer the warm-up requests; nothing measured.")

        # The peer runs in rounds alternating with the inbox load, so that a
        # change of the machine's load during the run weighs on both alike.
        inbox_rounds = split_evenly(event_jobs, args.rounds)
        peer_rounds = split_evenly(peer_jobs(base, args.peer_requests), args.rounds + 1)
        results, wall, peer_results, peer_wall, round_p50s = [], 0.0, [], 0.0, []
        for number, peer_round in enumerate(peer_rounds):
            started = time.perf_counter()
            done = await run_requests(session, peer_round, args.concurrency)
            peer_wall += time.perf_counter() - started
            peer_results += done
            round_p50s.append(percentile([ms(r[2] - r[1]) for r in done], 0.5))
            if number < len(inbox_rounds):
                started = time.perf_counter()
                results += await run_requests(session, inbox_rounds[number], args.concurrency)
                wall += time.perf_counter() - started
        print(
            f"{args.rounds} inbox rounds alternating with {args.rounds + 1} peer rounds, "
            f"{args.concurrency} clients"
        )
        peer_lat = summarize_peer(peer_results, peer_wall, round_p50s)

        health_result = (await run_requests(session, [health], 1))[0]
    return plan, results, wall, peer_lat, health_result


def report_load(args, system_id, plan, results, wall, peer_lat, health_result):
    unique_ids = {ext for ext, _num, _dup in plan}
    n_dup_sent = sum(1 for _e, _n, dup in plan if dup)
    latencies = [ms(end - start) for _status, start, end, _body in results]
    statuses = Counter(status for status, _s, _e, _b in results)
    print(
        f"inbox POST /saas/api/v1/events: {len(plan)} requests ({len(unique_ids)} unique ids "
        f"+ {n_dup_sent} duplicate deliveries), {args.concurrency} clients"
    )
    print(f"  wall time {wall:.2f} s")
    print(f"  events accepted per second: {len(results) / wall:.1f} req/s")
    p50 = percentile(latencies, 0.5)
    print(
        f"  ack latency p50 {p50:.1f} ms, p90 {percentile(latencies, 0.9):.1f} ms, "
        f"p99 {percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms"
    )
    for code, label in ((202, "new"), (200, "duplicate")):
        subset = [lat for lat, r in zip(latencies, results, strict=True) if r[0] == code]
        if subset:
            print(f"  p50 of {code} ({label}) answers: {percentile(subset, 0.5):.1f} ms")
    print(f"  status counts: {dict(sorted(statuses.items(), key=str))}")
    others = {s: c for s, c in statuses.items() if s not in (200, 202)}
    if others:
        print(f"  PROBLEM: answers other than 200/202: {others}")
        if any(isinstance(status, str) for status in others):
            print("  (client-side errors: the server stopped answering; the numbers are not valid)")
        for status, _s, _e, body in results:
            if status not in (200, 202):
                print(f"    e.g. {status}: {body[:300]!r}")
                break

    answers = check_answers(plan, results)
    print(
        f"  ids answered as duplicate: {answers['duplicate_answers']} "
        f"(duplicate deliveries sent: {n_dup_sent}); duplicate pairs in flight together: "
        f"{answers['concurrent_pairs']}"
    )
    if answers["malformed"]:
        print(f"  PROBLEM: {answers['malformed']} 2xx answers without the stored event id")
    wrong_new = {k: v for k, v in answers["new_per_id"].items() if k != 1}
    if wrong_new:
        print(f"  PROBLEM: ids by number of 'new' answers (want 1 each): {wrong_new}")
    if answers["split_ids"]:
        print(f"  PROBLEM: {answers['split_ids']} ids answered with different event ids")

    per_id, all_rows, states = stored_rows(args.db, system_id)
    stored = sum(per_id.values())
    print(
        f"stored rows: SELECT count(*) FROM saas_event = {all_rows} "
        f"(system {system_id}: {stored}, distinct external ids {len(per_id)}); "
        f"unique events sent = {len(unique_ids)}; states {states}"
    )
    lost = unique_ids - per_id.keys()
    extra = per_id.keys() - unique_ids
    doubled = {ext: n for ext, n in per_id.items() if n > 1}
    if not lost and not extra and not doubled and all_rows == len(unique_ids):
        print("nothing lost, nothing doubled: OK")
    else:
        print(
            f"MISMATCH: lost {len(lost)} {sorted(lost)[:5]}, doubled {len(doubled)} "
            f"{sorted(doubled)[:5]}, unexpected {len(extra)} {sorted(extra)[:5]}, "
            f"rows in table {all_rows} vs {len(unique_ids)} unique sent"
        )

    status, _s, _e, body = health_result
    try:
        stats = json.loads(body)
        print(
            f"health endpoint ({status}): pending {stats.get('pending')}, "
            f"dead {stats.get('dead')}, oldest pending {stats.get('oldest_pending_seconds')} s"
        )
    except ValueError:
        print(f"health endpoint answered {status}: {body[:200]!r}")

    peer_p50 = percentile(peer_lat, 0.5)
    print(
        f"peer version_info: {len(peer_lat)} requests, p50 {peer_p50:.1f} ms, "
        f"p99 {percentile(peer_lat, 0.99):.1f} ms"
    )
    print(f"inbox ack p50 / version_info p50 = {p50 / peer_p50:.2f}")


def cmd_load(args):
    with open(args.key_file) as handle:
        setup = json.load(handle)
    plan, results, wall, peer_lat, health_result = asyncio.run(load_phase(args, setup["api_key"]))
    report_load(args, setup["system_id"], plan, results, wall, peer_lat, health_result)


# ------------------------------------------------------------------- engine
def bench_handler(env, event, message):
    """The trivial handler: the event is done, nothing else happens."""
    return None


def cmd_engine(args):
    registry = open_registry(args)
    # The trivial handler answers EVENT_TYPE from generic systems in this
    # process (the engine looks handlers up through saas.handler).
    handler_class = registry["saas.handler"]
    original = handler_class._find_handler

    def _find_handler(model, kind, event_type):
        if (kind, event_type) == ("generic", EVENT_TYPE):
            return lambda event, message: bench_handler(model.env, event, message)
        return original(model, kind, event_type)

    handler_class._find_handler = _find_handler

    def counts(cr):
        cr.execute("SELECT count(*) FROM saas_event_attempt")
        attempts = cr.fetchone()[0]
        cr.execute("SELECT state, count(*) FROM saas_event GROUP BY state")
        return attempts, dict(cr.fetchall())

    with registry.cursor() as cr:
        attempts_before, states_before = counts(cr)
    due_before = sum(states_before.get(s, 0) for s in ("received", "retry"))
    print(
        f"engine: process_pending(limit={args.batch}) in a loop, one commit per batch; "
        f"due: {due_before}, states {states_before}"
    )
    processed, batches, batch_times = 0, 0, []
    max_batches = due_before // args.batch + 5  # bounded
    started = time.perf_counter()
    while batches < max_batches:
        batch_start = time.perf_counter()
        with registry.cursor() as cr:  # a fresh cursor per batch, as a cron run has
            env = api.Environment(cr, SUPERUSER_ID, {})
            done = len(env["saas.event"].process_pending(limit=args.batch))
            cr.commit()
        if not done:
            break
        batch_times.append(time.perf_counter() - batch_start)
        processed += done
        batches += 1
    elapsed = time.perf_counter() - started
    with registry.cursor() as cr:
        attempts_after, states_after = counts(cr)
        cr.execute("SELECT outcome, count(*) FROM saas_event_attempt GROUP BY outcome")
        outcomes = dict(cr.fetchall())
        cr.execute("SELECT count(*) FROM saas_event WHERE attempt_count <> 1")
        not_once = cr.fetchone()[0]
    rate = processed / elapsed if elapsed else float("nan")
    print(f"  {processed} events in {batches} batches, {elapsed:.2f} s")
    print(f"  events per second through the engine: {rate:.1f}")
    if batch_times:
        print(
            f"  batch of {args.batch}: p50 {ms(percentile(batch_times, 0.5)):.0f} ms, "
            f"max {ms(max(batch_times)):.0f} ms"
        )
    print(
        f"  attempts created: {attempts_after - attempts_before} (outcomes {outcomes}); "
        f"states after {states_after}; events without exactly one attempt: {not_once}"
    )
    if states_after.get("done", 0) != due_before or attempts_after - attempts_before != processed:
        print("  PROBLEM: not every due event went to done with exactly one attempt")


# ------------------------------------------------------------------ logscan
def cmd_logscan(args):
    print_log_scan(scan_log(args.log))


# --------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    setup = sub.add_parser("setup")
    setup.add_argument("--db", required=True)
    setup.add_argument("--addons-path", required=True)
    setup.add_argument("--out", required=True, help="JSON file receiving the API key")

    load = sub.add_parser("load")
    load.add_argument("--db", required=True)
    load.add_argument("--url", required=True)
    load.add_argument("--key-file", required=True)
    load.add_argument("--events", type=int, default=5000)
    load.add_argument("--dup-ratio", type=float, default=0.2)
    load.add_argument("--concurrency", type=int, default=8)
    load.add_argument("--peer-requests", type=int, default=2000)
    load.add_argument("--seed", type=int, default=42)
    load.add_argument("--rounds", type=int, default=5, help="inbox rounds between peer rounds")

    engine = sub.add_parser("engine")
    engine.add_argument("--db", required=True)
    engine.add_argument("--addons-path", required=True)
    engine.add_argument("--batch", type=int, default=200)

    logscan = sub.add_parser("logscan")
    logscan.add_argument("--log", required=True)

    args = parser.parse_args(argv)
    commands = {"setup": cmd_setup, "load": cmd_load, "engine": cmd_engine, "logscan": cmd_logscan}
    try:
        commands[args.command](args)
    except KeyboardInterrupt:
        print(f"{args.command}: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
