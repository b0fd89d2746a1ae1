# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The bootstrap of scripts/lib.sh (``find_odoo``) end to end, on this machine.

Archives are built from the Odoo tree the test command found (the modules
that installing ``saas_sync`` needs), in both of
Odoo's layouts (the source repository's: ``addons/`` beside ``odoo/`` under a
top folder; a packaged build's: every module in ``odoo/addons``, no top
folder), served over HTTP on 127.0.0.1 or read from a local path. Each run
bootstraps into a temporary cache (``SAAS_CACHE_DIR``) with no Odoo on the
Python path and no ``ODOO_HOME``, as on a machine with nothing installed.
"""

import ast
import functools
import http.server
import os
import re
import shutil
import socket
import subprocess
import tarfile
import threading
import time
import uuid

import pytest

REPO_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = os.path.join(REPO_DIR, "scripts", "lib.sh")
SKIP_NAMES = {"__pycache__", ".saas-source", ".git"}
ODOO_IMPORT_RE = re.compile(r"odoo\.addons\.(\w+)")


def found_odoo_tree():
    """The Odoo tree of the test command (ODOO_DIR), else what find_odoo finds."""
    tree = os.environ.get("ODOO_DIR")
    if not tree:
        tree = subprocess.run(
            ["bash", "-c", f'source "{LIB}" >/dev/null; find_odoo >/dev/null; echo "$ODOO_DIR"'],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    assert os.path.isfile(os.path.join(tree, "odoo", "release.py")), tree
    return tree


def add_tree(tar, path, arcname):
    """Adds a folder without caches; symbolic links are followed."""
    for entry in sorted(os.listdir(path)):
        if entry in SKIP_NAMES or entry.endswith(".pyc"):
            continue
        full = os.path.join(path, entry)
        if os.path.isdir(full):
            add_tree(tar, full, f"{arcname}/{entry}" if arcname else entry)
        else:
            tar.add(full, arcname=f"{arcname}/{entry}" if arcname else entry)


def modules_of(tree):
    """Every Odoo module of the tree: (name, folder)."""
    found = {}
    for addons in (os.path.join(tree, "addons"), os.path.join(tree, "odoo", "addons")):
        if not os.path.isdir(addons):
            continue
        for name in os.listdir(addons):
            if os.path.isfile(os.path.join(addons, name, "__manifest__.py")):
                found[name] = os.path.join(addons, name)
    return found


def needed_modules(tree, addon="saas_sync"):
    """The modules of the tree that installing ``addon`` needs: its
    dependencies and theirs, and the modules their Python code imports
    (``html_editor`` imports ``iap`` without depending on it). The archives
    hold these, not the whole tree."""
    available = modules_of(tree)
    with open(os.path.join(REPO_DIR, addon, "__manifest__.py"), encoding="utf-8") as handle:
        todo = ["base", *ast.literal_eval(handle.read())["depends"]]
    needed = {}
    while todo:
        name = todo.pop()
        if name in needed or name not in available:
            continue
        needed[name] = available[name]
        with open(os.path.join(available[name], "__manifest__.py"), encoding="utf-8") as handle:
            todo += ast.literal_eval(handle.read()).get("depends", [])
        for root, dirs, files in os.walk(available[name]):
            dirs[:] = [d for d in dirs if d not in ("tests", "static", "i18n")]
            for file in files:
                if file.endswith(".py"):
                    with open(os.path.join(root, file), encoding="utf-8") as handle:
                        todo += ODOO_IMPORT_RE.findall(handle.read())
    return needed


def build_archive(tree, target, layout, leave_out=()):
    """An archive of the tree, with the modules saas_sync needs (less those
    of ``leave_out``), in the layout asked for, whatever the tree's own."""
    top = "odoo-18.0" if layout == "source" else ""
    prefix = f"{top}/" if top else ""
    modules = {k: v for k, v in needed_modules(tree).items() if k not in leave_out}
    with tarfile.open(target, "w:gz", compresslevel=1) as tar:
        for entry in sorted(os.listdir(tree)):
            full = os.path.join(tree, entry)
            if entry in SKIP_NAMES or entry in ("addons", "odoo"):
                continue
            if os.path.isfile(full):
                tar.add(full, arcname=prefix + entry)
        for entry in sorted(os.listdir(os.path.join(tree, "odoo"))):
            if entry in ("addons",) or entry in SKIP_NAMES:
                continue
            add_tree_or_file(tar, os.path.join(tree, "odoo", entry), f"{prefix}odoo/{entry}")
        init = os.path.join(tree, "odoo", "addons", "__init__.py")
        if os.path.isfile(init):
            tar.add(init, arcname=f"{prefix}odoo/addons/__init__.py")
        for name, folder in sorted(modules.items()):
            if layout == "source" and name != "base":
                add_tree(tar, folder, f"{prefix}addons/{name}")
            else:
                add_tree(tar, folder, f"{prefix}odoo/addons/{name}")
    return target


def add_tree_or_file(tar, full, arcname):
    if os.path.isdir(full):
        add_tree(tar, full, arcname)
    else:
        tar.add(full, arcname=arcname)


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    tree = found_odoo_tree()
    folder = tmp_path_factory.mktemp("archives")
    return {
        "source": build_archive(tree, str(folder / "odoo-18.0-source.tar.gz"), "source"),
        "packaged": build_archive(tree, str(folder / "odoo_18.0-packaged.tar.gz"), "packaged"),
        "folder": str(folder),
    }


@pytest.fixture(scope="module")
def http_base(archives):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=archives["folder"])
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def bootstrap(cache, archive, *, sha256=None, venv=None, install_db=None, timeout=900):
    """Runs find_odoo as a fresh machine would: returns (rc, output, seconds)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "ODOO_DIR", "ODOO_HOME", "PYTHON", "SAAS_VENV")
        and not key.startswith("ODOO_ARCHIVE")
    }
    env.update(SAAS_CACHE_DIR=str(cache), ODOO_ARCHIVE=archive)
    if sha256:
        env["ODOO_ARCHIVE_SHA256"] = sha256
    if venv:
        env["SAAS_VENV"] = venv
    script = f'source "{LIB}"; find_odoo; echo "ODOO_DIR=$ODOO_DIR"; echo "PYTHON=$PYTHON"'
    script += '; echo "ADDONS=$(odoo_addons_path)"'
    if install_db:
        script += (
            f'; odoo_cmd -d {install_db} --addons-path "$(odoo_addons_path)" -i saas_sync'
            " --stop-after-init --without-demo=all --log-level warn"
        )
    started = time.monotonic()
    result = subprocess.run(
        ["bash", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd="/",
    )
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


def value(output, key):
    for line in output.splitlines():
        if line.startswith(key + "="):
            return line.split("=", 1)[1]
    raise AssertionError(f"no {key}= in:\n{output}")


def module_state(db, module):
    return subprocess.run(
        ["psql", "-d", db, "-tAc", f"SELECT state FROM ir_module_module WHERE name = '{module}'"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


@pytest.fixture
def database():
    name = f"saas_boot_{uuid.uuid4().hex[:10]}"
    yield name
    subprocess.run(["dropdb", "--if-exists", name], check=False, capture_output=True)
    shutil.rmtree(os.path.expanduser(f"~/.local/share/Odoo/filestore/{name}"), ignore_errors=True)


def assert_nothing_half_done(cache):
    leftovers = [name for name in os.listdir(cache) if name.startswith(".bootstrap.")]
    assert not leftovers, leftovers
    assert not os.path.exists(os.path.join(cache, "odoo-18.0")), os.listdir(cache)


@pytest.fixture(scope="module")
def first_cache(tmp_path_factory, http_base):
    """Bootstrap 1: the source layout over HTTP, a new cache and virtualenv."""
    cache = tmp_path_factory.mktemp("cache-source")
    db = f"saas_boot_{uuid.uuid4().hex[:10]}"
    try:
        rc, output, seconds = bootstrap(
            cache, f"{http_base}/odoo-18.0-source.tar.gz", install_db=db
        )
        state = module_state(db, "saas_sync")
    finally:
        subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
    return {"cache": cache, "rc": rc, "output": output, "seconds": seconds, "state": state}


def test_source_layout_over_http_installs_saas_sync(first_cache):
    assert first_cache["rc"] == 0, first_cache["output"][-3000:]
    output, cache = first_cache["output"], first_cache["cache"]
    assert value(output, "ODOO_DIR") == str(cache / "odoo-18.0")
    assert value(output, "PYTHON") == str(cache / "venv" / "bin" / "python")
    addons = value(output, "ADDONS").split(",")
    tree = cache / "odoo-18.0"
    assert addons[:2] == [str(tree / "addons"), str(tree / "odoo" / "addons")]
    assert REPO_DIR in addons
    assert first_cache["state"] == "installed", output[-3000:]


def test_second_run_downloads_and_installs_nothing(first_cache, http_base):
    assert first_cache["rc"] == 0
    rc, output, seconds = bootstrap(first_cache["cache"], f"{http_base}/odoo-18.0-source.tar.gz")
    assert rc == 0, output
    assert "Downloading" not in output and "Extracting" not in output, output
    assert "Installing Python requirements" not in output, output
    assert "Creating the virtualenv" not in output, output
    assert seconds < 30, seconds


def test_packaged_layout_over_http_installs_saas_sync(tmp_path, first_cache, http_base, database):
    cache = tmp_path / "cache"
    rc, output, _seconds = bootstrap(
        cache,
        f"{http_base}/odoo_18.0-packaged.tar.gz",
        venv=str(first_cache["cache"] / "venv"),
        install_db=database,
    )
    assert rc == 0, output[-3000:]
    assert value(output, "ODOO_DIR") == str(cache / "odoo-18.0")
    addons = value(output, "ADDONS").split(",")
    assert addons[0] == str(cache / "odoo-18.0" / "odoo" / "addons")
    assert not os.path.isdir(cache / "odoo-18.0" / "addons")
    assert module_state(database, "saas_sync") == "installed", output[-3000:]


def test_local_path_installs_saas_sync(tmp_path, first_cache, archives, database):
    cache = tmp_path / "cache"
    rc, output, _seconds = bootstrap(
        cache, archives["source"], venv=str(first_cache["cache"] / "venv"), install_db=database
    )
    assert rc == 0, output[-3000:]
    assert value(output, "ODOO_DIR") == str(cache / "odoo-18.0")
    assert module_state(database, "saas_sync") == "installed", output[-3000:]


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_offline_exits_2_at_once_naming_the_url_and_the_variable(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/odoo_18.0.latest.tar.gz"
    rc, output, seconds = bootstrap(tmp_path / "cache", url, timeout=60)
    assert rc == 2, output
    assert url in output and "ODOO_ARCHIVE" in output, output
    assert seconds < 30, seconds
    assert_nothing_half_done(tmp_path / "cache")


def test_wrong_checksum_exits_2_then_the_right_one_succeeds(tmp_path, archives, first_cache):
    cache = tmp_path / "cache"
    venv = str(first_cache["cache"] / "venv")
    rc, output, _seconds = bootstrap(cache, archives["source"], sha256="0" * 64, venv=venv)
    assert rc == 2, output
    assert "checksum" in output and "0" * 64 in output, output
    assert_nothing_half_done(cache)
    digest = subprocess.run(
        ["sha256sum", archives["source"]], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    rc, output, _seconds = bootstrap(cache, archives["source"], sha256=digest.upper(), venv=venv)
    assert rc == 0, output[-3000:]
    assert value(output, "ODOO_DIR") == str(cache / "odoo-18.0")


def test_truncated_archive_exits_2_then_a_good_one_succeeds(tmp_path, archives, first_cache):
    cache = tmp_path / "cache"
    venv = str(first_cache["cache"] / "venv")
    truncated = tmp_path / "odoo-truncated.tar.gz"
    with open(archives["packaged"], "rb") as source, open(truncated, "wb") as target:
        target.write(source.read(os.path.getsize(archives["packaged"]) // 2))
    rc, output, _seconds = bootstrap(cache, str(truncated), venv=venv)
    assert rc == 2, output
    assert "truncated or corrupt" in output, output
    assert_nothing_half_done(cache)
    rc, output, _seconds = bootstrap(cache, archives["packaged"], venv=venv)
    assert rc == 0, output[-3000:]
    assert value(output, "ODOO_DIR") == str(cache / "odoo-18.0")


def test_a_tree_lacking_a_module_its_code_imports_is_named(tmp_path, first_cache):
    """html_editor imports iap without depending on it: a tree trimmed of iap
    is extracted, with a warning naming both."""
    archive = build_archive(
        found_odoo_tree(), str(tmp_path / "no-iap.tar.gz"), "packaged", leave_out={"iap"}
    )
    rc, output, _seconds = bootstrap(
        tmp_path / "cache", archive, venv=str(first_cache["cache"] / "venv")
    )
    assert rc == 0, output[-3000:]
    assert "lacks modules its own code imports" in output, output
    assert "iap (imported by html_editor)" in output, output
    assert "lacks modules" not in first_cache["output"], first_cache["output"]


def test_an_archive_without_odoo_exits_2(tmp_path, first_cache):
    not_odoo = tmp_path / "not-odoo.tar.gz"
    readme = tmp_path / "README"
    readme.write_text("not Odoo\n")
    with tarfile.open(not_odoo, "w:gz") as tar:
        tar.add(readme, arcname="project/README")
    rc, output, _seconds = bootstrap(
        tmp_path / "cache", str(not_odoo), venv=str(first_cache["cache"] / "venv")
    )
    assert rc == 2, output
    assert "holds no Odoo 18 tree" in output, output
    assert_nothing_half_done(tmp_path / "cache")
