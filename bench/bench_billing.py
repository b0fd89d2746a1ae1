# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Billing benchmark of saas_subscription against OCA ``contract``, driven by
``bench_billing.sh``.

Sub-commands (each one phase of a run; the shell script chains them):

``fetch-peer``
    ``pip download --no-deps`` of ``odoo-addon-contract`` for 18.0 and of the
    ``odoo-addon-*`` distributions its wheel METADATA requires, unzipped into a
    folder for ``--addons-path``. Nothing is installed into site-packages.
``install``
    Creates a fresh database and installs one module without demo data
    through Odoo's ``Registry``; loads ``generic_coa`` when the company has no
    chart of accounts.
``suite-setup`` / ``suite-round``
    The suite: a billing ``saas.system``, a service product and its approved
    product mapping; then, per round, customers, ``invoice.issued`` and
    ``payment.succeeded`` canonical events stored with ``_store_incoming`` and
    processed with ``process_pending`` (a fresh cursor and a commit per batch).
``peer-setup`` / ``peer-round``
    The peer: the same product; per round, as many customers and contracts
    (one monthly line, same price) as the suite has invoices, then the
    contract cron creating the invoices and, timed apart, posting them.
``verify``
    Final state of the suite database: events by state, invoices by payment
    state, attempts per event.
``report``
    Reads the per-round JSON lines and prints the comparison.

Nothing here is a test assertion: the script prints what it measured and
what it found.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections import Counter
from datetime import date
from email.parser import Parser

import psycopg2
from benchlib import event, open_registry, percentile, sandbox_system

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

SYSTEM_CODE = "bench-billing"
PLAN_KEY = "plan"
PRODUCT_CODE = "BENCH-PLAN"
PRICE = "49.00"
INVOICE_DATE = "2026-01-01"
PAYMENT_DATE = "2026-01-03"
PEER_REQUIREMENT = "odoo-addon-contract>=18.0,<18.1"


# ------------------------------------------------------------------ helpers


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rate(count, seconds):
    return count / seconds if seconds else float("nan")


def environment(cr):
    """The environment a lane cron runs with: the superuser, default context."""
    return api.Environment(cr, SUPERUSER_ID, {})


def peak_rss_mb():
    """Peak resident memory of this process (one round: registry, warm-up, round)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def append_result(path, result):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(result) + "\n")


# --------------------------------------------------------------- fetch-peer
def _distribution_name(requirement):
    return re.split(r"[<>=!~;\[ (]", requirement, maxsplit=1)[0].strip().lower()


def _addon_requirements(wheel):
    """``odoo-addon-*`` requirements of a wheel, from its METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        message = Parser().parsestr(archive.read(metadata).decode())
    requirements = []
    for requirement in message.get_all("Requires-Dist") or []:
        spec = requirement.split(";", 1)[0].strip()
        if _distribution_name(spec).startswith(("odoo-addon-", "odoo18-addon-")):
            requirements.append(spec)
    return message["Name"], message["Version"], requirements


def cmd_fetch_peer(args):
    wheels = os.path.join(args.dest, "wheels")
    root = os.path.join(args.dest, "addons")
    os.makedirs(wheels, exist_ok=True)
    os.makedirs(root, exist_ok=True)
    queue, seen = [args.requirement], set()
    while queue:
        spec = queue.pop(0)
        if _distribution_name(spec) in seen:
            continue
        seen.add(_distribution_name(spec))
        before = set(os.listdir(wheels))
        subprocess.run(
            [
                sys.executable,
                *("-m", "pip", "download", "--no-deps", "--quiet"),
                *("--disable-pip-version-check", "--dest", wheels, spec),
            ],
            check=True,
        )
        for filename in sorted(set(os.listdir(wheels)) - before):
            if not filename.endswith(".whl"):
                raise SystemExit(f"{spec}: pip downloaded {filename}, not a wheel")
            wheel = os.path.join(wheels, filename)
            name, version, requirements = _addon_requirements(wheel)
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(root)
            print(
                f"peer: {name} {version} (wheel unzipped, addon requirements: "
                f"{', '.join(requirements) or 'none'})"
            )
            queue.extend(requirements)
    addons = os.path.join(root, "odoo", "addons")
    print(f"peer: addons folder {addons}: {', '.join(sorted(os.listdir(addons)))}")


# ------------------------------------------------------------------ install
def cmd_install(args):
    odoo.tools.config.parse_config(
        [
            *("-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn"),
            *("--without-demo=all", "-i", args.module, "--max-cron-threads", "0"),
        ],
        setup_logging=True,
    )
    odoo.service.db._create_empty_database(args.db)
    started = time.monotonic()
    registry = Registry.new(args.db, update_module=True)
    with registry.cursor() as cr:
        env = environment(cr)
        module = env["ir.module.module"].search([("name", "=", args.module)])
        if module.state != "installed":
            raise SystemExit(f"{args.module} is {module.state} after the install")
        company = env.company
        chart = company.chart_template
        if not chart:
            env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
            chart = f"{company.chart_template} (loaded by the benchmark)"
        print(
            f"install: {args.module} {module.installed_version} into {args.db} in "
            f"{time.monotonic() - started:.0f} s; chart of accounts {chart}, "
            f"currency {company.currency_id.name}"
        )


def _bench_product(env):
    return env["product.product"].create(
        {
            "name": "Bench plan",
            "default_code": PRODUCT_CODE,
            "type": "service",
            "list_price": float(PRICE),
            "taxes_id": [Command.clear()],
        }
    )


def _find_product(env):
    return env["product.product"].search([("default_code", "=", PRODUCT_CODE)], limit=1)


# -------------------------------------------------------------------- suite
def cmd_suite_setup(args):
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = environment(cr)
        system = sandbox_system(
            env,
            name="Bench billing platform",
            code=SYSTEM_CODE,
            kind="billing",
            company_id=env.company.id,
            max_pending_events=0,
            owns_customers=True,
            owns_subscriptions=True,
            owns_payments=True,
        )
        product = _bench_product(env)
        mapping = env["saas.mapping"].create(
            {
                "system_id": system.id,
                "kind": "product",
                "external_key": PLAN_KEY,
                "target_ref": f"product.product,{product.id}",
            }
        )
        mapping.action_approve()
        print(
            f"suite setup: system {system.code!r} id={system.id} (billing, sandbox), product "
            f"{product.display_name} id={product.id} (service, no tax), mapping "
            f"{PLAN_KEY!r} {mapping.state}"
        )


def suite_payloads(tag, count, currency):
    """Canonical events of ``count`` customers, each with one invoice and its payment."""
    customers, invoices, payments = [], [], []
    for number in range(count):
        key = f"{tag}_{number:05d}"
        customers.append(
            event(
                f"evt_cus_{key}",
                "customer.upserted",
                "2025-12-31T12:00:00Z",
                {
                    "customer_id": f"cus_{key}",
                    "name": f"Bench customer {key}",
                    "email": f"cus_{key}@bench.example",
                },
            )
        )
        invoices.append(
            event(
                f"evt_in_{key}",
                "invoice.issued",
                "2026-01-01T00:00:00Z",
                {
                    "invoice_id": f"in_{key}",
                    "customer_id": f"cus_{key}",
                    "currency": currency,
                    "total": PRICE,
                    "number": f"SRC-in_{key}",
                    "date": INVOICE_DATE,
                    "lines": [
                        {
                            "plan": PLAN_KEY,
                            "description": "Bench plan, January 2026",
                            "quantity": "1",
                            "unit_amount": PRICE,
                            "period_start": "2026-01-01",
                            "period_end": "2026-01-31",
                        }
                    ],
                },
            )
        )
        payments.append(
            event(
                f"evt_pay_{key}",
                "payment.succeeded",
                "2026-01-03T00:00:00Z",
                {
                    "payment_id": f"pay_{key}",
                    "customer_id": f"cus_{key}",
                    "currency": currency,
                    "amount": PRICE,
                    "invoice_ids": [f"in_{key}"],
                    "date": PAYMENT_DATE,
                    "reference": f"SRC-pay_{key}",
                },
            )
        )
    return {"customers": customers, "invoices": invoices, "payments": payments}


class SuiteRunner:
    def __init__(self, registry, batch):
        self.registry = registry
        self.batch = batch
        self.batches = []
        with registry.cursor() as cr:
            env = environment(cr)
            system = env["saas.system"].search([("code", "=", SYSTEM_CODE)])
            self.system_id = system.id
            self.currency = system.company_id.currency_id.name

    def store(self, payloads):
        started = time.perf_counter()
        for chunk in chunks(payloads, self.batch):
            with self.registry.cursor() as cr:
                env = environment(cr)
                system = env["saas.system"].browse(self.system_id)
                for payload in chunk:
                    env["saas.event"]._receive_canonical(system, payload)
        return time.perf_counter() - started

    def process(self):
        """``process_pending`` batches, a fresh cursor and a commit each, until
        nothing is due; returns (events, seconds, queries, batches)."""
        events = seconds = queries = batches = 0
        while True:
            started = time.perf_counter()
            with self.registry.cursor() as cr:
                before = cr.sql_log_count
                done = environment(cr)["saas.event"].process_pending(
                    system_ids=[self.system_id], limit=self.batch
                )
                count, used = len(done), cr.sql_log_count - before
            if not count:
                return events, seconds, queries, batches
            elapsed = time.perf_counter() - started  # includes the commit
            self.batches.append((count, used, elapsed))
            seconds += elapsed
            events, queries, batches = events + count, queries + used, batches + 1

    def outcome(self, payloads):
        with self.registry.cursor() as cr:
            cr.execute(
                """SELECT e.state, count(*), min(e.last_error),
                          sum((SELECT count(*) FROM saas_event_attempt a
                                WHERE a.event_id = e.id))
                     FROM saas_event e
                    WHERE e.system_id = %s AND e.external_id = ANY(%s)
                 GROUP BY e.state""",
                (self.system_id, [p["id"] for p in payloads]),
            )
            rows = cr.fetchall()
        states = {state: count for state, count, _error, _attempts in rows}
        errors = [error for state, _c, error, _a in rows if state != "done" and error]
        return states, errors, sum(attempts for *_rest, attempts in rows)

    def phase(self, payloads):
        store_s = self.store(payloads)
        self.batches = []
        events, process_s, queries, batches = self.process()
        states, errors, attempts = self.outcome(payloads)
        per_event = [used / count for count, used, _s in self.batches]
        ms_per_event = [elapsed * 1000 / count for count, _u, elapsed in self.batches]
        return {
            "sent": len(payloads),
            "processed": events,
            "batches": batches,
            "store_s": store_s,
            "process_s": process_s,
            "queries": queries,
            "q_per_event": queries / events if events else float("nan"),
            "q_batch_min": min(per_event, default=0),
            "q_batch_max": max(per_event, default=0),
            "ms_event_p50": percentile(ms_per_event, 0.5),
            "ms_event_max": max(ms_per_event, default=0),
            "states": states,
            "errors": errors[:3],
            "attempts": attempts,
        }

    def run(self, tag, count):
        payloads = suite_payloads(tag, count, self.currency)
        return {name: self.phase(payloads[name]) for name in payloads}

    def invoice_states(self, tag):
        with self.registry.cursor() as cr:
            cr.execute(
                """SELECT m.state, m.payment_state, count(*)
                     FROM saas_binding b JOIN account_move m ON m.id = b.res_id
                    WHERE b.system_id = %s AND b.res_model = 'account.move'
                      AND b.external_id LIKE %s
                 GROUP BY m.state, m.payment_state""",
                (self.system_id, f"in\\_{tag}\\_%"),
            )
            return {f"{state}/{payment}": count for state, payment, count in cr.fetchall()}


def _print_phase(label, stats, unit):
    print(
        f"  {label:<9} {stats['processed']:>5} of {stats['sent']:>5} events in "
        f"{stats['batches']} batches, {stats['process_s']:7.2f} s = "
        f"{rate(stats['processed'], stats['process_s']):6.1f} {unit}/s | SQL/event "
        f"{stats['q_per_event']:6.1f} (by batch: min {stats['q_batch_min']:.1f}, max "
        f"{stats['q_batch_max']:.1f}) | ms/event by batch: p50 {stats['ms_event_p50']:.1f}, "
        f"max {stats['ms_event_max']:.1f} | stored in {stats['store_s']:.2f} s"
    )
    if set(stats["states"]) != {"done"} or stats["attempts"] != stats["sent"]:
        print(
            f"  PROBLEM {label}: states {stats['states']}, attempts {stats['attempts']} "
            f"for {stats['sent']} events; errors: {stats['errors']}"
        )


def cmd_suite_round(args):
    registry = open_registry(args)
    runner = SuiteRunner(registry, args.batch)
    if args.warmup:
        runner.run(f"w{args.round}", args.warmup)
    tag = f"r{args.round}"
    phases = runner.run(tag, args.size)
    invoices = runner.invoice_states(tag)
    paid = invoices.get("posted/paid", 0)
    print(
        f"suite round {args.round}: {args.size} pairs (database volume after it: "
        f"{args.volume} pairs, plus {args.warmup} untimed warm-up pairs per round)"
    )
    _print_phase("customers", phases["customers"], "customers")
    _print_phase("invoices", phases["invoices"], "invoices posted")
    _print_phase("payments", phases["payments"], "payments posted+reconciled")
    print(f"  invoices of the round by state/payment state: {invoices}; paid {paid}/{args.size}")
    append_result(
        args.out,
        {
            "side": "suite",
            "round": args.round,
            "size": args.size,
            "volume": args.volume,
            "phases": phases,
            "paid": paid,
            "invoice_states": invoices,
            "peak_rss_mb": peak_rss_mb(),
        },
    )


def cmd_verify(args):
    registry = open_registry(args)
    with registry.cursor() as cr:
        cr.execute("SELECT event_type, state, count(*) FROM saas_event GROUP BY 1, 2 ORDER BY 1, 2")
        events = cr.fetchall()
        cr.execute(
            """SELECT m.state, m.payment_state, count(*) FROM account_move m
                WHERE m.move_type = 'out_invoice' GROUP BY 1, 2"""
        )
        invoices = cr.fetchall()
        cr.execute(
            """SELECT count(*) FILTER (WHERE n <> 1), count(*) FROM
                 (SELECT e.id, count(a.id) AS n FROM saas_event e
                    LEFT JOIN saas_event_attempt a ON a.event_id = e.id GROUP BY e.id) x"""
        )
        odd_attempts, total_events = cr.fetchone()
        cr.execute(
            """SELECT count(*) FROM account_payment p JOIN account_move m ON m.id = p.move_id
                WHERE m.state = 'posted'"""
        )
        payments = cr.fetchone()[0]
    print("suite database at the end (timed rounds and warm-up together):")
    print("  events: " + ", ".join(f"{t} {s} {c}" for t, s, c in events))
    print("  customer invoices: " + ", ".join(f"{s}/{p} {c}" for s, p, c in invoices))
    paid = sum(c for s, p, c in invoices if (s, p) == ("posted", "paid"))
    expected = sum(c for t, _s, c in events if t == "invoice.issued")
    print(f"  paid invoices {paid} of {expected} invoice events; posted payments {payments}")
    print(f"  events without exactly one attempt: {odd_attempts} of {total_events}")


# -------------------------------------------------------------- scale-out
LANE_CRONS = [
    f"saas_sync.ir_cron_process_{lane}{suffix}"
    for lane in ("operational", "financial")
    for suffix in ("", "_2")
]


def _lane_crons(env):
    return (
        env["ir.cron"]
        .with_context(active_test=False)
        .browse([env.ref(xml_id).id for xml_id in LANE_CRONS])
    )


def _set_crons_active(registry, active):
    """In SQL, which waits for a running cron to finish (the ORM refuses to
    write a running cron); retried when a cron worker wrote the row meanwhile."""
    for _attempt in range(60):
        with registry.cursor() as cr:
            crons = _lane_crons(environment(cr))
            try:
                cr.execute(
                    "UPDATE ir_cron SET active = %s WHERE id = ANY(%s)",
                    [active, crons.ids],
                    log_exceptions=False,
                )
                if not active:
                    cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = ANY(%s)", [crons.ids])
                return crons.ids
            except psycopg2.errors.SerializationFailure:
                cr.rollback()
        time.sleep(1)
    raise SystemExit("scale: could not switch the lane crons")


def _hold_crons(registry):
    """Lane crons inactive and without pending triggers: nothing runs while
    the events of a phase are stored."""
    _set_crons_active(registry, False)


def _release_crons(registry):
    """Lane crons (both workers of each lane) active and triggered now."""
    ids = _set_crons_active(registry, True)
    with registry.cursor() as cr:
        for cron in environment(cr)["ir.cron"].browse(ids):
            cron._trigger()


def _start_servers(args, count, log):
    servers = []
    for number in range(count):
        port = args.port_base + number
        command = [
            sys.executable,
            *("-m", "odoo", "-d", args.db, "--addons-path", args.addons_path),
            *("--http-port", str(port), "--max-cron-threads", "1", "--workers", "0"),
            *("--log-level", "warn", "--logfile", log, "--db-filter", f"^{args.db}$"),
        ]
        servers.append((subprocess.Popen(command), port))
    deadline = time.monotonic() + 120
    for process, port in servers:
        while True:
            if process.poll() is not None:
                raise SystemExit(f"scale: the Odoo server on port {port} stopped")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"scale: no answer on port {port}") from None
                time.sleep(0.5)
    return [process for process, _port in servers]


def _stop_servers(processes):
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _drain_by_crons(registry, runner, payloads, timeout):
    """Store ``payloads`` with the crons held, release them and wait until
    every event is final; (seconds, runs per cron record, final states)."""
    _hold_crons(registry)
    runner.store(payloads)
    ids = [p["id"] for p in payloads]
    with registry.cursor() as cr:
        cr.execute("SELECT coalesce(max(id), 0) FROM ir_cron_progress")
        progress_from = cr.fetchone()[0]
    started = time.perf_counter()
    _release_crons(registry)
    while True:
        with registry.cursor() as cr:
            cr.execute(
                """SELECT count(*) FILTER (WHERE state IN ('received', 'retry', 'processing'))
                     FROM saas_event WHERE system_id = %s AND external_id = ANY(%s)""",
                (runner.system_id, ids),
            )
            pending = cr.fetchone()[0]
        if not pending:
            break
        if time.perf_counter() - started > timeout:
            print(f"  PROBLEM: {pending} events still pending after {timeout} s")
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    with registry.cursor() as cr:
        cr.execute(
            """SELECT c.cron_name, count(*) FROM ir_cron_progress p
                 JOIN ir_cron c ON c.id = p.cron_id
                WHERE p.id > %s AND c.id = ANY(%s) GROUP BY c.cron_name ORDER BY 1""",
            (progress_from, _lane_crons(environment(cr)).ids),
        )
        by_cron = dict(cr.fetchall())
    return seconds, by_cron, runner.outcome(payloads)


def _doubled(registry, runner, tag):
    """Events without exactly one attempt, and source objects booked more than once."""
    with registry.cursor() as cr:
        cr.execute(
            """SELECT count(*) FROM (SELECT e.id FROM saas_event e
                 LEFT JOIN saas_event_attempt a ON a.event_id = e.id
                WHERE e.system_id = %s AND e.external_id LIKE %s
             GROUP BY e.id HAVING count(a.id) <> 1) x""",
            (runner.system_id, f"evt\\_%\\_{tag}\\_%"),
        )
        odd = cr.fetchone()[0]
        cr.execute(
            """SELECT count(*) - count(DISTINCT e.id) FROM account_move m
                 JOIN saas_event e ON e.id = m.saas_event_id
                WHERE e.system_id = %s AND e.external_id LIKE %s
                  AND m.move_type IN ('out_invoice', 'entry')""",
            (runner.system_id, f"evt\\_%\\_{tag}\\_%"),
        )
        doubled = cr.fetchone()[0]
    return odd, doubled


def cmd_scale(args):
    """Throughput of the lane crons run by 1, then 2, ... Odoo servers (one
    cron thread each) on the suite database: the second worker cron of each
    lane is active, so two servers run a lane's two cron records at once."""
    registry = open_registry(args)
    runner = SuiteRunner(registry, args.batch)
    log = os.path.join(args.workdir, "scale_servers.log")
    with registry.cursor() as cr:
        environment(cr)["ir.config_parameter"].set_param(
            "saas_sync.batch_size", str(args.cron_batch)
        )
    for servers in args.servers:
        tag = f"x{servers}"
        payloads = suite_payloads(tag, args.size, runner.currency)
        runner.store(payloads["customers"])
        runner.process()  # customers are not timed here
        _hold_crons(registry)
        processes = _start_servers(args, servers, log)
        try:
            for name, unit in (("invoices", "invoices posted"), ("payments", "payments")):
                seconds, by_cron, (states, errors, attempts) = _drain_by_crons(
                    registry, runner, payloads[name], args.timeout
                )
                result = {
                    "side": "scale",
                    "servers": servers,
                    "phase": name,
                    "events": args.size,
                    "seconds": seconds,
                    "by_cron": by_cron,
                    "states": states,
                }
                append_result(args.out, result)
                print(
                    f"  {servers} server(s), {name:<8}: {args.size} events in {seconds:6.1f} s = "
                    f"{rate(args.size, seconds):5.1f} {unit}/s; states {states}; "
                    f"attempts {attempts}; runs by cron record {by_cron}"
                    + (f"; errors {errors}" if errors else "")
                )
        finally:
            _stop_servers(processes)
        odd, doubled = _doubled(registry, runner, tag)
        print(
            f"  {servers} server(s): events without exactly one attempt: {odd}; "
            f"documents booked twice: {doubled}"
        )
    _hold_crons(registry)
    with registry.cursor() as cr:
        environment(cr)["ir.config_parameter"].set_param("saas_sync.batch_size", "")


def cmd_scale_report(args):
    with open(args.results, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    rows = [row for row in rows if row["side"] == "scale"]
    for phase in ("invoices", "payments"):
        rates = {
            row["servers"]: rate(row["events"], row["seconds"])
            for row in rows
            if row["phase"] == phase
        }
        if not rates:
            continue
        base = rates[min(rates)]
        print(
            f"scale-out, {phase}: "
            + ", ".join(f"{n} server(s) {r:.1f}/s ({r / base:.2f}x)" for n, r in rates.items())
        )


# --------------------------------------------------------------------- peer
def cmd_peer_setup(args):
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = environment(cr)
        product = _bench_product(env)
        journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1
        )
        module = env["ir.module.module"].search([("name", "=", "contract")])
        print(
            f"peer setup: contract {module.installed_version}, product "
            f"{product.display_name} id={product.id} (service, no tax), sale journal "
            f"{journal.code}"
        )


def _create_contracts(env, tag, count):
    product = _find_product(env)
    partners = env["res.partner"].create(
        [
            {"name": f"Bench customer {tag}_{n:05d}", "email": f"cus_{tag}_{n:05d}@bench.example"}
            for n in range(count)
        ]
    )
    return env["contract.contract"].create(
        [
            {
                "name": f"Contract {tag}_{n:05d}",
                "partner_id": partner.id,
                "contract_type": "sale",
                "line_recurrence": True,
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "name": "Bench plan",
                            "quantity": 1,
                            "uom_id": product.uom_id.id,
                            "price_unit": float(PRICE),
                            "recurring_rule_type": "monthly",
                            "recurring_interval": 1,
                            "date_start": INVOICE_DATE,
                            "recurring_next_date": INVOICE_DATE,
                        }
                    )
                ],
            }
            for n, partner in enumerate(partners)
        ]
    )


def _draft_invoices(env):
    return env["account.move"].search(
        [("move_type", "=", "out_invoice"), ("state", "=", "draft")], order="id"
    )


def peer_invoice(registry, tag, count):
    """Contracts of ``count`` new customers (committed, untimed), then the cron
    creating their invoices and the posting, each timed in its own transaction."""
    with registry.cursor() as cr:
        _create_contracts(environment(cr), tag, count)
    started = time.perf_counter()
    with registry.cursor() as cr:
        before = cr.sql_log_count
        environment(cr)["contract.contract"].cron_recurring_create_invoice(
            date.fromisoformat(INVOICE_DATE)
        )
        create_queries = cr.sql_log_count - before
    create_s = time.perf_counter() - started
    with registry.cursor() as cr:
        drafts = _draft_invoices(environment(cr))
        created, amounts = len(drafts), Counter(drafts.mapped("amount_total"))
    started = time.perf_counter()
    with registry.cursor() as cr:
        before = cr.sql_log_count
        _draft_invoices(environment(cr)).action_post()
        post_queries = cr.sql_log_count - before
    post_s = time.perf_counter() - started
    return {
        "created": created,
        "amounts": {str(amount): n for amount, n in amounts.items()},
        "create_s": create_s,
        "create_queries": create_queries,
        "post_s": post_s,
        "post_queries": post_queries,
    }


def cmd_peer_round(args):
    registry = open_registry(args)
    if args.warmup:
        peer_invoice(registry, f"w{args.round}", args.warmup)
    result = peer_invoice(registry, f"r{args.round}", args.size)
    with registry.cursor() as cr:
        cr.execute(
            """SELECT state, count(*) FROM account_move
                WHERE move_type = 'out_invoice' GROUP BY state"""
        )
        states = dict(cr.fetchall())
    created = result["created"]
    both_s = result["create_s"] + result["post_s"]
    print(
        f"contract round {args.round}: {args.size} contracts, cron created {created} draft "
        f"invoices (amounts {result['amounts']}) in {result['create_s']:.2f} s = "
        f"{rate(created, result['create_s']):.1f} invoices/s, SQL/invoice "
        f"{result['create_queries'] / max(created, 1):.1f}; action_post() of them "
        f"{result['post_s']:.2f} s, SQL/invoice {result['post_queries'] / max(created, 1):.1f}; "
        f"create+post {rate(created, both_s):.1f} invoices/s; "
        f"customer invoices in the database by state {states}"
    )
    if created != args.size:
        print(f"  PROBLEM contract: {created} invoices created for {args.size} contracts")
    append_result(
        args.out,
        {
            "side": "contract",
            "round": args.round,
            "size": args.size,
            "volume": args.volume,
            "peak_rss_mb": peak_rss_mb(),
        }
        | result,
    )


# ------------------------------------------------------------------- report
def _flatness(values):
    values = [v for v in values if v == v]  # drop NaN
    if not values or not min(values):
        return "n/a"
    spread = max(values) / min(values)
    verdict = "flat" if spread <= 1.05 else "GROWS" if values[-1] > values[0] else "varies"
    return f"{verdict} (max/min {spread:.2f})"


def _suite_totals(suite):
    totals = {}
    for name in ("customers", "invoices", "payments"):
        events = sum(r["phases"][name]["processed"] for r in suite)
        seconds = sum(r["phases"][name]["process_s"] for r in suite)
        queries = sum(r["phases"][name]["queries"] for r in suite)
        totals[name] = (events, seconds, queries)
    return totals


def _print_rounds(suite, peer):
    print(
        "round  pairs  volume | suite inv/s  SQL/inv | suite pay/s  SQL/pay | "
        "contract create inv/s  SQL/inv | contract create+post inv/s  SQL/inv | "
        "suite/contract (create, create+post)"
    )
    for s, p in zip(suite, peer, strict=True):
        inv, pay = s["phases"]["invoices"], s["phases"]["payments"]
        suite_rate = rate(inv["processed"], inv["process_s"])
        create_rate = rate(p["created"], p["create_s"])
        both_rate = rate(p["created"], p["create_s"] + p["post_s"])
        created = max(p["created"], 1)
        print(
            f"{s['round']:>5} {s['size']:>6} {s['volume']:>7} | {suite_rate:11.1f} "
            f"{inv['q_per_event']:8.1f} | {rate(pay['processed'], pay['process_s']):11.1f} "
            f"{pay['q_per_event']:8.1f} | {create_rate:21.1f} "
            f"{p['create_queries'] / created:8.1f} | {both_rate:26.1f} "
            f"{(p['create_queries'] + p['post_queries']) / created:8.1f} | "
            f"{suite_rate / create_rate:.2f}, {suite_rate / both_rate:.2f}"
        )


def cmd_report(args):
    with open(args.results, encoding="utf-8") as handle:
        results = [json.loads(line) for line in handle if line.strip()]
    suite = sorted((r for r in results if r["side"] == "suite"), key=lambda r: r["round"])
    peer = sorted((r for r in results if r["side"] == "contract"), key=lambda r: r["round"])
    if not suite or len(suite) != len(peer):
        raise SystemExit(f"report: {len(suite)} suite rounds, {len(peer)} contract rounds")
    _print_rounds(suite, peer)
    for name, label in (("invoices", "invoice"), ("payments", "payment")):
        means = [r["phases"][name]["q_per_event"] for r in suite]
        print(
            f"SQL queries per {label} event by round: "
            + ", ".join(f"{r['size']} pairs -> {m:.1f}" for r, m in zip(suite, means, strict=True))
            + f": {_flatness(means)}"
        )
    totals = _suite_totals(suite)
    pairs = sum(r["size"] for r in suite)
    paid = sum(r["paid"] for r in suite)
    created = sum(p["created"] for p in peer)
    create_s = sum(p["create_s"] for p in peer)
    post_s = sum(p["post_s"] for p in peer)
    print(f"totals over {len(suite)} rounds, {pairs} pairs (warm-up excluded):")
    for name, unit in (
        ("customers", "customers"),
        ("invoices", "invoices posted"),
        ("payments", "payments posted+reconciled"),
    ):
        events, seconds, queries = totals[name]
        print(
            f"  suite {name:<9}: {events} events in {seconds:.1f} s = "
            f"{rate(events, seconds):.1f} {unit}/s, {queries / max(events, 1):.1f} SQL/event"
        )
    print(f"  suite invoices paid: {paid} of {pairs} expected")
    print(
        f"  contract: {created} invoices, cron {create_s:.1f} s = "
        f"{rate(created, create_s):.1f} invoices/s (draft), +action_post {post_s:.1f} s = "
        f"{rate(created, create_s + post_s):.1f} invoices/s created and posted"
    )
    suite_rate = rate(*totals["invoices"][:2])
    payment_rate = rate(*totals["payments"][:2])
    peer_rate = rate(created, create_s + post_s)
    print(
        f"  ratio suite/contract, invoices per second: {suite_rate / rate(created, create_s):.2f} "
        f"against contract's cron alone (draft invoices), "
        f"{suite_rate / peer_rate:.2f} against contract's cron + posting (target >= 1.5)"
    )
    print(
        f"  ratio suite payments posted+reconciled per second / contract invoices created+posted "
        f"per second: {payment_rate / peer_rate:.2f} (target >= 1.0)"
    )
    print(
        "  peak memory of a round process (registry, warm-up and round): suite "
        f"{max(r['peak_rss_mb'] for r in suite):.0f} MiB, contract "
        f"{max(p['peak_rss_mb'] for p in peer):.0f} MiB"
    )


# --------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)

    fetch = sub.add_parser("fetch-peer")
    fetch.add_argument("--dest", required=True)
    fetch.add_argument("--requirement", default=PEER_REQUIREMENT)
    fetch.set_defaults(func=cmd_fetch_peer)

    def with_db(name, func):
        command = sub.add_parser(name)
        command.add_argument("--db", required=True)
        command.add_argument("--addons-path", required=True)
        command.set_defaults(func=func)
        return command

    with_db("install", cmd_install).add_argument("--module", required=True)
    with_db("suite-setup", cmd_suite_setup)
    with_db("peer-setup", cmd_peer_setup)
    with_db("verify", cmd_verify)
    for name, func in (("suite-round", cmd_suite_round), ("peer-round", cmd_peer_round)):
        command = with_db(name, func)
        command.add_argument("--round", type=int, required=True)
        command.add_argument("--size", type=int, required=True)
        command.add_argument("--volume", type=int, required=True)
        command.add_argument("--warmup", type=int, default=5)
        command.add_argument("--batch", type=int, default=200)
        command.add_argument("--out", required=True)

    scale = with_db("scale", cmd_scale)
    scale.add_argument("--servers", type=lambda v: [int(n) for n in v.split(",")], default=[1, 2])
    scale.add_argument("--size", type=int, default=400)
    scale.add_argument("--batch", type=int, default=200)
    scale.add_argument("--cron-batch", type=int, default=50)
    scale.add_argument("--port-base", type=int, default=18130)
    scale.add_argument("--timeout", type=int, default=900)
    scale.add_argument("--workdir", required=True)
    scale.add_argument("--out", required=True)
    scale_report = sub.add_parser("scale-report")
    scale_report.add_argument("--results", required=True)
    scale_report.set_defaults(func=cmd_scale_report)

    report = sub.add_parser("report")
    report.add_argument("--results", required=True)
    report.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
