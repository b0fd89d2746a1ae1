#!/usr/bin/env bash
# Inbox benchmark of saas_sync: a fresh database, Odoo with 2 HTTP workers, and
# Debian's compiled load generator wrk (with bench_inbox.lua making unique ids)
# against three endpoints in alternating rounds: Odoo's own GET /web/health
# (the floor), single canonical events, and lists of 50 events. Prints rates,
# latencies and ratios to the floor, and checks stored rows = unique events
# sent. Asserts nothing. See bench/README.md.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_DIR="$REPO_DIR/bench"
WORKERS="${BENCH_WORKERS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
THREADS="${BENCH_THREADS:-2}"
DURATION="${BENCH_DURATION:-10}"     # seconds per wrk run
ROUNDS="${BENCH_ROUNDS:-3}"
BATCH="${BENCH_BATCH:-50}"
DUP_EVERY="${BENCH_DUP_EVERY:-5}"    # single events: every 5th request is a duplicate

find_odoo
ensure_postgres
if ! command -v wrk >/dev/null 2>&1; then
    echo "== Installing Debian's wrk (apt-get install wrk)"
    if [ "$(id -u)" = "0" ]; then APT=(apt-get); else APT=(sudo -n apt-get); fi
    DEBIAN_FRONTEND=noninteractive "${APT[@]}" install -y wrk >/dev/null || {
        echo "ERROR: wrk is missing and could not be installed (apt-get install wrk)." >&2
        exit 2
    }
fi
"$PYTHON" -c 'import psycopg2' 2>/dev/null || {
    echo "ERROR: the benchmark needs the Python package psycopg2." >&2
    exit 2
}

STAMP="$(date -u +%Y%m%d_%H%M%S)"
DB="saas_bench_${STAMP}_$$"
RUN_DIR="$BENCH_DIR/results/$DB"   # bench/results/ is git-ignored
mkdir -p "$RUN_DIR"
INSTALL_LOG="$RUN_DIR/install.log"
SERVER_LOG="$RUN_DIR/server.log"
KEY_FILE="$RUN_DIR/setup.json"
RESULTS="$RUN_DIR/wrk.jsonl"
PORT="${BENCH_PORT:-$(free_port)}"
ADDONS_PATH="$(odoo_addons_path)"
cleanup() {
    stop_odoo_server
    rm -f "$KEY_FILE"
    drop_bench_databases "$DB"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== saas_sync inbox benchmark (wrk), $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "   database $DB, logs in $RUN_DIR"
echo "   $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
echo "   $(wrk --version 2>&1 | head -n 1)"

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
API_KEY="$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["api_key"])' "$KEY_FILE")"

start_odoo_server "$DB" "$ADDONS_PATH" "$PORT" "$WORKERS" "$SERVER_LOG"

# run_wrk MODE PREFIX SECONDS: one wrk run, its JSON line appended to $RESULTS.
run_wrk() {
    BENCH_MODE="$1" BENCH_PREFIX="$2" BENCH_KEY="$API_KEY" BENCH_BATCH="$BATCH" \
        BENCH_DUP_EVERY="$DUP_EVERY" wrk -t "$THREADS" -c "$CONNECTIONS" -d "${3}s" \
        --timeout 30s -s "$BENCH_DIR/bench_inbox.lua" "http://127.0.0.1:$PORT" \
        | tail -n 1 | tee -a "$RESULTS" > /dev/null
}

echo "== Warm-up: every worker loads its routes (3 s of each endpoint, not counted)"
run_wrk peer warm_peer 3
run_wrk single warm_single 3
: > "$RESULTS"
echo "== Load: $ROUNDS rounds of floor, single, floor, list of $BATCH (${DURATION} s each), then the floor"
echo "   wrk: $THREADS threads, $CONNECTIONS connections; every ${DUP_EVERY}th single request re-sends an id"
for round in $(seq 1 "$ROUNDS"); do
    run_wrk peer "peer_${round}a" "$DURATION"
    run_wrk single "single_${round}" "$DURATION"
    run_wrk peer "peer_${round}b" "$DURATION"
    run_wrk batch "batch_${round}" "$DURATION"
done
run_wrk peer peer_last "$DURATION"
sleep 3   # requests written just before wrk stopped are still being stored

"$PYTHON" "$BENCH_DIR/bench_inbox.py" report --db "$DB" --results "$RESULTS" \
    --key-file "$KEY_FILE"
"$PYTHON" "$BENCH_DIR/bench_inbox.py" sqlprobe --url "http://127.0.0.1:$PORT" \
    --key-file "$KEY_FILE" --log "$SERVER_LOG" --batch "$BATCH"

echo "== Stopping Odoo"
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "PROBLEM: Odoo was no longer running at the end of the load (see $SERVER_LOG)."
fi
stop_odoo_server
"$PYTHON" "$BENCH_DIR/bench_inbox.py" logscan --log "$SERVER_LOG"
echo "== Done ($(date -u '+%H:%M:%S UTC')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
