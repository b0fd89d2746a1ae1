#!/usr/bin/env bash
# Metrics benchmark of saas_metrics: an MRR ledger of N movement rows across S
# subscriptions and M months written with SQL, then the MRR-by-month pivot read
# (read_group over the snapshot), the dashboard load and the executive report,
# against a naive per-subscription Python aggregation of the same numbers in
# the same run, and the snapshot refresh after 1,000 new movements. Prints the
# numbers; asserts nothing. See bench/README.md.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"

usage() {
    cat <<USAGE
Usage: bench/bench_metrics.sh [--quick] [--movements N] [--subscriptions N] [--months N]

  --movements N      movement rows (default 1000000)
  --subscriptions N  subscriptions (default 50000)
  --months N         months of history ending with the current one (default 36)
  --quick            100,000 movements across 5,000 subscriptions
Environment: BENCH_KEEP_DB=1 keeps the database; BENCH_HTTP_PORT sets the (unused)
HTTP port of the install run (default: a free one); BENCH_STEPS=step,step runs only
those steps (seed full pivot dashboard report naive refresh newmonth; default all);
BENCH_DB=<database> runs on that kept database (updates saas_metrics; add
BENCH_STEPS without seed) or creates it when it does not exist.
USAGE
}

MOVEMENTS=1000000
SUBSCRIPTIONS=50000
MONTHS=36
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) MOVEMENTS=100000; SUBSCRIPTIONS=5000 ;;
        --movements) MOVEMENTS="${2:?--movements needs a value}"; shift ;;
        --subscriptions) SUBSCRIPTIONS="${2:?--subscriptions needs a value}"; shift ;;
        --months) MONTHS="${2:?--months needs a value}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
if ! [[ "$MOVEMENTS" =~ ^[1-9][0-9]*$ && "$SUBSCRIPTIONS" =~ ^[1-9][0-9]*$ && "$MONTHS" =~ ^[1-9][0-9]*$ ]]; then
    usage >&2
    exit 2
fi

find_odoo
ensure_postgres
bench_prepare saas_bench_metrics
REUSED=""
if [ -n "${BENCH_DB:-}" ]; then
    rmdir "$RUN_DIR" 2>/dev/null || true
    DB="$BENCH_DB"
    RUN_DIR="$BENCH_DIR/results/$DB"
    mkdir -p "$RUN_DIR"
    INSTALL_LOG="$RUN_DIR/install.log"
    if psql -lqt | cut -d'|' -f1 | grep -qx " *$DB *"; then
        REUSED=1
        trap - EXIT  # a kept database is never dropped
    fi
fi
bench_banner "saas_metrics benchmark"
echo "   steps ${BENCH_STEPS:-all}"
PORT="${BENCH_HTTP_PORT:-$(free_port)}"
if [ -n "$REUSED" ]; then
    bench_update saas_metrics saas_metrics "$PORT"
else
    bench_install saas_metrics saas_metrics "$PORT"
fi
"$PYTHON" "$BENCH_DIR/bench_metrics.py" --db "$DB" --addons-path "$ADDONS_PATH" \
    --movements "$MOVEMENTS" --subscriptions "$SUBSCRIPTIONS" --months "$MONTHS" \
    --steps "${BENCH_STEPS:-all}" 2>> "$RUN_DIR/run.log" || {
    echo "ERROR: the benchmark failed; see $RUN_DIR/run.log" >&2
    tail -n 30 "$RUN_DIR/run.log" >&2
    exit 1
}
bench_done
