#!/usr/bin/env bash
# Stripe webhook benchmark of saas_stripe: a fresh database with saas_stripe and
# Odoo's own payment_stripe, Odoo with HTTP workers, the same number of signed
# Stripe events POSTed to the suite's /saas/webhook/stripe/<code> and to
# payment_stripe's /payment/stripe/webhook (the peer) at the same concurrency,
# in interleaved rounds. Prints the numbers; asserts nothing. See bench/README.md.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"

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
require_python_modules aiohttp psycopg2

bench_prepare saas_bench_webhooks
SETUP_FILE="$KEY_FILE"
KEY_FILE=""   # the setup of this run stays beside its logs
MARKER_FILE="$RUN_DIR/measured_from.json"
PORT="$(free_port)"

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

bench_banner "saas_stripe webhook benchmark"

bench_install "saas_stripe and payment_stripe" saas_stripe,payment_stripe "$PORT"
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

bench_stop
"$PYTHON" "$BENCH_DIR/bench_webhooks.py" logscan --log "$SERVER_LOG" \
    --marker "$MARKER_FILE"
bench_done
