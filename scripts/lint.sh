#!/usr/bin/env bash
# Linters, configured in the repository (.pre-commit-config.yaml runs the same):
# ruff (ruff.toml), pylint-odoo with the OCA checks (.pylintrc), OCA's
# oca-checks-odoo-module and oca-checks-po; every README.rst must be what
# scripts/gen_readme.py generates from the addon's readme/ fragments.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_python_deps test   # no Odoo needed: the linters read the files
cd "$REPO_DIR"
echo "== ruff"
"$PYTHON" -m ruff check .
"$PYTHON" -m ruff format --check .
echo "== pylint-odoo"
mapfile -t ADDON_DIRS < <(ls -d */__manifest__.py tests/addons/*/__manifest__.py | xargs -n1 dirname)
"$PYTHON" -m pylint --rcfile=.pylintrc "${ADDON_DIRS[@]}"
echo "== oca-checks-odoo-module and oca-checks-po (OCA's pre-commit hooks)"
mapfile -t MANIFESTS < <(ls */__manifest__.py tests/addons/*/__manifest__.py)
"$SAAS_VENV/bin/oca-checks-odoo-module" "${MANIFESTS[@]}"
mapfile -t POT_FILES < <(ls */i18n/*.po* 2>/dev/null)
[ ${#POT_FILES[@]} -eq 0 ] || "$SAAS_VENV/bin/oca-checks-po" --disable=po-pretty-format "${POT_FILES[@]}"
echo "== README.rst generated from readme/ fragments"
"$PYTHON" scripts/gen_readme.py --check
echo "lint: ok"
