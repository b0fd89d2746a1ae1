#!/usr/bin/env bash
# The run command: PostgreSQL up, a demo database with every addon of the suite
# and its demo data (created, or upgraded when it exists), Odoo on port 8069.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB="${SAAS_DEMO_DB:-saas_demo}"
PORT="${SAAS_HTTP_PORT:-8069}"

find_odoo
ensure_postgres
install_python_deps
install_system_deps
ADDONS=$(suite_addons)

if psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    echo "Upgrading database $DB ($ADDONS; addons new to it are installed)..."
    INIT=(-i "$ADDONS" -u "$ADDONS")
    CREATED=0
else
    echo "Creating database $DB with demo data ($ADDONS)..."
    INIT=(-i "$ADDONS")
    CREATED=1
fi
odoo_cmd -d "$DB" --addons-path "$(odoo_addons_path)" "${INIT[@]}" --stop-after-init \
    --db-filter "^${DB}\$" --log-level warn
if [ "$CREATED" = 1 ]; then
    # Admin password "admin" on the new database only: an existing one keeps its
    # password and its users' open sessions.
    odoo_cmd shell -d "$DB" --addons-path "$(odoo_addons_path)" --log-level warn <<'PY' >/dev/null
env.ref("base.user_admin").password = "admin"
env.cr.commit()
PY
fi
echo "Odoo is serving http://localhost:$PORT (login admin / admin). Ctrl-C stops it."
exec "$PYTHON" -m odoo -d "$DB" --addons-path "$(odoo_addons_path)" --db-filter "^${DB}\$" \
    --http-port "$PORT" "$@"
