#!/usr/bin/env bash
# Latency benchmark of the inbox and engine: a fresh database with
# saas_subscription (or BENCH_ADDON=saas_sync), Odoo with 2 HTTP workers and 2
# cron workers (the lane crons on), a steady stream of canonical
# customer.upserted events through POST /saas/api/v1/events (or, with
# BENCH_STREAM=mixed, per new customer its customer, subscription, invoice and
# payment events one after the other), and the distribution of the time from
# receipt to done (saas.event.latency_ms) as the engine records it, per type
# for the mixed stream, with the drain time and the books (the mixed stream
# exits 1 when the books end wrong). Asserts no timing.
# See bench/README.md.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"

WORKERS="${BENCH_WORKERS:-2}"
CRON_WORKERS="${BENCH_CRON_WORKERS:-2}"
RATE="${BENCH_RATE:-20}"          # events per second
SECONDS_SENT="${BENCH_SECONDS:-60}"
DRAIN="${BENCH_DRAIN:-180}"       # seconds to wait for the last events
# saas_subscription: its customer handler runs (a partner, a binding per
# event); saas_sync alone: no handler, each event ends ignored ("No handler"),
# which times the inbox, the wake-up and the engine without a handler's work.
ADDON="${BENCH_ADDON:-saas_subscription}"
# customers (the default) or mixed (needs saas_subscription).
STREAM="${BENCH_STREAM:-customers}"
# mixed only: 2 activates the operational lane's second cron record.

find_odoo
ensure_postgres
require_python_modules psycopg2

bench_prepare saas_bench_latency
PORT="${BENCH_PORT:-$(free_port)}"

bench_banner "Receipt-to-done latency benchmark"

bench_install "$ADDON" "$ADDON" "$PORT"
MIXED=()
if [ "$STREAM" = mixed ]; then
    "$PYTHON" "$BENCH_DIR/bench_latency.py" setup-mixed --db "$DB" \
        --addons-path "$ADDONS_PATH" --out "$KEY_FILE" \
        --operational-workers "${BENCH_OPERATIONAL_WORKERS:-1}" 2>> "$INSTALL_LOG"
    MIXED=(--mixed)
else
    "$PYTHON" "$BENCH_DIR/bench_inbox.py" setup --db "$DB" --addons-path "$ADDONS_PATH" \
        --out "$KEY_FILE" 2>> "$INSTALL_LOG"
fi

start_odoo_server "$DB" "$ADDONS_PATH" "$PORT" "$WORKERS" "$SERVER_LOG" \
    --max-cron-threads "$CRON_WORKERS"
echo "   with $CRON_WORKERS cron workers: the lane crons run"

# The mixed stream exits 1 when the books end wrong: reported at the end.
BOOKS_RC=0
"$PYTHON" "$BENCH_DIR/bench_latency.py" --db "$DB" --url "http://127.0.0.1:$PORT" \
    --key-file "$KEY_FILE" --rate "$RATE" --seconds "$SECONDS_SENT" --drain "$DRAIN" \
    "${MIXED[@]}" || BOOKS_RC=$?

bench_stop
"$PYTHON" "$BENCH_DIR/bench_inbox.py" logscan --log "$SERVER_LOG"
bench_done
exit "$BOOKS_RC"
