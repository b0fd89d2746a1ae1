#!/usr/bin/env bash
# The README pictures (static/description/*.png), taken again from the demo:
# the demo database of the run command ($SAAS_DEMO_DB, default saas_demo;
# created with every addon and its demo data when missing, as scripts/run.sh
# does), an Odoo server on a free port for the time of the pictures, headless
# Chromium (scripts/screenshots.py). Then: python3 scripts/gen_readme.py.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${SAAS_DEMO_DB:-saas_demo}"

find_odoo
ensure_postgres
install_python_deps
install_system_deps test   # Chromium and poppler-utils (pdftoppm)
ADDONS=$(suite_addons)

if ! psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    echo "Creating database $DB with demo data ($ADDONS)..."
    odoo_cmd -d "$DB" --addons-path "$(odoo_addons_path)" -i "$ADDONS" --stop-after-init \
        --db-filter "^${DB}\$" --log-level warn
    odoo_cmd shell -d "$DB" --addons-path "$(odoo_addons_path)" --log-level warn <<'PY' >/dev/null
env.ref("base.user_admin").password = "admin"
env.cr.commit()
PY
fi

PORT="$(free_port)"
LOG="$(mktemp -t saas-screenshots-XXXXXX.log)"
trap stop_odoo_server EXIT
start_odoo_server "$DB" "$(odoo_addons_path)" "$PORT" 0 "$LOG"
"$PYTHON" "$REPO_DIR/scripts/screenshots.py" --url "http://127.0.0.1:$PORT" --db "$DB" \
    --login "${SAAS_LOGIN:-admin}" --password "${SAAS_PASSWORD:-admin}"
