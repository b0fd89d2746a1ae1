# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stripe webhook benchmark of saas_stripe, driven by ``bench_webhooks.sh``.

The suite's ``POST /saas/webhook/stripe/<code>`` against Odoo's own
``payment_stripe`` webhook ``POST /payment/stripe/webhook``, served by the
same Odoo (HTTP workers) from the same database, at the same concurrency.

Sub-commands (each one phase of a run; the shell script chains them):

``setup``
    Through Odoo's Registry: the database environment set to sandbox, a
    Stripe ``saas.system`` with its webhook secret, ``payment_stripe``'s
    provider in test state with the same webhook secret and dummy keys, and
    the already confirmed Stripe transactions the peer's events refer to,
    committed. Writes what the load needs to a JSON file.
``load``
    Against a running Odoo: warm-up, signature checks (a bad signature must
    be refused), then signed events to both endpoints in interleaved rounds.
    Prints latency, throughput, statuses, ratios and what was stored.
``logscan``
    Server log: ERROR/CRITICAL/WARNING lines, 5xx answers, and per endpoint
    the SQL queries and server time Odoo logs for each request.

Nothing here is a test assertion: the script prints what it measured and
what it found. It only talks to 127.0.0.1.
"""

import argparse
import asyncio
import copy
import hashlib
import hmac
import json
import statistics
import time
from collections import Counter
from pathlib import Path

import aiohttp
import psycopg2
from benchlib import (
    ms,
    open_registry,
    percentile,
    print_log_scan,
    print_log_scan_paths,
    run_command,
    run_requests,
    sandbox_system,
    scan_log,
    split_evenly,
)

from odoo import SUPERUSER_ID, api

SYSTEM_CODE = "bench-stripe"
SECRET = "whsec_bench"
WRONG_SECRET = "whsec_wrong"
SUITE_PATH = f"/saas/webhook/stripe/{SYSTEM_CODE}"
PEER_PATH = "/payment/stripe/webhook"
API_VERSION = "2025-06-30.basil"
REQUEST_TIMEOUT = 120  # seconds; Odoo's own limit_time_real is 120 s too
FIXTURES = (
    Path(__file__).resolve().parents[1] / "saas_stripe" / "tests" / "fixtures" / "fixtures3.json"
)
# Event ids and transaction references: measured ones, warm-up ones, checks.
SUITE_EVENT = "evt_bench_cus_{:05d}"
SUITE_WARM = "evt_warm_cus_{:05d}"
PEER_REF = "BENCH-{:05d}"
PEER_WARM_REF = "BENCH-WARM-{:05d}"
PEER_CHECK_REF = "BENCH-CHECK"


# ------------------------------------------------------------------ helpers


def sign(payload, secret, timestamp=None):
    """A Stripe-Signature header, computed as Stripe documents it."""
    timestamp = int(timestamp if timestamp is not None else time.time())
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# ------------------------------------------------------------------- events
def load_fixtures():
    """Stripe's own sample objects (``saas_stripe/tests/fixtures/fixtures3.json``)."""
    resources = json.loads(FIXTURES.read_text())["resources"]
    return resources["customer"], resources["payment_intent"]


def stripe_event(event_id, event_type, obj):
    return {
        "id": event_id,
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def customer_created(template, event_id, number):
    """A ``customer.created`` event for a new customer (the suite's body)."""
    customer = copy.deepcopy(template)
    customer.update(
        id=f"cus_bench{number:05d}",
        created=int(time.time()),
        email=f"customer{number}@example.com",
        name=f"Bench Customer {number}",
        description=None,
        discount=None,
    )
    return stripe_event(event_id, "customer.created", customer)


def payment_intent_succeeded(template, event_id, reference, number):
    """A ``payment_intent.succeeded`` event for a transaction Odoo already confirmed
    (the peer's body): ``description`` carries the Odoo reference, as
    ``payment_stripe`` sets it when it creates the PaymentIntent."""
    intent = copy.deepcopy(template)
    intent.update(
        id=f"pi_bench{number:05d}",
        amount=4900,
        amount_received=4900,
        canceled_at=None,
        client_secret=f"pi_bench{number:05d}_secret_bench",
        created=int(time.time()),
        currency="usd",
        customer=f"cus_bench{number:05d}",
        description=reference,
        last_payment_error=None,
        latest_charge=f"ch_bench{number:05d}",
        next_action=None,
        payment_method=f"pm_bench{number:05d}",
        processing=None,
        status="succeeded",
        transfer_data=None,
    )
    return stripe_event(event_id, "payment_intent.succeeded", intent)


# -------------------------------------------------------------------- setup
def cmd_setup(args):
    registry = open_registry(args)
    references = (
        [PEER_REF.format(n) for n in range(args.events)]
        + [PEER_WARM_REF.format(n) for n in range(args.warmup)]
        + [PEER_CHECK_REF]
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        system = sandbox_system(env, name="Benchmark Stripe", code=SYSTEM_CODE, kind="stripe")
        system.write({"webhook_secret": SECRET})  # write-only, stored by the inverse

        provider = env["payment.provider"].search([("code", "=", "stripe")], limit=1)
        provider.write(
            {
                "state": "test",
                "stripe_publishable_key": "pk_test_bench",
                "stripe_secret_key": "sk_test_bench",
                "stripe_webhook_secret": SECRET,
            }
        )
        card = env.ref("payment.payment_method_card")
        partner = env["res.partner"].create(
            {"name": "Bench Payer", "email": "payer@example.com", "country_id": False}
        )
        currency = env.ref("base.USD")
        currency.active = True
        # Confirmed transactions, as after the customer came back from Stripe:
        # the webhook that follows finds its transaction already done. No
        # provider_reference yet, so that the run can count which ones the
        # peer reached past the signature check (it writes the intent id).
        env["payment.transaction"].create(
            [
                {
                    "provider_id": provider.id,
                    "payment_method_id": card.id,
                    "reference": reference,
                    "amount": 49.0,
                    "currency_id": currency.id,
                    "partner_id": partner.id,
                    "operation": "online_direct",
                    "state": "done",
                }
                for reference in references
            ]
        )
        cr.commit()
        system_id, provider_id = system.id, provider.id
        stored_secret = system.sudo().webhook_secret_value == SECRET
    with open(args.out, "w") as handle:
        json.dump({"system_id": system_id, "provider_id": provider_id}, handle)
    print(
        f"setup: saas.system '{SYSTEM_CODE}' id={system_id} (stripe, sandbox, webhook secret "
        f"stored: {stored_secret}); payment.provider stripe id={provider_id} in test state "
        f"with the same webhook secret; {len(references)} confirmed Stripe transactions"
    )


# --------------------------------------------------------------------- load
class Job:
    """One request: the body is signed when it is sent, so its timestamp is fresh."""

    __slots__ = ("body", "secret", "timestamp_offset", "url")

    def __init__(self, url, body, secret=SECRET, timestamp_offset=0):
        self.url = url
        self.body = body
        self.secret = secret
        self.timestamp_offset = timestamp_offset

    def headers(self):
        return {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": sign(self.body, self.secret, time.time() + self.timestamp_offset),
        }

    def request(self):
        """``(method, url, kwargs)`` for ``benchlib.run_requests``, freshly signed."""
        return "POST", self.url, {"data": self.body.encode(), "headers": self.headers()}


def build_jobs(base, events, warmup):
    customer, intent = load_fixtures()
    suite_url, peer_url = base + SUITE_PATH, base + PEER_PATH

    def suite(event_id, number):
        return Job(suite_url, json.dumps(customer_created(customer, event_id, number)))

    def peer(event_id, reference, number):
        return Job(
            peer_url, json.dumps(payment_intent_succeeded(intent, event_id, reference, number))
        )

    return {
        "suite": [suite(SUITE_EVENT.format(n), n) for n in range(events)],
        "peer": [peer(f"evt_bench_pi_{n:05d}", PEER_REF.format(n), n) for n in range(events)],
        "suite_warm": [suite(SUITE_WARM.format(n), 90000 + n) for n in range(warmup)],
        "peer_warm": [
            peer(f"evt_warm_pi_{n:05d}", PEER_WARM_REF.format(n), 90000 + n) for n in range(warmup)
        ],
        "suite_template": lambda: customer_created(customer, "evt_check_cus", 99999),
        "peer_template": lambda ref, n: payment_intent_succeeded(intent, f"evt_chk_{n}", ref, n),
    }


def db_query(db, query, params=()):
    connection = psycopg2.connect(dbname=db)
    try:
        with connection.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall()
    finally:
        connection.close()


def signature_failures(db, system_id):
    return db_query(
        db,
        "SELECT count(*) FROM saas_signature_failure WHERE system_id = %s",
        (system_id,),
    )[0][0]


async def signature_checks(session, args, setup, jobs, base):
    """One request at a time: a bad signature must be refused by both endpoints."""
    print("signature checks (one request each, before the measured load):")
    system_id = setup["system_id"]
    failures_before = signature_failures(args.db, system_id)

    body = json.dumps(jobs["suite_template"]())
    checks = [
        ("suite, signed with a wrong secret", Job(base + SUITE_PATH, body, WRONG_SECRET), {401}),
        (
            "suite, timestamp 400 s old (tolerance 300 s)",
            Job(base + SUITE_PATH, body, SECRET, -400),
            {401},
        ),
    ]
    peer_body = json.dumps(jobs["peer_template"](PEER_CHECK_REF, 99998))
    checks += [
        (
            f"peer, wrong secret, known transaction {PEER_CHECK_REF}",
            Job(base + PEER_PATH, peer_body, WRONG_SECRET),
            {403},
        ),
        (
            f"peer, timestamp 700 s old (tolerance 600 s), {PEER_CHECK_REF}",
            Job(base + PEER_PATH, peer_body, SECRET, -700),
            {403},
        ),
    ]
    unknown = json.dumps(jobs["peer_template"]("NO-SUCH-REFERENCE", 99997))
    checks.append(
        (
            "peer, wrong secret, unknown reference (no transaction: never verified)",
            Job(base + PEER_PATH, unknown, WRONG_SECRET),
            {200},
        )
    )
    problems = 0
    for label, job, expected in checks:
        status, _s, _e, answer = (await run_requests(session, [job], 1, prepare=Job.request))[0]
        ok = status in expected
        problems += not ok
        print(f"  {label}: {status} {'(expected)' if ok else f'PROBLEM, expected {expected}'}")
        if not ok:
            print(f"    body {answer[:200]!r}")
    stored = db_query(
        args.db,
        "SELECT count(*) FROM saas_event WHERE system_id = %s AND external_id = %s",
        (system_id, "evt_check_cus"),
    )[0][0]
    failures = signature_failures(args.db, system_id) - failures_before
    written = db_query(
        args.db,
        "SELECT count(*) FROM payment_transaction WHERE reference = %s "
        "AND provider_reference IS NOT NULL",
        (PEER_CHECK_REF,),
    )[0][0]
    print(
        f"  suite: refused events stored {stored} (want 0), signature failures counted "
        f"{failures} (want 2); peer: {PEER_CHECK_REF} written {written} (want 0)"
    )
    if stored or failures != 2 or written:
        problems += 1
        print("  PROBLEM: a refused request left a trace it should not have")
    return problems


async def load_phase(args, setup):
    base = args.url.rstrip("/")
    jobs = build_jobs(base, args.events, args.warmup)
    print(
        "body size: suite "
        f"{statistics.mean(len(job.body.encode()) for job in jobs['suite']):.0f} bytes, "
        f"peer {statistics.mean(len(job.body.encode()) for job in jobs['peer']):.0f} bytes"
    )
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        # Warm-up: every worker builds its routing map and loads the registry.
        warm = await run_requests(
            session, jobs["suite_warm"] + jobs["peer_warm"], args.concurrency, prepare=Job.request
        )
        warm_statuses = Counter(r[0] for r in warm)
        print(f"warm-up: {len(warm)} signed requests (half each), statuses {dict(warm_statuses)}")
        if set(warm_statuses) != {200}:
            for status, _s, _e, body in warm:
                if status != 200:
                    print(f"  e.g. {status}: {body[:300]!r}")
                    break
            raise SystemExit("ERROR: the endpoints do not answer the warm-up; nothing measured.")
        check_problems = await signature_checks(session, args, setup, jobs, base)

        # Interleaved rounds, ABBA order (suite-peer, peer-suite, ...), so that a
        # change of the machine's load during the run weighs on both alike.
        rounds = {name: split_evenly(jobs[name], args.rounds) for name in ("suite", "peer")}
        if args.marker_out:  # the server log is scanned from here on (Odoo's time format)
            now = time.time()
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now))
            with open(args.marker_out, "w") as handle:
                json.dump({"measured_from": f"{stamp},{int(now % 1 * 1000):03d}"}, handle)
        results = {"suite": [], "peer": []}
        walls = {"suite": 0.0, "peer": 0.0}
        round_p50 = {"suite": [], "peer": []}
        for number in range(args.rounds):
            order = ("suite", "peer") if number % 2 == 0 else ("peer", "suite")
            for name in order:
                started = time.perf_counter()
                done = await run_requests(
                    session, rounds[name][number], args.concurrency, args.rate, Job.request
                )
                walls[name] += time.perf_counter() - started
                results[name] += done
                round_p50[name].append(percentile([ms(r[2] - r[1]) for r in done], 0.5))
    return results, walls, round_p50, check_problems


def summarize(label, results, wall, round_p50):
    latencies = [ms(end - start) for _status, start, end, _body in results]
    statuses = Counter(status for status, _s, _e, _b in results)
    non_2xx = sum(c for s, c in statuses.items() if not (isinstance(s, int) and 200 <= s < 300))
    stats = {
        "p50": percentile(latencies, 0.5),
        "p90": percentile(latencies, 0.9),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies),
        "rate": len(results) / wall,
        "non_2xx": non_2xx,
    }
    print(f"{label}: {len(results)} events, wall time {wall:.2f} s")
    print(
        f"  ack latency p50 {stats['p50']:.1f} ms, p90 {stats['p90']:.1f} ms, "
        f"p99 {stats['p99']:.1f} ms, max {stats['max']:.1f} ms"
    )
    print(f"  events per second: {stats['rate']:.1f}")
    print(f"  statuses {dict(sorted(statuses.items(), key=str))}; non-2xx: {non_2xx}")
    print(f"  p50 per round (drift check): {' '.join(f'{v:.1f}' for v in round_p50)} ms")
    if non_2xx:
        print("  PROBLEM: answers other than 2xx")
        for status, _s, _e, body in results:
            if not (isinstance(status, int) and 200 <= status < 300):
                print(f"    e.g. {status}: {body[:300]!r}")
                break
    return stats


def report_stored(args, setup, results):
    """What the suite stored and what the peer processed, read from PostgreSQL."""
    system_id = setup["system_id"]
    per_state = dict(
        db_query(
            args.db,
            "SELECT state, count(*) FROM saas_event WHERE system_id = %s "
            "AND external_id LIKE 'evt\\_bench\\_cus\\_%%' GROUP BY state",
            (system_id,),
        )
    )
    distinct = db_query(
        args.db,
        "SELECT count(DISTINCT external_id) FROM saas_event WHERE system_id = %s "
        "AND external_id LIKE 'evt\\_bench\\_cus\\_%%'",
        (system_id,),
    )[0][0]
    stored = sum(per_state.values())
    answered_ids = set()
    for status, _s, _e, body in results["suite"]:
        if status == 200:
            try:
                answer = json.loads(body)
                if not answer.get("duplicate"):
                    answered_ids.add(answer["id"])
            except (ValueError, KeyError, AttributeError):
                pass
    sent = len(results["suite"])
    verdict = "OK" if stored == distinct == sent == len(answered_ids) else "MISMATCH"
    print(
        f"suite stored: {stored} events (distinct external ids {distinct}, states {per_state}) "
        f"for {sent} sent; distinct event ids answered as new: {len(answered_ids)}: {verdict}"
    )
    triggers = db_query(
        args.db,
        "SELECT count(*) FROM ir_cron_trigger t JOIN ir_model_data d ON d.res_id = t.cron_id "
        "AND d.model = 'ir.cron' WHERE d.module = 'saas_sync' AND d.name LIKE 'ir_cron_process_%%'",
    )[0][0]
    print(f"  cron triggers queued for the saas_sync lane crons (crons off): {triggers}")
    processed = db_query(
        args.db,
        "SELECT count(*) FROM payment_transaction WHERE reference LIKE 'BENCH-_____' "
        "AND provider_reference LIKE 'pi\\_bench%%'",
    )[0][0]
    states = dict(
        db_query(
            args.db,
            "SELECT state, count(*) FROM payment_transaction WHERE reference LIKE 'BENCH-_____' "
            "GROUP BY state",
        )
    )
    peer_verdict = "OK" if processed == len(results["peer"]) else "MISMATCH"
    print(
        f"peer processed past the signature check: {processed} transactions got their "
        f"PaymentIntent id, for {len(results['peer'])} sent (states {states}): {peer_verdict}"
    )


def cmd_load(args):
    with open(args.setup_file) as handle:
        setup = json.load(handle)
    print(
        f"load: {args.events} events per endpoint, {args.concurrency} concurrent clients, "
        f"{args.rounds} interleaved rounds per endpoint (ABBA order), "
        f"rate {'unthrottled (closed loop)' if not args.rate else f'{args.rate:g} req/s'}"
    )
    print(f"  suite: POST {SUITE_PATH}, customer.created (new customer, unique ids)")
    print(
        f"  peer:  POST {PEER_PATH}, payment_intent.succeeded for an already confirmed "
        "transaction (signature verified, transaction updated, state unchanged)"
    )
    results, walls, round_p50, check_problems = asyncio.run(load_phase(args, setup))
    suite = summarize(
        f"suite POST {SUITE_PATH}", results["suite"], walls["suite"], round_p50["suite"]
    )
    peer = summarize(f"peer POST {PEER_PATH}", results["peer"], walls["peer"], round_p50["peer"])
    report_stored(args, setup, results)
    print(
        f"ratio suite/peer: p50 latency {suite['p50'] / peer['p50']:.2f}, "
        f"p99 latency {suite['p99'] / peer['p99']:.2f}, "
        f"throughput {suite['rate'] / peer['rate']:.2f}"
    )
    if check_problems:
        print(f"PROBLEM: {check_problems} signature check(s) did not behave as expected")


# ------------------------------------------------------------------ logscan
def cmd_logscan(args):
    measured_from = ""  # log times are UTC (scripts/lib.sh exports TZ=UTC)
    if args.marker and Path(args.marker).exists():
        measured_from = json.loads(Path(args.marker).read_text())["measured_from"]
    scan = scan_log(args.log, measured_from)
    print_log_scan(scan)
    print(
        "  access log of the measured rounds"
        + (f" (from {measured_from} UTC)" if measured_from else " (whole run)")
        + ":"
    )
    print_log_scan_paths(scan, (SUITE_PATH, PEER_PATH))


# --------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    setup = sub.add_parser("setup")
    setup.add_argument("--db", required=True)
    setup.add_argument("--addons-path", required=True)
    setup.add_argument("--out", required=True, help="JSON file receiving the record ids")
    setup.add_argument("--events", type=int, default=2000)
    setup.add_argument("--warmup", type=int, default=32)

    load = sub.add_parser("load")
    load.add_argument("--db", required=True)
    load.add_argument("--url", required=True)
    load.add_argument("--setup-file", required=True)
    load.add_argument("--events", type=int, default=2000)
    load.add_argument("--warmup", type=int, default=32)
    load.add_argument("--concurrency", type=int, default=8)
    load.add_argument("--rounds", type=int, default=10, help="rounds per endpoint")
    load.add_argument("--rate", type=float, default=0.0, help="req/s cap, 0 = closed loop")
    load.add_argument("--marker-out", help="JSON file receiving when the measured rounds start")

    logscan = sub.add_parser("logscan")
    logscan.add_argument("--log", required=True)
    logscan.add_argument("--marker", help="JSON file written by load --marker-out")

    args = parser.parse_args(argv)
    commands = {"setup": cmd_setup, "load": cmd_load, "logscan": cmd_logscan}
    run_command(commands, args)


if __name__ == "__main__":
    main()
