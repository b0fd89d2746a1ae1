# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Helpers the benchmark scripts share (imported from bench/, never by the addons):
the percentile, the canonical events sent, the command dispatch, the
concurrent request runner and the server log scan."""

import asyncio
import re
import statistics
import sys
import time
from collections import Counter, defaultdict

import odoo
from odoo.modules.registry import Registry

try:
    import aiohttp
except ImportError:  # only the HTTP benchmarks need it (bench_*.sh check it)
    aiohttp = None


def percentile(values, fraction):
    """Percentile with linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds):
    return seconds * 1000.0


def event(event_id, event_type, occurred_at, data):
    """A canonical event (schema version 1, sandbox)."""
    return {
        "id": event_id,
        "type": event_type,
        "occurred_at": occurred_at,
        "schema_version": 1,
        "livemode": False,
        "data": data,
    }


def canonical_event(external_id, **data):
    """A canonical ``customer.upserted`` event of its own customer; ``data``
    adds fields to its data."""
    return event(
        external_id,
        "customer.upserted",
        "2026-02-01T00:00:00Z",
        {"customer_id": f"cus_{external_id}", **data, "email": f"{external_id}@example.com"},
    )


def sandbox_system(env, **values):
    """A connected system of the sandbox, the database set to the sandbox too
    (the benchmarks send sandbox events)."""
    env["ir.config_parameter"].set_param("saas_sync.environment", "sandbox")
    return env["saas.system"].create({"environment": "sandbox", **values})


def run_command(commands, args):
    """Run the sub-command ``args.command`` of a benchmark script (``commands``:
    name -> function of ``args``); Ctrl-C exits with status 130."""
    try:
        commands[args.command](args)
    except KeyboardInterrupt:
        print(f"{args.command}: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.stdout.flush()


def open_registry(args, *extra):
    """The registry of ``args.db`` with ``args.addons_path`` (Odoo's config set up)."""
    odoo.tools.config.parse_config(
        ["-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn", *extra],
        setup_logging=True,
    )
    return Registry(args.db)


def split_evenly(items, parts):
    """``items`` cut into ``parts`` consecutive slices of (nearly) equal length."""
    size, extra = divmod(len(items), parts)
    slices, begin = [], 0
    for part in range(parts):
        stop = begin + size + (part < extra)
        slices.append(items[begin:stop])
        begin = stop
    return slices


async def run_requests(session, jobs, concurrency, rate=0.0, prepare=None):
    """Send ``jobs`` from ``concurrency`` clients of the aiohttp ``session``.

    A job is a ``(method, url, request kwargs)`` tuple, or anything
    ``prepare(job)`` turns into one just before it is sent (a fresh signature,
    for example). Closed loop; with ``rate`` (requests per second), no job
    starts before ``start + index / rate``.

    Returns one ``(status, start, end, body)`` per job, in job order; status
    is the HTTP status or the name of the client-side error.
    """
    results = [None] * len(jobs)
    cursor = iter(range(len(jobs)))
    origin = time.perf_counter()

    async def client():
        for index in cursor:  # shared iterator: each job is taken once
            if rate:
                delay = origin + index / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            method, url, kwargs = prepare(jobs[index]) if prepare else jobs[index]
            start = time.perf_counter()
            try:
                async with session.request(method, url, **kwargs) as response:
                    body = await response.read()
                    status = response.status
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                body, status = b"", type(exc).__name__
            results[index] = (status, start, time.perf_counter(), body)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return results


LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \d+ (\w+) \S+ ([\w.]+): ")
# werkzeug's access line; Odoo appends the SQL query count, the SQL time and
# the other server time when it has them.
ACCESS = re.compile(
    r'"[A-Z]+ (\S+) HTTP/[\d.]+" (\d{3}) \S+(?: (\d+) ([\d.]+) ([\d.]+))?(?: \S+)?\s*$'
)


def scan_log(path, measured_from=""):
    """What an Odoo server log says: levels, problems and per-path access timings.

    Access lines logged before ``measured_from`` (an Odoo log time stamp,
    ``YYYY-MM-DD HH:MM:SS,mmm``) are left out of ``fives`` and ``per_path``.
    """
    scan = {
        "levels": Counter(),
        "by_logger": Counter(),
        "fives": Counter(),
        "samples": [],
        "spawn_failures": 0,
        "per_path": defaultdict(lambda: {"queries": [], "server": [], "statuses": Counter()}),
    }
    stamp = ""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("ImportError: attempted relative import"):
                scan["spawn_failures"] += 1  # the gevent worker started as a script
            match = LOG_LINE.match(line)
            if match:
                stamp, level, logger = match.groups()
                scan["levels"][level] += 1
                if level in ("WARNING", "ERROR", "CRITICAL"):
                    scan["by_logger"][(level, logger)] += 1
                    if len(scan["samples"]) < 6:
                        scan["samples"].append(line.rstrip()[:300])
            access = ACCESS.search(line)
            if access and "werkzeug" in line and stamp >= measured_from:
                url_path, status, queries, query_time, other_time = access.groups()
                if status.startswith("5"):
                    scan["fives"][status] += 1
                entry = scan["per_path"][url_path]
                entry["statuses"][status] += 1
                if status == "200" and queries is not None:
                    entry["queries"].append(int(queries))
                    entry["server"].append(float(query_time) + float(other_time))
    return scan


def print_log_scan(scan):
    """Prints ``scan_log``'s findings: levels, 5xx answers, problems."""
    levels = scan["levels"]
    print(
        f"server log: ERROR {levels['ERROR']}, CRITICAL {levels['CRITICAL']}, "
        f"WARNING {levels['WARNING']}, 5xx answers logged {dict(scan['fives']) or 0}"
    )
    if scan["spawn_failures"]:
        print(
            f"  PROBLEM: a server process failed to start {scan['spawn_failures']} times"
            " (ImportError)"
        )
    for (level, logger), count in scan["by_logger"].most_common(8):
        print(f"  {count} x {level} {logger}")
    for line in scan["samples"]:
        print(f"  {line}")


def print_log_scan_paths(scan, paths):
    """Prints the access timings ``scan_log`` found for each of ``paths``."""
    for path in paths:
        entry = scan["per_path"].get(path)
        if not entry or not entry["queries"]:
            print(f"    {path}: no access log lines with timings")
            continue
        print(
            f"    {path}: statuses {dict(entry['statuses'])}; per 200 answer, as Odoo logs it: "
            f"SQL queries median {statistics.median(entry['queries']):g} "
            f"(max {max(entry['queries'])}), server time p50 "
            f"{ms(percentile(entry['server'], 0.5)):.1f} ms, "
            f"p99 {ms(percentile(entry['server'], 0.99)):.1f} ms"
        )
