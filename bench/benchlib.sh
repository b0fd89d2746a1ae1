#!/usr/bin/env bash
# Shared setup of the benchmarks that run an Odoo server on a fresh database
# (bench_inbox.sh, bench_latency.sh, bench_metrics.sh, bench_webhooks.sh):
# sourced after scripts/lib.sh, which it sources itself.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BENCH_DIR="$REPO_DIR/bench"

# require_python_modules MODULE...: exit 2 unless python3 imports them all.
require_python_modules() {
    local modules names
    modules="$(IFS=,; echo "$*")"
    "$PYTHON" -c "import ${modules//,/, }" 2>/dev/null && return 0
    if [ $# -eq 1 ]; then
        names="package $1"
    else
        names="$(IFS=,; echo "${*:1:$#-1}")"
        names="packages ${names//,/, } and ${!#}"
    fi
    echo "ERROR: the benchmark needs the Python $names." >&2
    exit 2
}

# bench_prepare PREFIX: a fresh database name ${PREFIX}_<UTC stamp>_<pid> (DB),
# its run folder bench/results/$DB (RUN_DIR, git-ignored) with INSTALL_LOG,
# SERVER_LOG and KEY_FILE in it, and ADDONS_PATH (BENCH_ADDONS_PATH when set,
# e.g. for an Odoo tree that needs stubs of its own); on exit the server started
# by start_odoo_server stops, KEY_FILE is removed and the database dropped.
bench_prepare() {
    STAMP="$(date -u +%Y%m%d_%H%M%S)"
    DB="${1}_${STAMP}_$$"
    RUN_DIR="$BENCH_DIR/results/$DB"
    mkdir -p "$RUN_DIR"
    INSTALL_LOG="$RUN_DIR/install.log"
    SERVER_LOG="$RUN_DIR/server.log"
    KEY_FILE="$RUN_DIR/setup.json"
    ADDONS_PATH="${BENCH_ADDONS_PATH:-$(odoo_addons_path)}"
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

bench_cleanup() {
    stop_odoo_server
    rm -f "$KEY_FILE"
    drop_bench_databases "$DB"
}

# bench_banner TITLE: the first lines of a run (when, where, how loaded).
bench_banner() {
    echo "== $1, $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "   database $DB, logs in $RUN_DIR"
    echo "   $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
}

# bench_install LABEL ADDONS PORT: install ADDONS without demo data in $DB
# (log in $INSTALL_LOG); on failure print its last lines and exit 1.
bench_install() {
    echo "== Installing $1 without demo data"
    bench_odoo_init installing installed "$1" "$3" -i "$2" --without-demo=all
}

# bench_update LABEL ADDONS PORT: update ADDONS in the kept database $DB.
bench_update() {
    echo "== Updating $1 on the kept database"
    bench_odoo_init updating updated "$1" "$3" -u "$2"
}

# bench_odoo_init DOING DONE LABEL PORT ODOO_ARGS...: one Odoo run on $DB that
# stops after init (log in $INSTALL_LOG); on failure print its last lines and
# exit 1.
bench_odoo_init() {
    local doing="$1" finished="$2" label="$3" port="$4" started
    shift 4
    started=$(date +%s)
    odoo_cmd -d "$DB" --addons-path "$ADDONS_PATH" "$@" \
        --stop-after-init --max-cron-threads 0 --http-port "$port" --db-filter "^${DB}\$" \
        --log-level warn > "$INSTALL_LOG" 2>&1 || {
        echo "ERROR: $doing $label failed; last lines of $INSTALL_LOG:" >&2
        tail -n 30 "$INSTALL_LOG" >&2
        exit 1
    }
    echo "   $finished in $(( $(date +%s) - started )) s"
}

# bench_stop: stop the server of the run, saying so if it had died under load.
bench_stop() {
    echo "== Stopping Odoo"
    if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "PROBLEM: Odoo was no longer running at the end of the load (see $SERVER_LOG)."
    fi
    stop_odoo_server
}

bench_done() {
    echo "== Done ($(date -u '+%H:%M:%S UTC')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
