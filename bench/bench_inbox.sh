#!/usr/bin/env bash
# Inbox benchmark of saas_sync: a fresh database, Odoo with HTTP workers, canonical
# events POSTed by concurrent clients (with duplicate deliveries), Odoo's own
# version_info endpoint as the peer, then the processing engine with the server
# stopped. Prints the numbers; asserts nothing. See bench/README.md.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_DIR="$REPO_DIR/bench"
EVENTS="${BENCH_EVENTS:-5000}"
DUP_RATIO="${BENCH_DUP_RATIO:-0.2}"
CONCURRENCY="${BENCH_CONCURRENCY:-8}"
PEER_REQUESTS="${BENCH_PEER_REQUESTS:-2000}"
WORKERS="${BENCH_WORKERS:-2}"
BATCH="${BENCH_BATCH:-200}"
SEED="${BENCH_SEED:-42}"
ROUNDS="${BENCH_ROUNDS:-5}"

find_odoo
ensure_postgres
"$PYTHON" -c 'import aiohttp, psycopg2' 2>/dev/null || {
    echo "ERROR: the benchmark needs the Python packages aiohttp and psycopg2." >&2
    exit 2
}

STAMP="$(date -u +%Y%m%d_%H%M%S)"
DB="saas_bench_${STAMP}_$$"
RUN_DIR="$BENCH_DIR/results/$DB"   # bench/results/ is git-ignored
mkdir -p "$RUN_DIR"
INSTALL_LOG="$RUN_DIR/install.log"
SERVER_LOG="$RUN_DIR/server.log"
KEY_FILE="$RUN_DIR/setup.json"
PORT="$(free_port)"
ADDONS_PATH="$(odoo_addons_path)"
cleanup() {
    stop_odoo_server
    rm -f "$KEY_FILE"
    drop_bench_databases "$DB"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== saas_sync inbox benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "   database $DB, logs in $RUN_DIR"
echo "   $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"

echo "== Installing saas_sync without demo data"
started=$(date +%s)
odoo_cmd -d "$DB" --addons-path "$ADDONS_PATH" -i saas_sync --without-demo=all \
    --stop-after-init --max-cron-threads 0 --http-port "$PORT" --db-filter "^${DB}\$" \
    --log-level warn > "$INSTALL_LOG" 2>&1 || {
    echo "ERROR: installing saas_sync failed; last lines of $INSTALL_LOG:" >&2
    tail -n 30 "$INSTALL_LOG" >&2
    exit 1
}
echo "   installed in $(( $(date +%s) - started )) s"
"$PYTHON" "$BENCH_DIR/bench_inbox.py" setup --db "$DB" --addons-path "$ADDONS_PATH" \
    --out "$KEY_FILE" 2>> "$INSTALL_LOG"

start_odoo_server "$DB" "$ADDONS_PATH" "$PORT" "$WORKERS" "$SERVER_LOG"

echo "== Load: $EVENTS events, duplicate ratio $DUP_RATIO, $CONCURRENCY concurrent clients"
"$PYTHON" "$BENCH_DIR/bench_inbox.py" load --db "$DB" --url "http://127.0.0.1:$PORT" \
    --key-file "$KEY_FILE" --events "$EVENTS" --dup-ratio "$DUP_RATIO" \
    --concurrency "$CONCURRENCY" --peer-requests "$PEER_REQUESTS" --seed "$SEED" \
    --rounds "$ROUNDS"

echo "== Stopping Odoo"
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "PROBLEM: Odoo was no longer running at the end of the load (see $SERVER_LOG)."
fi
stop_odoo_server
"$PYTHON" "$BENCH_DIR/bench_inbox.py" logscan --log "$SERVER_LOG"

echo "== Engine: process_pending with a trivial handler, server stopped"
"$PYTHON" "$BENCH_DIR/bench_inbox.py" engine --db "$DB" --addons-path "$ADDONS_PATH" \
    --batch "$BATCH" 2> "$RUN_DIR/engine.log" || {
    echo "ERROR: the engine phase failed; see $RUN_DIR/engine.log" >&2
    tail -n 30 "$RUN_DIR/engine.log" >&2
    exit 1
}
echo "== Done ($(date -u '+%H:%M:%S UTC')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
