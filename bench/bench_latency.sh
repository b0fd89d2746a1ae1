#!/usr/bin/env bash
# Latency benchmark of the inbox and engine: a fresh database with
# saas_subscription (or BENCH_ADDON=saas_sync), Odoo with 2 HTTP workers and 2
# cron workers (the lane crons on), a steady stream of canonical
# customer.upserted events through POST /saas/api/v1/events, and the
# distribution of the time from receipt to done (saas.event.latency_ms) as the
# engine records it. Asserts nothing. See bench/README.md.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_DIR="$REPO_DIR/bench"
WORKERS="${BENCH_WORKERS:-2}"
CRON_WORKERS="${BENCH_CRON_WORKERS:-2}"
RATE="${BENCH_RATE:-20}"          # events per second
SECONDS_SENT="${BENCH_SECONDS:-60}"
DRAIN="${BENCH_DRAIN:-180}"       # seconds to wait for the last events
# saas_subscription: its customer handler runs (a partner, a binding per
# event); saas_sync alone: no handler, each event ends ignored ("No handler"),
# which times the inbox, the wake-up and the engine without a handler's work.
ADDON="${BENCH_ADDON:-saas_subscription}"

find_odoo
ensure_postgres
"$PYTHON" -c 'import psycopg2' 2>/dev/null || {
    echo "ERROR: the benchmark needs the Python package psycopg2." >&2
    exit 2
}

STAMP="$(date -u +%Y%m%d_%H%M%S)"
DB="saas_bench_latency_${STAMP}_$$"
RUN_DIR="$BENCH_DIR/results/$DB"   # bench/results/ is git-ignored
mkdir -p "$RUN_DIR"
INSTALL_LOG="$RUN_DIR/install.log"
SERVER_LOG="$RUN_DIR/server.log"
KEY_FILE="$RUN_DIR/setup.json"
PORT="${BENCH_PORT:-$(free_port)}"
ADDONS_PATH="$(odoo_addons_path)"
cleanup() {
    stop_odoo_server
    rm -f "$KEY_FILE"
    drop_bench_databases "$DB"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== Receipt-to-done latency benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "   database $DB, logs in $RUN_DIR"
echo "   $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"

echo "== Installing $ADDON without demo data"
started=$(date +%s)
odoo_cmd -d "$DB" --addons-path "$ADDONS_PATH" -i "$ADDON" --without-demo=all \
    --stop-after-init --max-cron-threads 0 --http-port "$PORT" --db-filter "^${DB}\$" \
    --log-level warn > "$INSTALL_LOG" 2>&1 || {
    echo "ERROR: installing $ADDON failed; last lines of $INSTALL_LOG:" >&2
    tail -n 30 "$INSTALL_LOG" >&2
    exit 1
}
echo "   installed in $(( $(date +%s) - started )) s"
"$PYTHON" "$BENCH_DIR/bench_inbox.py" setup --db "$DB" --addons-path "$ADDONS_PATH" \
    --out "$KEY_FILE" 2>> "$INSTALL_LOG"

start_odoo_server "$DB" "$ADDONS_PATH" "$PORT" "$WORKERS" "$SERVER_LOG" \
    --max-cron-threads "$CRON_WORKERS"
echo "   with $CRON_WORKERS cron workers: the lane crons run"

"$PYTHON" "$BENCH_DIR/bench_latency.py" --db "$DB" --url "http://127.0.0.1:$PORT" \
    --key-file "$KEY_FILE" --rate "$RATE" --seconds "$SECONDS_SENT" --drain "$DRAIN"

echo "== Stopping Odoo"
stop_odoo_server
"$PYTHON" "$BENCH_DIR/bench_inbox.py" logscan --log "$SERVER_LOG"
echo "== Done ($(date -u '+%H:%M:%S UTC')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
