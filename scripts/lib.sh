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

odoo_addons_path() {
    echo "$ODOO_DIR/odoo/addons,$REPO_DIR"
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

# Debian packages: Chromium for the web client tours, wkhtmltopdf for PDFs.
install_system_deps() {
    local missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
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
    fi
}
