#!/usr/bin/env bash
# Builds every addon as a wheel with whool, the way OCA packages addons: each
# addon's pyproject.toml names whool as build backend, which takes the
# distribution name (odoo-addon-<addon>), the version and the dependencies
# (other addons, external_dependencies) from the manifest, and the files and
# the version's last number from git. The repository must therefore be a git
# checkout (a clone works), with the addons committed.
# Wheels go to $SAAS_WHEEL_DIR (default .wheels/, ignored by git), emptied first.
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_python_deps test
cd "$REPO_DIR"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "ERROR: $REPO_DIR is not a git checkout; whool needs git to build the wheels." >&2
    exit 2
fi
WHEEL_DIR="${SAAS_WHEEL_DIR:-$REPO_DIR/.wheels}"
rm -rf "$WHEEL_DIR"
mkdir -p "$WHEEL_DIR"
mapfile -t ADDON_DIRS < <(ls -d */__manifest__.py | xargs -n1 dirname)
for addon in "${ADDON_DIRS[@]}"; do
    if [ ! -f "$addon/pyproject.toml" ]; then
        echo "ERROR: $addon has no pyproject.toml (whool build backend)." >&2
        exit 1
    fi
done
echo "== wheels (whool) -> $WHEEL_DIR"
# whool comes with requirements-test.txt: no isolated build environment needed.
if ! "$PYTHON" -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir "$WHEEL_DIR" \
    "${ADDON_DIRS[@]/#/./}" >"$WHEEL_DIR/pip.log" 2>&1; then
    cat "$WHEEL_DIR/pip.log" >&2
    echo "ERROR: building the wheels failed (pip wheel, above)." >&2
    exit 1
fi
rm -f "$WHEEL_DIR/pip.log"
# Each addon must have given one wheel holding its manifest.
"$PYTHON" - "$WHEEL_DIR" "${ADDON_DIRS[@]}" <<'PY'
import sys
import zipfile
from pathlib import Path

wheel_dir, addons = Path(sys.argv[1]), sys.argv[2:]
failed = False
for addon in addons:
    wheels = sorted(wheel_dir.glob(f"odoo_addon_{addon}-*.whl"))
    if len(wheels) != 1:
        print(f"ERROR: {len(wheels)} wheels for {addon} in {wheel_dir}", file=sys.stderr)
        failed = True
        continue
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = set(wheel.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = [
            line.split(":", 1)[1].strip()
            for line in wheel.read(metadata).decode().splitlines()
            if line.startswith("Requires-Dist:")
        ]
    if f"odoo/addons/{addon}/__manifest__.py" not in names:
        print(f"ERROR: {wheels[0].name} has no odoo/addons/{addon}/__manifest__.py", file=sys.stderr)
        failed = True
        continue
    print(f"{wheels[0].name}: {len(names)} files; requires {', '.join(requires)}")
sys.exit(1 if failed else 0)
PY
