#!/usr/bin/env bash
# Deferred revenue benchmark of saas_revenue, with OCA's account_spread_cost_revenue
# (PyPI, 18.0, unzipped for --addons-path only, never a dependency) as the peer
# recognizing one month of the same invoices in the same run. Prints the
# numbers; asserts nothing. See bench/README.md.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

INVOICES="${BENCH_INVOICES:-10000}"
PEER="${BENCH_PEER:-2000}"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) INVOICES=500; PEER=200 ;;
        --invoices) INVOICES="${2:?}"; shift ;;
        --peer) PEER="${2:?}"; shift ;;
        -h|--help) echo "Usage: bench/bench_revenue.sh [--quick] [--invoices N] [--peer P]"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

find_odoo
ensure_postgres

BENCH_DIR="$REPO_DIR/bench"
DB="saas_bench_revenue_$(date -u +%Y%m%d_%H%M%S)"
WORK="$(mktemp -d -t saas_bench_revenue.XXXXXX)"
LOG="$WORK/odoo.log"
cleanup() {
    local status=$?
    [ "$status" -ne 0 ] && [ -s "$LOG" ] && tail -n 30 "$LOG" >&2
    if [ "${BENCH_KEEP_DB:-}" != "1" ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "$HOME/.local/share/Odoo/filestore/${DB:?}"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

"$PYTHON" "$BENCH_DIR/bench_billing.py" fetch-peer --dest "$WORK/peer" \
    --requirement "odoo-addon-account_spread_cost_revenue>=18.0,<18.1" 2>> "$LOG"
ADDONS="$(odoo_addons_path),$WORK/peer/addons/odoo/addons"
"$PYTHON" "$BENCH_DIR/bench_revenue.py" install --db "$DB" --addons-path "$ADDONS" 2>> "$LOG"
"$PYTHON" "$BENCH_DIR/bench_revenue.py" run --db "$DB" --addons-path "$ADDONS" \
    --invoices "$INVOICES" --peer "$PEER" 2>> "$LOG"
