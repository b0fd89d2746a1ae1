#!/usr/bin/env bash
# Stripe webhook benchmark of saas_stripe: a fresh database with saas_stripe and
# Odoo's own payment_stripe, Odoo with HTTP workers, the same number of signed
# Stripe events POSTed to the suite's /saas/webhook/stripe/<code> and to
# payment_stripe's /payment/stripe/webhook (the peer) at the same concurrency,
# in interleaved rounds. Prints the numbers; asserts nothing. See bench/README.md.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_DIR="$REPO_DIR/bench"
EVENTS="${BENCH_EVENTS:-2000}"
CONCURRENCY="${BENCH_CONCURRENCY:-8}"
ROUNDS="${BENCH_ROUNDS:-10}"
RATE="${BENCH_RATE:-0}"
WORKERS="${BENCH_WORKERS:-2}"
WARMUP=$(( 4 * CONCURRENCY ))
MAX_LOAD="${BENCH_MAX_LOAD:-1.5}"
LOAD_WAIT="${BENCH_LOAD_WAIT:-600}"   # seconds, checked every 20 s

find_odoo
ensure_postgres
"$PYTHON" -c 'import aiohttp, psycopg2' 2>/dev/null || {
    echo "ERROR: the benchmark needs the Python packages aiohttp and psycopg2." >&2
    exit 2
}

STAMP="$(date -u +%Y%m%d_%H%M%S)"
DB="saas_bench_webhooks_${STAMP}_$$"
RUN_DIR="$BENCH_DIR/results/$DB"   # bench/results/ is git-ignored
mkdir -p "$RUN_DIR"
INSTALL_LOG="$RUN_DIR/install.log"
SERVER_LOG="$RUN_DIR/server.log"
SETUP_FILE="$RUN_DIR/setup.json"
MARKER_FILE="$RUN_DIR/measured_from.json"
PORT="$(free_port)"
ADDONS_PATH="$(odoo_addons_path)"
cleanup() {
    stop_odoo_server
    drop_bench_databases "$DB"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A short hash of the addons' sources: Odoo runs the code it loaded at start,
# so a change of the sources during the run is reported.
suite_fingerprint() {
    (cd "$REPO_DIR" && find saas_* -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' \) \
        -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-12)
}

load1() {
    LC_ALL=C uptime | sed -e 's/.*load average: *//' -e 's/,.*//'
}

# Waits (bounded) until the 1-minute load average is below $MAX_LOAD.
wait_for_quiet_machine() {
    local waited=0 load
    while :; do
        load="$(load1)"
        if awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN { exit !(l < m) }'; then
            echo "   1-minute load average $load (< $MAX_LOAD) after waiting ${waited} s: measuring"
            return 0
        fi
        if [ "$waited" -ge "$LOAD_WAIT" ]; then
            echo "   WARNING: 1-minute load average still $load after ${waited} s;" \
                "measuring anyway (numbers taken on a busy machine)"
            return 0
        fi
        echo "   1-minute load average $load (>= $MAX_LOAD), waiting 20 s (${waited} s so far)"
        sleep 20 & wait $!   # interruptible: the traps run at once
        waited=$(( waited + 20 ))
    done
}

echo "== saas_stripe webhook benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "   database $DB, logs in $RUN_DIR"
echo "   $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"

echo "== Installing saas_stripe and payment_stripe without demo data"
started=$(date +%s)
odoo_cmd -d "$DB" --addons-path "$ADDONS_PATH" -i saas_stripe,payment_stripe \
    --without-demo=all --stop-after-init --max-cron-threads 0 --http-port "$PORT" \
    --db-filter "^${DB}\$" --log-level warn > "$INSTALL_LOG" 2>&1 || {
    echo "ERROR: installing failed; last lines of $INSTALL_LOG:" >&2
    tail -n 30 "$INSTALL_LOG" >&2
    exit 1
}
echo "   installed in $(( $(date +%s) - started )) s"
"$PYTHON" "$BENCH_DIR/bench_webhooks.py" setup --db "$DB" --addons-path "$ADDONS_PATH" \
    --out "$SETUP_FILE" --events "$EVENTS" --warmup "$WARMUP" 2>> "$INSTALL_LOG" || {
    echo "ERROR: setup failed; last lines of $INSTALL_LOG:" >&2
    tail -n 30 "$INSTALL_LOG" >&2
    exit 1
}

start_odoo_server "$DB" "$ADDONS_PATH" "$PORT" "$WORKERS" "$SERVER_LOG"
FINGERPRINT="$(suite_fingerprint)"
echo "   suite sources: git $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "+ working tree, fingerprint $FINGERPRINT"

echo "== Waiting for a quiet machine (1-minute load average < $MAX_LOAD, at most $LOAD_WAIT s)"
wait_for_quiet_machine

echo "== Load"
"$PYTHON" "$BENCH_DIR/bench_webhooks.py" load --db "$DB" --url "http://127.0.0.1:$PORT" \
    --setup-file "$SETUP_FILE" --events "$EVENTS" --warmup "$WARMUP" \
    --concurrency "$CONCURRENCY" --rounds "$ROUNDS" --rate "$RATE" --marker-out "$MARKER_FILE"
echo "   load average $(cut -d' ' -f1-3 /proc/loadavg) at the end of the load"
if [ "$(suite_fingerprint)" != "$FINGERPRINT" ]; then
    echo "   WARNING: the suite's sources changed during the run (fingerprint" \
        "$FINGERPRINT -> $(suite_fingerprint)); the server ran what it loaded at start."
fi

echo "== Stopping Odoo"
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "PROBLEM: Odoo was no longer running at the end of the load (see $SERVER_LOG)."
fi
stop_odoo_server
"$PYTHON" "$BENCH_DIR/bench_webhooks.py" logscan --log "$SERVER_LOG" \
    --marker "$MARKER_FILE"
echo "== Done ($(date -u '+%H:%M:%S UTC')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
