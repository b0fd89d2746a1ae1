#!/usr/bin/env bash
# The test command: a fresh database, every addon of the suite installed with
# its tests (Odoo's runner, real PostgreSQL, real HTTP, headless Chromium),
# then the pure-Python tests (pytest). Ends with "N passed, N failed" and
# exits non-zero on any failure, error or missing test run.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

find_odoo
ensure_postgres
install_python_deps test
install_system_deps

ADDONS=$(suite_addons)
TAGS=$(echo "$ADDONS" | sed 's/\([^,]*\)/\/\1/g')
DB="saas_test_$(date +%s)_$$"
LOG_DIR="${SAAS_TEST_LOG_DIR:-$REPO_DIR/.test-logs}"
mkdir -p "$LOG_DIR"
ODOO_LOG="$LOG_DIR/odoo-tests.log"
PYTEST_XML="$LOG_DIR/pytest.xml"
PORT=$(free_port)

cleanup() {
    if [ -z "${SAAS_KEEP_DB:-}" ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "$HOME/.local/share/Odoo/filestore/$DB"
    fi
}
trap cleanup EXIT

echo "== Odoo tests: $ADDONS on a fresh database $DB (log: $ODOO_LOG)"
set +e
odoo_cmd -d "$DB" --addons-path "$(odoo_addons_path)" -i "$ADDONS" \
    --test-enable --test-tags "$TAGS" --stop-after-init --http-port "$PORT" \
    --db-filter "^${DB}\$" --log-level info --max-cron-threads 0 > "$ODOO_LOG" 2>&1
ODOO_RC=$?
set -e

echo "== Pure-Python tests (pytest)"
set +e
(cd "$REPO_DIR" && "$PYTHON" -m pytest -q --junitxml "$PYTEST_XML") 2>&1 | tail -n 30
PYTEST_RC=${PIPESTATUS[0]}
set -e

"$PYTHON" - "$ODOO_LOG" "$PYTEST_XML" "$ODOO_RC" "$PYTEST_RC" <<'PY'
import re
import sys
import xml.etree.ElementTree as ET

log_path, xml_path, odoo_rc, pytest_rc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
log = open(log_path, encoding="utf-8", errors="replace").read()
problems = []

summary = re.findall(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database", log)
if summary:
    failed, errors, total = (int(x) for x in summary[-1])
else:
    failed, errors, total = 0, 0, 0
    problems.append("Odoo printed no test summary (the install or the test run broke)")
odoo_failed = failed + errors
odoo_passed = total - odoo_failed
if total == 0:
    problems.append("Odoo ran no test")
# Errors logged outside a failing test (a broken view, a failed install step).
error_lines = [line for line in log.splitlines()
               if re.search(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ", line)]
if error_lines and not odoo_failed:
    problems.append(f"{len(error_lines)} ERROR lines in the Odoo log")
if odoo_rc != 0 and not odoo_failed:
    problems.append(f"Odoo exited with code {odoo_rc}")

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

if error_lines:
    print("== ERROR lines from the Odoo log:")
    for line in error_lines[:40]:
        print("  " + line[:300])
for failure in re.findall(r"^(?:FAIL|ERROR): .*$", log, flags=re.M)[:40]:
    print("  " + failure)
print(f"Odoo: {odoo_passed} passed, {odoo_failed} failed (of {total});"
      f" pytest: {py_passed} passed, {py_failed} failed")
for problem in problems:
    print("PROBLEM: " + problem)
failed_total = odoo_failed + py_failed + (1 if problems and not (odoo_failed + py_failed) else 0)
print(f"{odoo_passed + py_passed} passed, {failed_total} failed")
sys.exit(1 if failed_total else 0)
PY
