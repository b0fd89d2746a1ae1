#!/usr/bin/env bash
# Linters, configured in the repository: ruff (ruff.toml) and pylint-odoo with
# the OCA checks (.pylintrc); every README.rst must be what
# scripts/gen_readme.py generates from the addon's readme/ fragments.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

find_odoo
install_python_deps test
cd "$REPO_DIR"
echo "== ruff"
"$PYTHON" -m ruff check .
"$PYTHON" -m ruff format --check .
echo "== pylint-odoo"
mapfile -t ADDON_DIRS < <(ls -d */__manifest__.py tests/addons/*/__manifest__.py | xargs -n1 dirname)
"$PYTHON" -m pylint --rcfile=.pylintrc "${ADDON_DIRS[@]}"
echo "== README.rst generated from readme/ fragments"
"$PYTHON" scripts/gen_readme.py --check
echo "lint: ok"
