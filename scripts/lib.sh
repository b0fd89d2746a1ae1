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

# ---------------------------------------------------------------------------
# Odoo 18.0 Community and the suite's virtualenv.
#
# find_odoo looks for Odoo 18, in this order, and stops at the first found:
#   1. `import odoo` (version 18) with $PYTHON or python3: an Odoo on the
#      Python path, or installed in a virtualenv (`pip install -e <tree>`);
#   2. $ODOO_HOME, then ~/odoo18, then /opt/odoo18: an Odoo tree, in the
#      source repository's layout (addons/ beside odoo/) or a packaged
#      build's (every module in odoo/addons/);
#   3. the cache of this suite, $SAAS_CACHE_DIR (default
#      ${XDG_CACHE_HOME:-~/.cache}/saas-suite): odoo-18.0/ there;
#   4. otherwise it bootstraps: downloads $ODOO_ARCHIVE (default
#      $ODOO_ARCHIVE_DEFAULT), checks $ODOO_ARCHIVE_SHA256 when set, and
#      extracts it into the cache (beside, then renamed into place).
#      When ODOO_ARCHIVE is set, 1. and 2. are skipped: the cache is used if
#      it was extracted from that archive, else that archive is extracted.
# Then it sets PYTHON to a virtualenv with Odoo's requirements: the one
# Odoo is installed in (1.), else $SAAS_CACHE_DIR/venv (created with the
# first Python >= 3.10 found; with --system-site-packages when Odoo comes
# from the system's Python). Every pip install of the scripts goes there.
# ---------------------------------------------------------------------------

# The one place the default source of Odoo is named: Odoo's nightly source
# archive of the 18.0 branch (the packaged layout). Pin a release with
# ODOO_ARCHIVE=<a dated archive of the same folder> ODOO_ARCHIVE_SHA256=<its sha256>.
ODOO_ARCHIVE_DEFAULT="https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
SAAS_CACHE_DIR="${SAAS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/saas-suite}"
ODOO_CACHE_TREE="$SAAS_CACHE_DIR/odoo-18.0"

die2() {  # message lines...; exit code 2
    local line
    for line in "$@"; do echo "ERROR: $line" >&2; done
    exit 2
}

# Runs a command holding the cache's lock (one bootstrap or pip install at a
# time among the clones of this machine).
with_cache_lock() {
    mkdir -p "$SAAS_CACHE_DIR"
    (
        flock -w 1800 9 || die2 "could not lock $SAAS_CACHE_DIR/.lock within 30 minutes"
        "$@"
    ) 9>"$SAAS_CACHE_DIR/.lock"
}

# True when the folder is an Odoo 18 tree (either layout).
is_odoo18_tree() {
    [ -n "$1" ] && [ -f "$1/odoo/release.py" ] && [ -f "$1/odoo/addons/base/__manifest__.py" ] && \
        grep -Eq '^version_info *= *\(18, *0' "$1/odoo/release.py"
}

# A Python >= 3.10 (3.10 to 3.12 are supported): $PYTHON when set, else the
# first of python3, python3.12, python3.11, python3.10 that is recent enough.
base_python() {
    local candidate
    for candidate in ${PYTHON:+"$PYTHON"} python3 python3.12 python3.11 python3.10; do
        if command -v "$candidate" >/dev/null 2>&1 && \
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    die2 "no Python 3.10 or newer was found (python3, python3.12, python3.11, python3.10)."
}

find_odoo() {
    local candidate python_found
    python_found=$(base_python)
    # 1. Odoo importable by that Python (unless ODOO_ARCHIVE names the Odoo to use).
    if [ -z "${ODOO_ARCHIVE:-}" ] && ODOO_DIR=$("$python_found" -c 'import os, odoo, odoo.release as r; assert r.version_info[0] == 18; print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))' 2>/dev/null); then
        export ODOO_DIR
        ODOO_REQUIREMENTS=()   # installed with Odoo
        if "$python_found" -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'; then
            PYTHON="$python_found"   # a virtualenv: installs go into it
            SAAS_VENV=$("$PYTHON" -c 'import sys; print(sys.prefix)')
            export PATH="$SAAS_VENV/bin:$PATH"
            export PYTHON SAAS_VENV
        else
            use_cache_venv "$python_found" --system-site-packages
        fi
        pip_install_stamped "$REPO_DIR/requirements.txt"
        echo "Odoo 18: $ODOO_DIR (import odoo with $python_found; Python: $PYTHON)"
        return 0
    fi
    # 2. A tree in a usual folder; 3. the cache (the cache alone with ODOO_ARCHIVE).
    local candidates=("${ODOO_HOME:-}" "$HOME/odoo18" /opt/odoo18 "$ODOO_CACHE_TREE")
    [ -z "${ODOO_ARCHIVE:-}" ] || candidates=("$ODOO_CACHE_TREE")
    for candidate in "${candidates[@]}"; do
        if is_odoo18_tree "$candidate" && ! odoo_cache_is_stale "$candidate"; then
            ODOO_DIR="$(cd "$candidate" && pwd)"
            break
        fi
        candidate=""
    done
    # 4. The bootstrap.
    if [ -z "$candidate" ]; then
        with_cache_lock bootstrap_odoo_tree
        ODOO_DIR="$ODOO_CACHE_TREE"
    fi
    export ODOO_DIR
    export PYTHONPATH="$ODOO_DIR${PYTHONPATH:+:$PYTHONPATH}"
    use_cache_venv "$python_found"
    ODOO_REQUIREMENTS=()
    if [ -f "$ODOO_DIR/requirements.txt" ]; then
        ODOO_REQUIREMENTS=("$ODOO_DIR/requirements.txt")
        ensure_build_deps "$ODOO_DIR/requirements.txt"
    fi
    pip_install_stamped "${ODOO_REQUIREMENTS[@]}" "$REPO_DIR/requirements.txt"
    echo "Odoo 18: $ODOO_DIR (Python: $PYTHON)"
}

# The cache's tree is stale when ODOO_ARCHIVE names another source than the
# one it was extracted from (or ODOO_ARCHIVE_SHA256 another checksum).
odoo_cache_is_stale() {
    [ "$1" = "$ODOO_CACHE_TREE" ] || return 1
    [ -n "${ODOO_ARCHIVE:-}${ODOO_ARCHIVE_SHA256:-}" ] || return 1
    [ "$(cat "$ODOO_CACHE_TREE/.saas-source" 2>/dev/null)" != "$(archive_identity)" ]
}

archive_identity() {
    local source="${ODOO_ARCHIVE:-$ODOO_ARCHIVE_DEFAULT}"
    if [ -n "${ODOO_ARCHIVE_SHA256:-}" ]; then
        echo "sha256:${ODOO_ARCHIVE_SHA256,,}"
    elif [ -f "$source" ]; then
        echo "file:$(cd "$(dirname "$source")" && pwd)/$(basename "$source"):$(stat -c %s:%Y "$source")"
    else
        echo "url:$source"
    fi
}

# Downloads (or reads) the archive, checks it, extracts it beside the cache
# and renames it into place. Exit 2 with the reason on any failure, leaving
# the cache as it was.
bootstrap_odoo_tree() {
    local source="${ODOO_ARCHIVE:-$ODOO_ARCHIVE_DEFAULT}" work archive root sum
    if [ -d "$ODOO_CACHE_TREE" ] && is_odoo18_tree "$ODOO_CACHE_TREE" && ! odoo_cache_is_stale "$ODOO_CACHE_TREE"; then
        return 0   # another run built it while this one waited for the lock
    fi
    rm -rf "$SAAS_CACHE_DIR"/.bootstrap.*   # left by a run that was killed
    work=$(mktemp -d "$SAAS_CACHE_DIR/.bootstrap.XXXXXX")
    # shellcheck disable=SC2064  # the folder of this run, expanded now
    trap "rm -rf '$work'" EXIT
    echo "Bootstrapping Odoo 18 from $source into $ODOO_CACHE_TREE"
    case "$source" in
        file://*) archive="${source#file://}" ;;
        http://*|https://*)
            archive="$work/odoo.tar.gz"
            command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
            echo "Downloading $source ..."
            if ! curl -fsSL --connect-timeout 15 --speed-time 60 --speed-limit 1024 \
                    -o "$archive" "$source" 2>"$work/curl.err"; then
                die2 "could not download Odoo 18 from $source: $(tr '\n' ' ' < "$work/curl.err")" \
                     "Set ODOO_ARCHIVE to an Odoo 18.0 Community source archive you have (a local path," \
                     "a file:// or an https:// URL) and run again, e.g." \
                     "  ODOO_ARCHIVE=/path/to/odoo-18.0.tar.gz bash scripts/test.sh"
            fi
            ;;
        *) archive="$source" ;;
    esac
    [ -f "$archive" ] || die2 "ODOO_ARCHIVE: no file at $archive."
    if [ -n "${ODOO_ARCHIVE_SHA256:-}" ]; then
        sum=$(sha256sum "$archive" | cut -d' ' -f1)
        [ "$sum" = "${ODOO_ARCHIVE_SHA256,,}" ] || \
            die2 "the checksum of $source is $sum, not ODOO_ARCHIVE_SHA256=$ODOO_ARCHIVE_SHA256; nothing was extracted."
    fi
    echo "Extracting $archive ..."
    mkdir -p "$work/x"
    if ! tar -xf "$archive" -C "$work/x" 2>"$work/tar.err"; then
        die2 "$source is not a complete archive (truncated or corrupt): $(head -c 300 "$work/tar.err" | tr '\n' ' ')"
    fi
    # The tree is the archive's top folder, or the archive itself.
    root="$work/x"
    if ! is_odoo18_tree "$root"; then
        root=$(find "$work/x" -mindepth 3 -maxdepth 3 -path '*/odoo/release.py' -printf '%h\n' | head -n 1)
        root="${root%/odoo}"
    fi
    is_odoo18_tree "$root" || die2 "$source holds no Odoo 18 tree (odoo/release.py of version 18 with odoo/addons/base)."
    warn_missing_imports "$root"
    archive_identity > "$root/.saas-source"
    rm -rf "$ODOO_CACHE_TREE.old"
    [ ! -e "$ODOO_CACHE_TREE" ] || mv "$ODOO_CACHE_TREE" "$ODOO_CACHE_TREE.old"
    mv "$root" "$ODOO_CACHE_TREE"
    rm -rf "$ODOO_CACHE_TREE.old"
    echo "Odoo 18 extracted into $ODOO_CACHE_TREE"
}

# A tree trimmed by hand may lack modules that Odoo's own code imports
# (account imports base_vat, resource imports hr_work_entry_contract): say
# which, since installing the modules that import them will fail.
warn_missing_imports() {
    "$(base_python)" - "$1" <<'PY' >&2 || true
import os, re, sys
tree = sys.argv[1]
folders = [os.path.join(tree, "addons"), os.path.join(tree, "odoo", "addons")]
modules = {name: os.path.join(folder, name) for folder in folders if os.path.isdir(folder)
           for name in os.listdir(folder)
           if os.path.isfile(os.path.join(folder, name, "__manifest__.py"))}
missing = {}
for name, path in modules.items():
    for root, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d not in ("tests", "static", "i18n")]
        for file in files:
            if file.endswith(".py"):
                text = open(os.path.join(root, file), encoding="utf-8", errors="replace").read()
                imports = re.findall(r"^\s*(?:from|import)\s+odoo\.addons\.(\w+)", text, re.M)
                for imported in set(imports) - set(modules):
                    missing.setdefault(imported, set()).add(name)
if missing:
    print("WARNING: this Odoo tree lacks modules its own code imports; installing the"
          " modules that import them fails:")
    for imported, users in sorted(missing.items()):
        print(f"  {imported} (imported by {', '.join(sorted(users))})")
PY
}

# PYTHON := the cache's virtualenv (made with the Python given, and the venv
# options given), created when missing. A virtualenv whose creation or pip
# install did not finish has no .saas-ready and is made again.
use_cache_venv() {
    local python_found="$1"
    shift
    SAAS_VENV="${SAAS_VENV:-$SAAS_CACHE_DIR/venv${1:+-system-site}}"
    if [ ! -f "$SAAS_VENV/.saas-ready" ]; then
        with_cache_lock create_venv "$python_found" "$@"
    fi
    PYTHON="$SAAS_VENV/bin/python"
    # Its commands (localstripe for the tests, the linters) come first.
    export PATH="$SAAS_VENV/bin:$PATH"
    export PYTHON SAAS_VENV
}

# What pip needs to build Odoo's requirements that come without wheels
# (psycopg2 from source, python-ldap): a C compiler, Python's headers,
# libpq's and OpenLDAP's; installed with apt-get when missing.
ensure_build_deps() {
    local requirements="$1" missing=() stamp
    stamp=$(sha256sum "$requirements" | cut -c1-16)
    [ ! -f "$SAAS_VENV/.saas-stamps/$stamp.build" ] || return 0
    command -v cc >/dev/null 2>&1 || missing+=(gcc)
    "$PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
        || missing+=(python3-dev)
    if grep -Eiq '^psycopg2([^-]|$)' "$requirements" && ! command -v pg_config >/dev/null 2>&1; then
        missing+=(libpq-dev)
    fi
    if grep -Eiq '^python-ldap' "$requirements" && [ ! -f /usr/include/ldap.h ]; then
        missing+=(libldap2-dev libsasl2-dev)
    fi
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    mkdir -p "$SAAS_VENV/.saas-stamps"
    touch "$SAAS_VENV/.saas-stamps/$stamp.build"
}

create_venv() {
    local python_found="$1"
    shift
    [ -f "$SAAS_VENV/.saas-ready" ] && return 0
    rm -rf "$SAAS_VENV"
    echo "Creating the virtualenv $SAAS_VENV ($("$python_found" --version 2>&1))..."
    if ! "$python_found" -m venv "$@" "$SAAS_VENV" >"$SAAS_CACHE_DIR/venv.log" 2>&1 && \
       [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1 && \
       [ "$python_found" = "$(command -v python3 || true)" ]; then
        # Debian's Python has venv's ensurepip in a package of its own.
        rm -rf "$SAAS_VENV"
        apt_install python3-venv
        "$python_found" -m venv "$@" "$SAAS_VENV" >"$SAAS_CACHE_DIR/venv.log" 2>&1 || true
    fi
    if [ ! -x "$SAAS_VENV/bin/python" ] || ! "$SAAS_VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        rm -rf "$SAAS_VENV"
        die2 "could not create a virtualenv with $python_found ($(tail -n 3 "$SAAS_CACHE_DIR/venv.log" | tr '\n' ' '))" \
             "On Debian or Ubuntu: apt-get install python3-venv"
    fi
    "$SAAS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip \
        >>"$SAAS_CACHE_DIR/venv.log" 2>&1 || true
    touch "$SAAS_VENV/.saas-ready"
}

# pip install -r of the files given into $PYTHON's virtualenv, skipped when
# the same files (same content) were installed there before.
pip_install_stamped() {
    local stamp args=() file
    stamp=$(cat "$@" | sha256sum | cut -c1-16)
    [ -f "$SAAS_VENV/.saas-stamps/$stamp" ] && return 0
    for file in "$@"; do args+=(-r "$file"); done
    with_cache_lock pip_install_locked "$stamp" "${args[@]}"
}

pip_install_locked() {
    local stamp="$1" log="$SAAS_VENV/.saas-pip.log"
    shift
    [ -f "$SAAS_VENV/.saas-stamps/$stamp" ] && return 0
    echo "Installing Python requirements into $SAAS_VENV ($*)..."
    if ! "$PYTHON" -m pip install --disable-pip-version-check "$@" >"$log" 2>&1; then
        grep -v "^WARNING: Location" "$log" | tail -n 15 >&2
        # Nothing half-built is trusted: the virtualenv is made again next time.
        rm -f "$SAAS_VENV/.saas-ready"
        rm -rf "$SAAS_VENV/.saas-stamps"
        die2 "pip install $* failed (above; the whole log: $log)."
    fi
    mkdir -p "$SAAS_VENV/.saas-stamps"
    touch "$SAAS_VENV/.saas-stamps/$stamp"
}

# A tree trimmed to fewer modules (hr_timesheet, project, stock, mrp, sale,
# mass_mailing left out) also gets scripts/odoo_category_stubs, whose
# never-installable manifests create the module categories base's data names.
odoo_core_addons_path() {
    local path module
    if [ -f "$ODOO_DIR/addons/web/__manifest__.py" ]; then
        path="$ODOO_DIR/addons,$ODOO_DIR/odoo/addons"
    else
        path="$ODOO_DIR/odoo/addons"
    fi
    for module in hr_timesheet project stock mrp mass_mailing sale; do
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

# apt-get install of the Debian packages given, as root; otherwise the exact
# command is printed and the script exits 2.
apt_install() {
    if [ "$(id -u)" != "0" ]; then
        die2 "missing Debian packages: $*. Install them, then run again:" \
             "  sudo apt-get update && sudo apt-get install -y $*"
    fi
    echo "Installing $* (Debian packages)..."
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } \
            >"$SAAS_CACHE_DIR/apt.log" 2>&1; then
        tail -n 10 "$SAAS_CACHE_DIR/apt.log" >&2
        die2 "apt-get install $* failed (above)."
    fi
}

# PostgreSQL: installed with apt-get when missing, started when not running,
# and a role for the current user (superuser, as Odoo creates databases).
ensure_postgres() {
    local version user
    mkdir -p "$SAAS_CACHE_DIR"
    if ! pg_isready -q 2>/dev/null; then
        if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
            apt_install postgresql postgresql-client
        fi
        if ! pg_isready -q 2>/dev/null; then
            version=$(ls /etc/postgresql | sort -V | tail -n 1)
            echo "Starting PostgreSQL $version..."
            pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
            for _ in $(seq 1 30); do
                pg_isready -q 2>/dev/null && break
                sleep 1
            done
        fi
        pg_isready -q 2>/dev/null || \
            die2 "PostgreSQL is not running and could not be started (pg_ctlcluster $version main start)."
    fi
    user="$(id -un)"
    if ! psql -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
        if [ "$(id -u)" = "0" ] && id postgres >/dev/null 2>&1; then
            echo "Creating the PostgreSQL role $user..."
            runuser -u postgres -- createuser --superuser "$user" || \
                die2 "could not create the PostgreSQL role $user."
        else
            die2 "PostgreSQL has no role for $user. Create it, then run again:" \
                 "  sudo -u postgres createuser --superuser $user"
        fi
    fi
}

# Python packages of the addons (and, with "test", of the tests and linters)
# into the virtualenv of find_odoo, or without Odoo (lint, wheels) into the
# cache's virtualenv.
ODOO_REQUIREMENTS=()
install_python_deps() {
    local files=("$REPO_DIR/requirements.txt")
    [ "${1:-}" != "test" ] || files=("$REPO_DIR/requirements-test.txt")
    if [ -z "${SAAS_VENV:-}" ]; then
        use_cache_venv "$(base_python)"
    fi
    pip_install_stamped "${ODOO_REQUIREMENTS[@]}" "${files[@]}"
}

# Debian packages: wkhtmltopdf for PDFs (the run and test commands); with
# "test", Chromium for the web client tours and poppler-utils (pdftotext) for
# the tests that read the text of a PDF.
install_system_deps() {
    local missing=()
    command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
    if [ "${1:-}" = "test" ]; then
        command -v chromium >/dev/null 2>&1 || missing+=(chromium)
        command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    fi
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
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
