# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deferred revenue benchmark of saas_revenue against OCA
``account_spread_cost_revenue`` (18.0, PyPI), driven by ``bench_revenue.sh``.

Sub-commands:

``install``
    A fresh database with ``saas_revenue`` and the peer, without demo data
    (``generic_coa`` loaded when the company has no chart of accounts).
``run``
    In one database and on the same invoices: one customer invoice of one line
    with a 12-month service period is posted through the ORM and copied N-1
    times in SQL (a set-based setup: posting 10,000 invoices through the ORM
    takes longer than everything measured); the suite's schedules of the N
    posted invoices are created, timed, through the method that creates them
    when an invoice is posted (``_saas_revenue_after_post``), in chunks of
    ``--chunk`` invoices with a commit each; one month's batch (build, approve,
    post); the 11 other months; then the peer spreads the first P of the same
    invoice lines over 12 months and recognizes one month. Prints times, SQL
    queries, peak Python memory (tracemalloc) and the ratio of recognized
    lines per second.
``measure``
    The steps after the schedules (batches, then the peer) on a database a
    ``run`` kept (``BENCH_KEEP_DB=1``) or left before its first batch.

Nothing here is a test assertion.
"""

import argparse
import time
import tracemalloc
from datetime import date

from benchlib import open_registry

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

START = date(2026, 1, 1)
END = date(2026, 12, 31)
PRICE = 1200.0


def environment(cr):
    return api.Environment(cr, SUPERUSER_ID, {})


def cmd_install(args):
    odoo.tools.config.parse_config(
        [
            *("-d", args.db, "--addons-path", args.addons_path, "--log-level", "warn"),
            *("--without-demo=all", "-i", "saas_revenue,account_spread_cost_revenue"),
            *("--max-cron-threads", "0"),
        ],
        setup_logging=True,
    )
    odoo.service.db._create_empty_database(args.db)
    started = time.monotonic()
    registry = Registry.new(args.db, update_module=True)
    with registry.cursor() as cr:
        env = environment(cr)
        if not env.company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=env.company, install_demo=False
            )
        print(f"install: {args.db} in {time.monotonic() - started:.0f} s")


class Probe:
    """Wall time, SQL queries and peak Python memory of a block."""

    def __init__(self, cr, label):
        self.cr, self.label = cr, label

    def __enter__(self):
        tracemalloc.start()
        self.queries = self.cr.sql_log_count
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.started
        self.count = self.cr.sql_log_count - self.queries
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.peak_mb = peak / 2**20
        return False

    def line(self, items=None, unit="lines"):
        speed = f", {items / self.seconds:.0f} {unit}/s" if items and self.seconds else ""
        return (
            f"{self.label}: {self.seconds:.1f} s{speed}, {self.count} queries, "
            f"peak Python memory {self.peak_mb:.1f} MB"
        )


def _setup(env):
    company = env.company
    deferred = env["account.account"].create(
        {
            "name": "Bench deferred revenue",
            "code": "BDEF01",
            "account_type": "liability_current",
            "reconcile": True,  # the peer reconciles its entries with the invoice
        }
    )
    journal = env["account.journal"].create(
        {"name": "Bench recognition", "code": "BREC", "type": "general"}
    )
    company.write(
        {
            "saas_revenue_deferred_account_id": deferred.id,
            "saas_revenue_journal_id": journal.id,
            "saas_revenue_method": "month",
        }
    )
    product = env["product.product"].create(
        {"name": "Bench annual plan", "type": "service", "taxes_id": [Command.clear()]}
    )
    partner = env["res.partner"].create({"name": "Bench customer"})
    return company, deferred, journal, product, partner


def _template_invoice(env, partner, product):
    """One invoice posted through the ORM: the suite books it to the deferred
    account and creates its schedule (removed again: the timed step redoes it
    for every invoice)."""
    move = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": START,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "price_unit": PRICE,
                        "tax_ids": [Command.clear()],
                        "saas_period_start": START,
                        "saas_period_end": END,
                    }
                )
            ],
        }
    )
    move.action_post()
    move.saas_revenue_schedule_ids.unlink()
    return move


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s AND column_name <> 'id' "
        "ORDER BY ordinal_position",
        (table,),
    )
    return [row[0] for row in cr.fetchall()]


def _clone_invoice(env, template, count):
    """``count`` posted copies of ``template`` (moves and their lines) inserted
    in two SQL statements: the set-based setup of the benchmark (posting 10,000
    invoices through the ORM takes longer than everything measured)."""
    if count <= 0:
        return []
    cr = env.cr
    env.flush_all()
    move_columns = _columns(cr, "account_move")
    overrides = {
        "name": "m.name || '-' || g",
        "payment_reference": "m.name || '-' || g",
        "sequence_number": "m.sequence_number + g",
    }
    select = ", ".join(overrides.get(c, f"m.{c}") for c in move_columns)
    cr.execute(
        f"INSERT INTO account_move ({', '.join(move_columns)}) "
        f"SELECT {select} FROM account_move m, generate_series(1, %s) g "
        "WHERE m.id = %s ORDER BY g RETURNING id",
        (count, template.id),
    )
    ids = [row[0] for row in cr.fetchall()]
    line_columns = _columns(cr, "account_move_line")
    overrides = {"move_id": "n.id", "move_name": "n.name"}
    select = ", ".join(overrides.get(c, f"l.{c}") for c in line_columns)
    cr.execute(
        f"INSERT INTO account_move_line ({', '.join(line_columns)}) "
        f"SELECT {select} FROM account_move_line l, account_move n "
        "WHERE l.move_id = %s AND n.id = ANY(%s) ORDER BY n.id, l.id",
        (template.id, ids),
    )
    env.invalidate_all()
    return ids


def cmd_run(args):
    registry = open_registry(args)
    Schedule = registry["saas.revenue.schedule"]
    timing = {"seconds": 0.0}
    original = Schedule.create

    def timed_create(self, vals_list):
        started = time.monotonic()
        try:
            return original(self, vals_list)
        finally:
            timing["seconds"] += time.monotonic() - started

    Schedule.create = api.model_create_multi(timed_create)
    with registry.cursor() as cr:
        env = environment(cr)
        company, deferred, journal, product, partner = _setup(env)
        cr.commit()
        started = time.monotonic()
        template = _template_invoice(env, partner, product)
        invoice_ids = [template.id, *_clone_invoice(env, template, args.invoices - 1)]
        cr.commit()
        print(
            f"setup: 1 invoice posted through the ORM, {args.invoices - 1} copies of it "
            f"inserted in SQL in {time.monotonic() - started:.1f} s"
        )
        timing["seconds"] = 0.0
        started = time.monotonic()
        for chunk in range(0, len(invoice_ids), args.chunk):
            env.invalidate_all()
            moves = env["account.move"].browse(invoice_ids[chunk : chunk + args.chunk])
            moves._saas_revenue_after_post()
            cr.commit()
        posting = time.monotonic() - started
        env.invalidate_all()
        lines = env["saas.revenue.schedule.line"].search_count([])
        print(
            f"suite: schedules of {args.invoices} posted invoices created in {posting:.1f} s "
            f"(of which create() {timing['seconds']:.1f} s): {lines} schedule lines, "
            f"{lines / posting:.0f} lines/s"
        )
        _measure(env, args, company, deferred, journal, invoice_ids)


def cmd_measure(args):
    """Steps 2 to 5 on a database a ``run`` kept (``BENCH_KEEP_DB=1``) or left
    after its schedules were created: the same invoices, no batch yet."""
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = environment(cr)
        company = env.company
        if env["saas.revenue.batch"].search_count([]):
            raise SystemExit(f"{args.db} already has batches: measure needs a fresh one")
        schedules = env["saas.revenue.schedule"].search([], order="id")
        print(
            f"measure: {len(schedules)} schedules, "
            f"{env['saas.revenue.schedule.line'].search_count([])} schedule lines in {args.db}"
        )
        _measure(
            env,
            args,
            company,
            company.saas_revenue_deferred_account_id,
            company.saas_revenue_journal_id,
            schedules.move_id.sorted("id").ids,
        )


def _measure(env, args, company, deferred, journal, invoice_ids):
    """Steps 2 to 5: January's batch, the 11 other months, then the peer."""
    cr = env.cr
    Batch = env["saas.revenue.batch"]
    with Probe(cr, "suite: one month's batch (build + approve + post)") as first:
        batch = Batch._build(company, date(2026, 1, 31))
        batch._approve()
        batch._post_batch()
    cr.commit()
    first_lines = batch.line_count
    print(
        first.line(first_lines),
        f"[{first_lines} lines, {batch.state}, {len(batch.move_ids)} entry]",
    )
    peaks, total = [], 0
    with Probe(cr, "suite: the 11 other months") as rest:
        for month in range(2, 13):
            env.invalidate_all()
            tracemalloc.reset_peak()
            month_end = date(2026, month, 28)
            batch = Batch._build(company, month_end)
            batch._approve()
            batch._post_batch()
            total += batch.line_count
            peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
            cr.commit()
    print(rest.line(total), f"[peak per month {min(peaks):.1f}..{max(peaks):.1f} MB]")
    suite_rate = first_lines / first.seconds
    # ---------------------------------------------------------------- peer
    invoice_lines = env["account.move"].browse(invoice_ids[: args.peer]).invoice_line_ids
    income = env["saas.revenue.schedule"].search([], limit=1).income_account_id
    with Probe(cr, "peer: spreads created and computed") as spreads_probe:
        spreads = env["account.spread"].create(
            [
                {
                    "name": line.move_id.name,
                    "invoice_type": "out_invoice",
                    "period_number": 12,
                    "period_type": "month",
                    "spread_date": START,
                    "debit_account_id": deferred.id,
                    "credit_account_id": income.id,
                    "journal_id": journal.id,
                    "invoice_line_id": line.id,
                }
                for line in invoice_lines
            ]
        )
        for spread in spreads:
            spread.compute_spread_board()
    cr.commit()
    print(spreads_probe.line(len(spreads), "spreads"))
    first_month = env["account.spread.line"].search(
        [("spread_id", "in", spreads.ids), ("move_id", "=", False)], order="date"
    )
    first_month = first_month.filtered(lambda line, d=first_month[:1].date: line.date == d)
    with Probe(cr, "peer: one month recognized") as peer:
        first_month.create_and_reconcile_moves()
        env["account.move"].search(
            [("id", "in", first_month.move_id.ids), ("state", "!=", "posted")]
        ).action_post()
    cr.commit()
    peer_rate = len(first_month) / peer.seconds
    print(peer.line(len(first_month)))
    print(
        f"recognized lines per second: suite {suite_rate:.0f}, peer {peer_rate:.1f}: "
        f"ratio {suite_rate / peer_rate:.0f}x (target 100x)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["install", "run", "measure"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--invoices", type=int, default=10000)
    parser.add_argument("--peer", type=int, default=2000)
    parser.add_argument("--chunk", type=int, default=500)
    args = parser.parse_args()
    {"install": cmd_install, "run": cmd_run, "measure": cmd_measure}[args.command](args)


if __name__ == "__main__":
    main()
