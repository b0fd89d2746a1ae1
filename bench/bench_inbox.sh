#!/usr/bin/env bash
# Inbox benchmark of saas_sync: a fresh database, Odoo with 2 HTTP workers, and
# Debian's compiled load generator wrk (with bench_inbox.lua making unique ids)
# against three endpoints in alternating rounds: Odoo's own GET /web/health
# (the floor), single canonical events, and lists of 50 events. Prints rates,
# latencies and ratios to the floor, and checks stored rows = unique events
# sent. Asserts nothing. See bench/README.md.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"

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
require_python_modules psycopg2

bench_prepare saas_bench
RESULTS="$RUN_DIR/wrk.jsonl"
PORT="${BENCH_PORT:-$(free_port)}"

bench_banner "saas_sync inbox benchmark (wrk)"
echo "   $(wrk --version 2>&1 | head -n 1)"

bench_install saas_sync saas_sync "$PORT"
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

bench_stop
"$PYTHON" "$BENCH_DIR/bench_inbox.py" logscan --log "$SERVER_LOG"
bench_done
