#!/usr/bin/env bash
# Shared helpers of the project's commands (run.sh, test.sh, bench scripts).
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TZ=UTC
export PYTHONDONTWRITEBYTECODE=1
PYTHON="${PYTHON:-python3}"

# Addons of the suite: every folder at the repository root with a manifest.
suite_addons() {
    local names=()
    for manifest in "$REPO_DIR"/*/__manifest__.py; do
        names+=("$(basename "$(dirname "$manifest")")")
    done
    (IFS=,; echo "${names[*]}")
}

# Odoo 18.0 Community is looked for, in this order:
#   1. `import odoo` working for python3 (e.g. a .pth file in site-packages);
#   2. $ODOO_HOME, then ~/odoo18, then /opt/odoo18: a folder holding the
#      `odoo` package (the server source tree, with odoo/addons inside).
find_odoo() {
    local candidate
    if ODOO_DIR=$("$PYTHON" -c 'import os, odoo, odoo.release as r; assert r.version_info[0] == 18; print(os.path.dirname(os.path.dirname(odoo.__file__)))' 2>/dev/null); then
        export ODOO_DIR
        return 0
    fi
    for candidate in "${ODOO_HOME:-}" "$HOME/odoo18" /opt/odoo18; do
        if [ -n "$candidate" ] && [ -f "$candidate/odoo/release.py" ] && \
           PYTHONPATH="$candidate" "$PYTHON" -c 'import odoo.release as r; assert r.version_info[0] == 18' 2>/dev/null; then
            export ODOO_DIR="$candidate"
            export PYTHONPATH="$candidate${PYTHONPATH:+:$PYTHONPATH}"
            return 0
        fi
    done
    cat >&2 <<MSG
ERROR: Odoo 18.0 Community was not found.
  Looked for: 'import odoo' (version 18) with $PYTHON, then \$ODOO_HOME,
  $HOME/odoo18 and /opt/odoo18 (a folder containing the odoo/ package).
  Install Odoo 18.0 Community there (with its requirements.txt) and run again.
MSG
    exit 2
}

# Odoo's addons: <tree>/addons,<tree>/odoo/addons in the source repository's
# layout (base alone in odoo/addons), <tree>/odoo/addons in a packaged build.
# A tree trimmed to fewer modules (hr_timesheet, project, stock, mrp,
# mass_mailing left out) also gets scripts/odoo_category_stubs, whose
# never-installable manifests create the module categories base's data names.
odoo_core_addons_path() {
    local path module
    if [ -f "$ODOO_DIR/addons/web/__manifest__.py" ]; then
        path="$ODOO_DIR/addons,$ODOO_DIR/odoo/addons"
    else
        path="$ODOO_DIR/odoo/addons"
    fi
    for module in hr_timesheet project stock mrp mass_mailing; do
        if [ ! -f "$ODOO_DIR/addons/$module/__manifest__.py" ] && \
           [ ! -f "$ODOO_DIR/odoo/addons/$module/__manifest__.py" ]; then
            path="$path,$REPO_DIR/scripts/odoo_category_stubs"
            break
        fi
    done
    echo "$path"
}

odoo_addons_path() {
    echo "$(odoo_core_addons_path),$REPO_DIR"
}

ensure_postgres() {
    if pg_isready -q 2>/dev/null; then
        return 0
    fi
    local version
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
        version=$(ls /etc/postgresql | sort -V | tail -n 1)
        echo "Starting PostgreSQL $version..."
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        for _ in $(seq 1 30); do
            pg_isready -q 2>/dev/null && return 0
            sleep 1
        done
    fi
    echo "ERROR: PostgreSQL is not running and could not be started (pg_isready, pg_ctlcluster)." >&2
    exit 2
}

# Python packages of the addons (and, with "test", of the tests).
install_python_deps() {
    local files=(-r "$REPO_DIR/requirements.txt")
    if [ "${1:-}" = "test" ]; then
        files=(-r "$REPO_DIR/requirements-test.txt")
    fi
    "$PYTHON" -m pip install --quiet --disable-pip-version-check "${files[@]}" 2>&1 \
        | grep -v "Running pip as the 'root' user" || true
    "$PYTHON" -c 'import stripe, requests, dateutil' || {
        echo "ERROR: the Python dependencies (requirements.txt) could not be installed." >&2
        exit 2
    }
}

# Debian packages: Chromium for the web client tours, wkhtmltopdf for PDFs,
# poppler-utils (pdftotext) for the tests that read the text of a PDF.
install_system_deps() {
    local missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "Installing ${missing[*]} (Debian packages)..."
        if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/dev/null 2>&1; then
            echo "ERROR: could not install ${missing[*]} with apt-get." >&2
            exit 2
        fi
    fi
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

odoo_cmd() {
    "$PYTHON" -m odoo "$@"
}

# A long-running server: through odoo-bin when the Odoo tree has it. Started
# as `python3 -m odoo`, a multi-worker server cannot relaunch its gevent
# (websocket) worker and keeps trying.
# Sets SERVER_CMD (an array) to that command.
odoo_server_cmd() {
    if [ -f "$ODOO_DIR/odoo-bin" ]; then
        SERVER_CMD=("$PYTHON" "$ODOO_DIR/odoo-bin")
    else
        SERVER_CMD=("$PYTHON" -m odoo)
        echo "WARNING: no $ODOO_DIR/odoo-bin; python3 -m odoo cannot start its gevent worker" >&2
    fi
}

# A multi-worker Odoo server in the background on 127.0.0.1 (benchmarks):
#   start_odoo_server DB ADDONS_PATH PORT WORKERS LOG [more Odoo options...]
# Sets SERVER_PID and returns once GET /web/login answers 200; exits 1 when
# the server dies at start or does not answer within 120 s.
SERVER_PID=""
start_odoo_server() {
    local db="$1" addons_path="$2" port="$3" workers="$4" log="$5"
    shift 5
    local gevent_port ready=""
    gevent_port="$(free_port)"
    odoo_server_cmd
    echo "== Starting Odoo: --workers $workers --max-cron-threads 0 on 127.0.0.1:$port"
    "${SERVER_CMD[@]}" -d "$db" --addons-path "$addons_path" --db-filter "^${db}\$" \
        --workers "$workers" --max-cron-threads 0 --http-interface 127.0.0.1 \
        --http-port "$port" --gevent-port "$gevent_port" --log-level info "$@" \
        > "$log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 120); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "ERROR: Odoo exited at start; last lines of $log:" >&2
            tail -n 30 "$log" >&2
            exit 1
        fi
        if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
                "http://127.0.0.1:$port/web/login")" = "200" ]; then
            ready=1
            break
        fi
        sleep 1
    done
    if [ -z "$ready" ]; then
        echo "ERROR: Odoo did not answer GET /web/login with 200 within 120 s." >&2
        exit 1
    fi
    echo "   answering (GET /web/login 200)"
}

# Stops the server of start_odoo_server: SIGTERM, then SIGKILL after 30 s.
stop_odoo_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.5
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "Odoo did not stop on SIGTERM; killing process $SERVER_PID." >&2
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

# Drops the databases named and their filestores, unless BENCH_KEEP_DB=1.
drop_bench_databases() {
    local db
    if [ "${BENCH_KEEP_DB:-}" = "1" ]; then
        echo "Databases kept: $* (BENCH_KEEP_DB=1)."
        return 0
    fi
    for db in "$@"; do
        dropdb --if-exists "$db" >/dev/null 2>&1 || echo "WARNING: could not drop $db" >&2
        rm -rf "${HOME:?}/.local/share/Odoo/filestore/$db"
    done
}
