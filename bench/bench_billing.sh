#!/usr/bin/env bash
# Billing benchmark of saas_subscription: invoice.issued and payment.succeeded
# events through the processing engine (posted invoices, posted and reconciled
# payments), with OCA's contract addon (PyPI, 18.0) as the peer generating the
# same number of invoices in the same run. Prints the numbers; asserts nothing.
# See bench/README.md.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

usage() {
    cat <<USAGE
Usage: bench/bench_billing.sh [--quick] [--rounds 250,250,500,1000] [--batch 200] [--warmup 5]
                              [--scale-size 400] [--servers 1,2] [--port-base 18130]

  --rounds LIST  pairs (one invoice + its payment, one customer each) per round,
                 run in this order on the same databases (default 250,250,500,1000:
                 rounds of 250, 500 and 1000 pairs, 2,000 pairs in all)
  --quick        same as --rounds 25,25,50,100 (200 pairs, a couple of minutes)
  --batch N      events per process_pending call, one commit each (default 200)
  --warmup N     untimed pairs at the start of every round process (default 5)
  --scale-size N pairs for the scale-out phase: the lane crons run by 1, then 2, ...
                 Odoo servers (one cron thread each, ports from --port-base) on the
                 suite database (default 400; 0 skips the phase; --quick: 100)
  --servers LIST numbers of servers of the scale-out phase (default 1,2)
Environment: BENCH_ROUNDS, BENCH_BATCH, BENCH_WARMUP, BENCH_SCALE_SIZE,
BENCH_SERVERS, BENCH_PORT_BASE; BENCH_KEEP_DB=1 keeps
both databases.
USAGE
}

ROUNDS="${BENCH_ROUNDS:-250,250,500,1000}"
BATCH="${BENCH_BATCH:-200}"
WARMUP="${BENCH_WARMUP:-5}"
SCALE_SIZE="${BENCH_SCALE_SIZE:-400}"
SERVERS="${BENCH_SERVERS:-1,2}"
PORT_BASE="${BENCH_PORT_BASE:-18130}"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) ROUNDS="25,25,50,100"; SCALE_SIZE=100 ;;
        --rounds) ROUNDS="${2:?--rounds needs a value}"; shift ;;
        --batch) BATCH="${2:?--batch needs a value}"; shift ;;
        --warmup) WARMUP="${2:?--warmup needs a value}"; shift ;;
        --scale-size) SCALE_SIZE="${2:?--scale-size needs a value}"; shift ;;
        --servers) SERVERS="${2:?--servers needs a value}"; shift ;;
        --port-base) PORT_BASE="${2:?--port-base needs a value}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
    shift
done
if ! [[ "$ROUNDS" =~ ^[0-9]+(,[0-9]+)*$ && "$BATCH" =~ ^[1-9][0-9]*$ && "$WARMUP" =~ ^[0-9]+$
        && "$SCALE_SIZE" =~ ^[0-9]+$ && "$SERVERS" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$
        && "$PORT_BASE" =~ ^[1-9][0-9]*$ ]]; then
    usage >&2
    exit 2
fi

find_odoo
ensure_postgres

BENCH_DIR="$REPO_DIR/bench"
STAMP="$(date -u +%Y%m%d_%H%M%S)"
DB="saas_bench_billing_${STAMP}"
PEER_DB="saas_bench_billing_${STAMP}_contract"
WORK="$(mktemp -d -t saas_bench_billing.XXXXXX)"
LOG="$WORK/odoo.log"
RESULTS="$WORK/results.jsonl"
SUITE_PATH="$(odoo_addons_path)"
PEER_PATH="$(odoo_core_addons_path),$WORK/peer/addons/odoo/addons"

cleanup() {
    local status=$?
    if [ "$status" -ne 0 ] && [ -s "$LOG" ]; then
        echo "Last lines of the Odoo log:" >&2
        tail -n 30 "$LOG" >&2
    fi
    drop_bench_databases "$DB" "$PEER_DB"
    if [ "${BENCH_KEEP_DB:-}" = "1" ]; then
        echo "The contract addon source was in $WORK, which is deleted: download it"
        echo "again to open $PEER_DB."
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bench() {
    "$PYTHON" "$BENCH_DIR/bench_billing.py" "$@" 2>> "$LOG"
}

IFS=, read -r -a SIZES <<< "$ROUNDS"
started=$(date +%s)
echo "== saas_subscription billing benchmark, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "   rounds (pairs): $ROUNDS; batch $BATCH; warm-up $WARMUP pairs per round process"
echo "   databases $DB (suite) and $PEER_DB (peer)"
echo "   $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"

echo "== Peer: OCA contract for 18.0 from PyPI (pip download --no-deps, unzipped in $WORK)"
bench fetch-peer --dest "$WORK/peer"

echo "== Installing (without demo data; both databases at once, not timed)"
"$PYTHON" "$BENCH_DIR/bench_billing.py" install --db "$PEER_DB" --addons-path "$PEER_PATH" \
    --module contract 2> "$WORK/install_peer.log" &
peer_install=$!
bench install --db "$DB" --addons-path "$SUITE_PATH" --module saas_subscription
if ! wait "$peer_install"; then
    echo "ERROR: installing contract failed:" >&2
    tail -n 30 "$WORK/install_peer.log" >&2
    exit 1
fi
cat "$WORK/install_peer.log" >> "$LOG"
bench suite-setup --db "$DB" --addons-path "$SUITE_PATH"
bench peer-setup --db "$PEER_DB" --addons-path "$PEER_PATH"

echo "== Rounds: the suite, then the peer, for each round (interleaved)"
volume=0
round=0
for size in "${SIZES[@]}"; do
    round=$((round + 1))
    volume=$((volume + size))
    common=(--round "$round" --size "$size" --volume "$volume" --warmup "$WARMUP"
        --batch "$BATCH" --out "$RESULTS")
    echo "-- round $round: $size pairs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    bench suite-round --db "$DB" --addons-path "$SUITE_PATH" "${common[@]}"
    bench peer-round --db "$PEER_DB" --addons-path "$PEER_PATH" "${common[@]}"
done

echo "== Results"
bench report --results "$RESULTS"
bench verify --db "$DB" --addons-path "$SUITE_PATH"
if [ "$SCALE_SIZE" -gt 0 ]; then
    echo "== Scale-out: the lane crons (2 cron records per lane) run by $SERVERS Odoo server(s),"
    echo "   one cron thread each, $SCALE_SIZE pairs each time; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    bench scale --db "$DB" --addons-path "$SUITE_PATH" --size "$SCALE_SIZE" --servers "$SERVERS" \
        --port-base "$PORT_BASE" --batch "$BATCH" --workdir "$WORK" --out "$RESULTS"
    bench scale-report --results "$RESULTS"
    cat "$WORK/scale_servers.log" >> "$LOG" 2>/dev/null || true
fi
warnings=$(grep -c -E ' (WARNING|ERROR|CRITICAL) ' "$LOG" || true)
echo "odoo log: $warnings WARNING/ERROR/CRITICAL lines"
grep -E ' (WARNING|ERROR|CRITICAL) ' "$LOG" | cut -c1-300 | sort | uniq -c | sort -rn | head -n 8 || true
echo "== Done ($(date -u '+%H:%M:%S UTC')) in $(( $(date +%s) - started )) s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
