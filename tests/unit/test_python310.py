# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The suite runs on Python 3.10 to 3.12 (Odoo 18 runs on 3.10; OCA's CI image
uses it).

Two checks: every Python file of the repository is scanned for names and
syntax that Python 3.11 added (this runs on any interpreter); and where a
Python 3.10 interpreter is found (on PATH, or pyenv's), every file is compiled
by it and every pure ``lib/`` module of the addons is imported by it, the way
the unit tests import them (``odoo.addons`` over the repository).
"""

import ast
import glob
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

REPO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (module, name) pairs that exist only from Python 3.11 on.
NEW_IN_311 = {
    ("datetime", "UTC"),
    ("enum", "StrEnum"),
    ("enum", "ReprEnum"),
    ("enum", "verify"),
    ("typing", "Self"),
    ("typing", "LiteralString"),
    ("typing", "Never"),
    ("typing", "assert_never"),
    ("typing", "reveal_type"),
    ("asyncio", "TaskGroup"),
    ("asyncio", "timeout"),
}
NEW_MODULES_311 = {"tomllib", "wsgiref.types"}
NEW_BUILTINS_311 = {"ExceptionGroup", "BaseExceptionGroup"}


def python_files():
    skip = (".git", ".wheels", ".test-logs", "node_modules", "__pycache__")
    for root, dirs, files in os.walk(REPO_DIR):
        dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(root, name)


def uses_of_311(source, filename="<source>"):
    """The places where the source uses a name or syntax of Python 3.11+."""
    tree = ast.parse(source, filename)
    found = []
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if type(node).__name__ == "TryStar":
            found.append(f"{where}: except*")
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if (node.module, alias.name) in NEW_IN_311 or node.module in NEW_MODULES_311:
                    found.append(f"{where}: from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in NEW_MODULES_311:
                    found.append(f"{where}: import {alias.name}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in NEW_IN_311:
                found.append(f"{where}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Name) and node.id in NEW_BUILTINS_311:
            found.append(f"{where}: {node.id}")
    return found


def test_the_scan_sees_what_311_added():
    source = textwrap.dedent(
        """
        from datetime import UTC
        import tomllib
        import datetime
        datetime.UTC
        raise ExceptionGroup("x", [])
        """
    )
    assert len(uses_of_311(source)) == 4
    assert uses_of_311("from datetime import timezone\nUTC = timezone.utc\n") == []


def test_no_python_311_names_in_the_repository():
    found = []
    for path in python_files():
        with open(path, encoding="utf-8") as handle:
            found += uses_of_311(handle.read(), os.path.relpath(path, REPO_DIR))
    assert not found, "Python 3.11+ only (the suite supports 3.10):\n" + "\n".join(found)


def python310():
    candidates = [shutil.which("python3.10")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3.10")))
    for candidate in candidates:
        if not candidate:
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 10))"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.stdout.strip() == "True":
            return candidate
    return None


# Run by Python 3.10: compile every file given, then import the pure modules
# given with ``odoo.addons`` as a namespace over the repository.
CHECK_310 = textwrap.dedent(
    """
    import importlib, json, sys, types
    repo, files, modules = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
    problems = []
    for path in files:
        try:
            compile(open(path, encoding="utf-8").read(), path, "exec")
        except SyntaxError as exc:
            problems.append(f"{path}: {exc}")
    odoo = types.ModuleType("odoo")
    odoo.__path__ = []
    addons = types.ModuleType("odoo.addons")
    addons.__path__ = [repo]
    odoo.addons = addons
    sys.modules.update({"odoo": odoo, "odoo.addons": addons})
    # Each addon as a bare package: its __init__ (models, Odoo) is not run.
    for name in {m.split(".")[2] for m in modules}:
        package = types.ModuleType("odoo.addons." + name)
        package.__path__ = [repo + "/" + name]
        sys.modules[package.__name__] = package
    imported = 0
    for name in modules:
        try:
            importlib.import_module(name)
            imported += 1
        except ModuleNotFoundError as exc:
            if exc.name.split(".")[0] in ("odoo",):
                problems.append(f"{name}: {exc}")
            # a third-party package (lxml) not installed for 3.10: skipped
        except Exception as exc:
            problems.append(f"{name}: {type(exc).__name__}: {exc}")
    print(json.dumps({"problems": problems, "imported": imported}))
    """
)


def test_python310_compiles_every_file_and_imports_the_pure_modules():
    interpreter = python310()
    if not interpreter:
        pytest.skip("no Python 3.10 interpreter here (PATH or ~/.pyenv/versions/3.10*)")
    files = list(python_files())
    modules = []
    for path in glob.glob(os.path.join(REPO_DIR, "saas_*", "lib", "*.py")):
        relative = os.path.relpath(path, REPO_DIR)[: -len(".py")]
        if not relative.endswith("__init__"):
            modules.append("odoo.addons." + relative.replace(os.sep, "."))
    result = subprocess.run(
        [interpreter, "-c", CHECK_310, REPO_DIR, json.dumps(files), json.dumps(modules)],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_DIR,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert not report["problems"], "\n".join(report["problems"])
    # Most pure modules need nothing beyond the standard library.
    assert report["imported"] >= len(modules) - 2, (report, modules, sys.version)
