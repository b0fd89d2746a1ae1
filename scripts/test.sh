#!/usr/bin/env bash
# The test command: saas_sync installed alone with its tests on a fresh
# database, then a fresh database with every addon of the suite and the
# test-only addons of tests/addons installed with their tests (Odoo's runner,
# real PostgreSQL, real HTTP, headless Chromium), then the pure-Python tests
# (pytest). Ends with "N passed, N failed" and
# exits non-zero on any failure, error or missing test run.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

find_odoo
ensure_postgres
install_python_deps test
install_system_deps test

ADDONS=$(suite_addons)
# Test-only addons (tests/addons), installed here and never by the run command.
TEST_ADDONS=$(ls -d "$REPO_DIR"/tests/addons/*/__manifest__.py 2>/dev/null | xargs -r -n1 dirname | xargs -r -n1 basename | paste -sd, -)
ALL_ADDONS="$ADDONS${TEST_ADDONS:+,$TEST_ADDONS}"
TAGS=$(echo "$ALL_ADDONS" | sed 's/\([^,]*\)/\/\1/g')
STAMP="$(date +%s)_$$"
DB="saas_test_$STAMP"
DB_CORE="saas_test_core_$STAMP"
LOG_DIR="${SAAS_TEST_LOG_DIR:-$REPO_DIR/.test-logs}"
mkdir -p "$LOG_DIR"
ODOO_LOG="$LOG_DIR/odoo-tests.log"
CORE_LOG="$LOG_DIR/odoo-tests-core-alone.log"
PYTEST_XML="$LOG_DIR/pytest.xml"
PORT=$(free_port)

cleanup() {
    if [ -z "${SAAS_KEEP_DB:-}" ]; then
        for db in "$DB" "$DB_CORE"; do
            dropdb --if-exists "$db" >/dev/null 2>&1 || true
            rm -rf "$HOME/.local/share/Odoo/filestore/$db"
        done
    fi
}
trap cleanup EXIT

# Odoo's modules the addons given depend on (their manifests' depends that are
# not addons of this repository), comma-separated.
odoo_dependencies() {  # addon folders...
    "$PYTHON" - "$@" <<'PY'
import ast, os, sys
folders = sys.argv[1:]
ours = {os.path.basename(f) for f in folders}
deps = set()
for folder in folders:
    with open(os.path.join(folder, "__manifest__.py"), encoding="utf-8") as handle:
        deps.update(ast.literal_eval(handle.read()).get("depends", []))
print(",".join(sorted(deps - ours)))
PY
}

# Odoo's modules are installed first, without tests; then the addons with
# their tests. Odoo imports the tests of every module it installs with
# --test-enable, and Odoo's own tests import modules a trimmed tree lacks.
run_odoo_tests() {  # database, addons, test tags, log file, addons path
    local folders=() addon
    for addon in ${2//,/ }; do
        for folder in "$REPO_DIR/$addon" "$REPO_DIR/tests/addons/$addon"; do
            [ ! -f "$folder/__manifest__.py" ] || folders+=("$folder")
        done
    done
    set +e
    odoo_cmd -d "$1" --addons-path "$5" -i "$(odoo_dependencies "${folders[@]}")" \
        --stop-after-init --db-filter "^${1}\$" --log-level info --max-cron-threads 0 > "$4" 2>&1 && \
    odoo_cmd -d "$1" --addons-path "$5" -i "$2" \
        --test-enable --test-tags "$3" --stop-after-init --http-port "$PORT" \
        --db-filter "^${1}\$" --log-level info --max-cron-threads 0 >> "$4" 2>&1
    local rc=$?
    set -e
    return $rc
}

echo "== Odoo tests: saas_sync installed alone on a fresh database $DB_CORE (log: $CORE_LOG)"
CORE_RC=0
run_odoo_tests "$DB_CORE" saas_sync /saas_sync "$CORE_LOG" "$(odoo_addons_path)" || CORE_RC=$?

echo "== Odoo tests: $ALL_ADDONS on a fresh database $DB (log: $ODOO_LOG)"
ODOO_RC=0
run_odoo_tests "$DB" "$ALL_ADDONS" "$TAGS" "$ODOO_LOG" "$(odoo_addons_path),$REPO_DIR/tests/addons" || ODOO_RC=$?

echo "== Pure-Python tests (pytest)"
set +e
(cd "$REPO_DIR" && "$PYTHON" -m pytest -q --junitxml "$PYTEST_XML") 2>&1 | tail -n 30
PYTEST_RC=${PIPESTATUS[0]}
set -e

"$PYTHON" - "$PYTEST_XML" "$PYTEST_RC" "$CORE_LOG" "$CORE_RC" "$ODOO_LOG" "$ODOO_RC" <<'PY'
import re
import sys
import xml.etree.ElementTree as ET

xml_path, pytest_rc = sys.argv[1], int(sys.argv[2])
runs = [(sys.argv[i], int(sys.argv[i + 1])) for i in range(3, len(sys.argv), 2)]
problems = []
odoo_passed = odoo_failed = 0
all_error_lines, all_failures = [], []
for log_path, odoo_rc in runs:
    name = log_path.rsplit("/", 1)[-1]
    log = open(log_path, encoding="utf-8", errors="replace").read()
    summary = re.findall(
        r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database", log
    )
    if summary:
        failed, errors, total = (int(x) for x in summary[-1])
    else:
        failed, errors, total = 0, 0, 0
        problems.append(f"{name}: Odoo printed no test summary (the install or the test run broke)")
    if total == 0:
        problems.append(f"{name}: Odoo ran no test")
    odoo_failed += failed + errors
    odoo_passed += total - failed - errors
    # Errors logged outside a failing test (a broken view, a failed install step).
    error_lines = [line for line in log.splitlines()
                   if re.search(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", line)]
    if error_lines and not (failed + errors):
        problems.append(f"{name}: {len(error_lines)} ERROR lines in the Odoo log")
    if odoo_rc != 0 and not (failed + errors):
        problems.append(f"{name}: Odoo exited with code {odoo_rc}")
    all_error_lines += error_lines
    all_failures += re.findall(r"^(?:FAIL|ERROR): .*$", log, flags=re.M)
    print(f"Odoo ({name}): {total - failed - errors} passed, {failed + errors} failed (of {total})")

py_passed = py_failed = 0
try:
    suite = ET.parse(xml_path).getroot()
    suites = [suite] if suite.tag == "testsuite" else list(suite)
    for s in suites:
        tests = int(s.get("tests", 0))
        bad = int(s.get("failures", 0)) + int(s.get("errors", 0))
        skipped = int(s.get("skipped", 0))
        py_failed += bad
        py_passed += tests - bad - skipped
except (OSError, ET.ParseError):
    problems.append("pytest wrote no report")
if py_passed + py_failed == 0:
    problems.append("pytest ran no test")
elif pytest_rc not in (0, 1):
    problems.append(f"pytest exited with code {pytest_rc}")

if all_error_lines:
    print("== ERROR lines from the Odoo logs:")
    for line in all_error_lines[:40]:
        print("  " + line[:300])
for failure in all_failures[:40]:
    print("  " + failure)
print(f"Odoo: {odoo_passed} passed, {odoo_failed} failed;"
      f" pytest: {py_passed} passed, {py_failed} failed")
for problem in problems:
    print("PROBLEM: " + problem)
failed_total = odoo_failed + py_failed + (1 if problems and not (odoo_failed + py_failed) else 0)
print(f"{odoo_passed + py_passed} passed, {failed_total} failed")
sys.exit(1 if failed_total else 0)
PY
