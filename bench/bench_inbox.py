# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Inbox benchmark of saas_sync, driven by ``bench_inbox.sh``.

Sub-commands (each one phase of a run; the shell script chains them):

``setup``
    Through Odoo's Registry on the benchmark database: the database
    environment set to sandbox, a generic sandbox ``saas.system`` without
    back-pressure limit and an API key, committed. Writes the key and the
    system id to a JSON file.
``report``
    Reads the JSON lines that ``bench_inbox.lua`` printed for each wrk run
    (floor ``GET /web/health``, single events, lists of events), prints
    rates, latencies and their ratios to the floor, then checks the stored
    rows in PostgreSQL against the unique ids wrk made, run by run.
``sqlprobe``
    Sends four requests one after the other (a new single event, the same
    again, a new list, the same list again) and prints the SQL count Odoo
    logged for each (its access log: ``status - queries query_time
    other_time``).
``logscan``
    Counts ERROR/CRITICAL/WARNING lines and 5xx answers in the server log.

Nothing here is a test assertion: the script prints what it measured and
what it found. It only talks to 127.0.0.1.
"""

import argparse
import json
import os
import statistics
import time
import urllib.error
import urllib.request
import uuid

import psycopg2
from benchlib import (
    canonical_event,
    open_registry,
    print_log_scan,
    run_command,
    sandbox_system,
    scan_log,
)

from odoo import SUPERUSER_ID, api

SYSTEM_CODE = "bench"
EVENTS_PATH = "/saas/api/v1/events"


# -------------------------------------------------------------------- setup
def cmd_setup(args):
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        system = sandbox_system(
            env, name="Benchmark", code=SYSTEM_CODE, kind="generic", max_pending_events=0
        )
        key = system.generate_api_key("bench")
        cr.commit()
        system_id = system.id
    fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"api_key": key, "system_id": system_id}, handle)
    print(f"setup: system '{SYSTEM_CODE}' id={system_id} (generic, sandbox, no limit), API key")


# ------------------------------------------------------------------- report
def load_runs(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip().startswith("{")]


def summarize(runs):
    """Rate and latency of wrk runs of one mode: requests and events per
    second over their summed durations; the median of their p50 and p99."""
    answered = sum(run["answered"] for run in runs)
    seconds = sum(run["duration_us"] for run in runs) / 1e6
    per_request = max(runs[0]["batch"], 1)
    return {
        "answered": answered,
        "rate": answered / seconds if seconds else float("nan"),
        "events_rate": answered * per_request / seconds if seconds else float("nan"),
        "p50": statistics.median(run["p50_us"] / 1000 for run in runs),
        "p99": statistics.median(run["p99_us"] / 1000 for run in runs),
        "p50s": [run["p50_us"] / 1000 for run in runs],
        "statuses": _merge(run["statuses"] for run in runs),
        "errors": _merge(run["errors"] for run in runs),
    }


def _merge(dicts):
    merged = {}
    for item in dicts:
        for key, value in item.items():
            merged[key] = merged.get(key, 0) + value
    return {key: value for key, value in merged.items() if value}


def stored_per_prefix(db, system_id, prefixes):
    connection = psycopg2.connect(dbname=db)
    try:
        with connection.cursor() as cr:
            counts = {}
            for prefix in prefixes:
                cr.execute(
                    "SELECT count(*), count(DISTINCT external_id) FROM saas_event "
                    "WHERE system_id = %s AND external_id LIKE %s",
                    (system_id, prefix + "\\_%"),
                )
                counts[prefix] = cr.fetchone()
            cr.execute("SELECT count(*) FROM ir_cron_trigger")
            triggers = cr.fetchone()[0]
    finally:
        connection.close()
    return counts, triggers


def cmd_report(args):
    with open(args.key_file) as handle:
        setup = json.load(handle)
    runs = load_runs(args.results)
    by_mode = {
        mode: [run for run in runs if run["mode"] == mode] for mode in ("peer", "single", "batch")
    }
    if not all(by_mode.values()):
        raise SystemExit(
            f"ERROR: wrk runs missing in {args.results}: "
            f"{sorted(mode for mode, runs in by_mode.items() if not runs)}"
        )
    floor, single, batch = (summarize(by_mode[mode]) for mode in ("peer", "single", "batch"))
    size = by_mode["batch"][0]["batch"]
    print(
        f"floor GET /web/health: {floor['answered']} requests, {floor['rate']:.1f} req/s, "
        f"p50 {floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms, statuses {floor['statuses']}"
    )
    print(f"  p50 per floor run (drift check): {' '.join(f'{v:.1f}' for v in floor['p50s'])} ms")
    duplicates = sum(run["duplicate_deliveries"] for run in by_mode["single"])
    print(
        f"single events POST {EVENTS_PATH}: {single['answered']} requests "
        f"({duplicates} of those made were duplicate deliveries), {single['rate']:.1f} events/s, "
        f"p50 {single['p50']:.1f} ms, p99 {single['p99']:.1f} ms, statuses {single['statuses']}"
    )
    print(
        f"lists of {size} events POST {EVENTS_PATH}: {batch['answered']} requests, "
        f"{batch['rate']:.1f} req/s = {batch['events_rate']:.1f} events/s, "
        f"p50 {batch['p50']:.1f} ms, p99 {batch['p99']:.1f} ms, statuses {batch['statuses']}"
    )
    for label, summary in (("floor", floor), ("single", single), ("lists", batch)):
        if summary["errors"]:
            print(f"  PROBLEM: wrk errors in the {label} runs: {summary['errors']}")
        others = {k: v for k, v in summary["statuses"].items() if k not in ("200", "202")}
        if others:
            print(f"  PROBLEM: answers other than 200/202 in the {label} runs: {others}")
    print("ratios to the floor (same server, same run):")
    print(f"  single events/s / floor req/s = {single['events_rate'] / floor['rate']:.2f}")
    print(
        f"  single p50 / floor p50 = {single['p50'] / floor['p50']:.2f}, "
        f"single p99 / floor p99 = {single['p99'] / floor['p99']:.2f}"
    )
    print(
        f"  lists of {size}: events/s / floor req/s = {batch['events_rate'] / floor['rate']:.1f}x "
        "(target >= 15x)"
    )
    event_runs = by_mode["single"] + by_mode["batch"]
    counts, triggers = stored_per_prefix(
        args.db, setup["system_id"], [run["prefix"] for run in event_runs]
    )
    made = sum(run["unique_ids"] for run in event_runs)
    answered = sum(run["answered"] * run["batch"] for run in by_mode["batch"]) + sum(
        run["answered"] for run in by_mode["single"]
    )
    # wrk calls request() once on its first thread before the run, to check
    # the script (script_verify_request): that request is never sent.
    unsent = sum(run["batch"] for run in event_runs)
    stored = sum(rows for rows, _distinct in counts.values())
    print(
        f"stored rows: {stored}; unique event ids made by wrk {made}, of which {unsent} "
        f"in its check call, never sent: {made - unsent} unique events sent "
        f"({answered} in answered requests, the rest in flight when wrk stopped)"
    )
    mismatches = [
        (run["prefix"], run["unique_ids"] - run["batch"], counts[run["prefix"]])
        for run in event_runs
        if counts[run["prefix"]] != (run["unique_ids"] - run["batch"],) * 2
    ]
    if mismatches:
        for prefix, sent, (rows, distinct) in mismatches:
            print(
                f"  MISMATCH in run {prefix}: {sent} unique ids sent, "
                f"{rows} rows, {distinct} distinct"
            )
    else:
        print("  stored rows = unique events sent, run by run: nothing lost, nothing doubled: OK")
    print(f"  ir_cron_trigger rows left for the (stopped) lane crons: {triggers}")


# ----------------------------------------------------------------- sqlprobe
def cmd_sqlprobe(args):
    with open(args.key_file) as handle:
        key = json.load(handle)["api_key"]
    tag = uuid.uuid4().hex[:8]
    single = canonical_event(f"probe_{tag}_single")
    listed = [canonical_event(f"probe_{tag}_{n}") for n in range(args.batch)]
    probes = [
        ("single event, new", single),
        ("single event, duplicate", single),
        (f"list of {args.batch}, new", listed),
        (f"list of {args.batch}, duplicates", listed),
    ]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    for _label, body in probes:
        request = urllib.request.Request(
            args.url.rstrip("/") + EVENTS_PATH, data=json.dumps(body).encode(), headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
        except urllib.error.HTTPError as exc:
            print(f"  PROBLEM: probe answered {exc.code}")
    time.sleep(1)
    with open(args.log, encoding="utf-8", errors="replace") as handle:
        lines = [line for line in handle if f'"POST {EVENTS_PATH} HTTP' in line]
    print("SQL per request, as Odoo's access log counts them (the request's own queries):")
    for (label, body), line in zip(probes, lines[-len(probes) :], strict=True):
        fields = line.rsplit('"', 1)[1].split()
        status, queries = fields[0], int(fields[2])
        events = len(body) if isinstance(body, list) else 1
        print(f"  {label}: status {status}, {queries} SQL ({queries / events:.2f} per event)")


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

    report = sub.add_parser("report")
    report.add_argument("--db", required=True)
    report.add_argument("--results", required=True, help="JSON lines of the wrk runs")
    report.add_argument("--key-file", required=True)

    sqlprobe = sub.add_parser("sqlprobe")
    sqlprobe.add_argument("--url", required=True)
    sqlprobe.add_argument("--key-file", required=True)
    sqlprobe.add_argument("--log", required=True, help="the server log (level info)")
    sqlprobe.add_argument("--batch", type=int, default=50)

    logscan = sub.add_parser("logscan")
    logscan.add_argument("--log", required=True)

    args = parser.parse_args(argv)
    commands = {
        "setup": cmd_setup,
        "report": cmd_report,
        "sqlprobe": cmd_sqlprobe,
        "logscan": cmd_logscan,
    }
    run_command(commands, args)


if __name__ == "__main__":
    main()
