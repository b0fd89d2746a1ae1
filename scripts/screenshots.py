#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Take the README pictures (static/description/*.png) from a running Odoo
with the suite's demo data, in headless Chromium: the screens a newcomer
opens first, and the executive PDF's first page (pdftoppm, poppler-utils).

    python3 scripts/screenshots.py --url http://localhost:8069 --db saas_demo

scripts/screenshots.sh prepares the demo database and the server, then runs
this. Each picture is 1280 pixels wide at most, reduced to a palette of 256
colours (a few tens of kB). Needs websocket-client (Odoo's requirements).
"""

import argparse
import base64
import http.cookiejar
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

import websocket
from PIL import Image

REPO_DIR = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1280, 800


class Odoo:
    """A logged-in JSON-RPC session (its cookie is handed to Chromium)."""

    def __init__(self, url, db, login, password):
        self.url = url.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.rpc("/web/session/authenticate", db=db, login=login, password=password)

    def rpc(self, path, **params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(
            self.url + path, body, {"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=300) as answer:
            reply = json.loads(answer.read())
        if reply.get("error"):
            raise SystemExit(f"{path}: {reply['error']['data'].get('message')}")
        return reply["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            "/web/dataset/call_kw",
            model=model,
            method=method,
            args=list(args),
            kwargs=kwargs,
        )

    def get(self, path):
        with self.opener.open(self.url + path, timeout=300) as answer:
            return answer.read()

    @property
    def session_id(self):
        return next(cookie.value for cookie in self.jar if cookie.name == "session_id")


class Chromium:
    """Headless Chromium driven through the DevTools protocol."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="saas-shots-")
        port = _free_port()
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as answer:
                    pages = [p for p in json.loads(answer.read()) if p["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            self.close()
            raise SystemExit(f"{binary} did not start")
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                  deviceScaleFactor=1, mobile=False)  # fmt: skip

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def open(self, url, ready, timeout=90):
        """Open ``url`` and wait until ``ready`` (a CSS selector) is shown and
        the page is idle."""
        self.send("Page.navigate", url=url)
        deadline = time.time() + timeout
        check = f"!!document.querySelector({json.dumps(ready)})"
        while not self.evaluate(check):
            if time.time() > deadline:
                raise SystemExit(f"{url}: {ready} never appeared")
            time.sleep(0.3)
        time.sleep(1.5)  # the last RPCs and fonts

    def screenshot(self):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        return Image.open(io.BytesIO(base64.b64decode(data)))

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def save(image, addon, name):
    """A small PNG: at most WIDTH wide, a palette of 256 colours."""
    if image.width > WIDTH:
        image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
    image = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    target = REPO_DIR / addon / "static" / "description" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target, optimize=True)
    print(f"{target.relative_to(REPO_DIR)} ({target.stat().st_size // 1024} kB)")


def _xmlid_res_id(odoo, xmlid):
    module, name = xmlid.split(".")
    [row] = odoo.call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )
    return row["res_id"]


def last_month():
    today = date.today()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def screens(odoo):
    """(addon, file, path to open, CSS selector that says it is ready)."""
    [batch] = odoo.call(
        "saas.revenue.batch", "search_read", [("state", "=", "posted")], fields=["id"], limit=1
    )
    subscription = odoo.call("saas.subscription", "search", [("name", "=", "sub_acme")], limit=1)
    return [
        (
            "saas_sync",
            "event_inbox.png",
            "/odoo/action-saas_sync.action_saas_event",
            ".o_list_view .o_data_row",
        ),
        (
            "saas_sync",
            "dashboard.png",
            "/odoo/saas-dashboard",
            ".o_saas_dashboard .o_saas_hour_chart",
        ),
        (
            "saas_subscription",
            "subscription.png",
            f"/odoo/action-saas_subscription.action_saas_subscription/{subscription[0]}",
            ".o_form_view .o_field_widget[name='mrr']",
        ),
        (
            "saas_metrics",
            "metrics_dashboard.png",
            "/odoo/action-saas_metrics.action_saas_metrics_dashboard",
            ".o_saas_metrics_dashboard .o_saas_metrics_bridge",
        ),
        (
            "saas_metrics",
            "mrr_bridge.png",
            "/odoo/action-saas_metrics.action_saas_mrr_bridge",
            ".o_pivot_view .o_pivot table",
        ),
        (
            "saas_revenue",
            "recognition_batch.png",
            f"/odoo/action-saas_revenue.action_saas_revenue_batch/{batch['id']}",
            ".o_form_view .o_statusbar_status",
        ),
        (
            "saas_stripe",
            "stripe_system.png",
            "/odoo/action-saas_sync.action_saas_system/"
            f"{_xmlid_res_id(odoo, 'saas_stripe.demo_system_stripe')}",
            ".o_form_view .o_field_widget[name='code']",
        ),
        (
            "saas_chargebee",
            "chargebee_system.png",
            "/odoo/action-saas_sync.action_saas_system/"
            f"{_xmlid_res_id(odoo, 'saas_chargebee.demo_system_chargebee')}",
            ".o_form_view .o_field_widget[name='code']",
        ),
    ]


def executive_report(odoo, pdftoppm):
    """The first page of last month's executive PDF, as a picture."""
    wizard = odoo.call(
        "saas.executive.report.wizard", "create", [{"month": last_month().isoformat()}]
    )[0]
    pdf = odoo.get(f"/report/pdf/saas_metrics.report_saas_executive/{wizard}")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [pdftoppm, "-png", "-f", "1", "-l", "1", "-scale-to", str(WIDTH), source,
             Path(folder) / "page"],
            check=True,
        )  # fmt: skip
        [page] = Path(folder).glob("page*.png")
        image = Image.open(page)
        image.load()
    for addon in ("saas_metrics", "saas_metrics_revenue"):
        save(image, addon, "executive_report.png")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default=os.environ.get("SAAS_DEMO_DB", "saas_demo"))
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--pdftoppm", default=shutil.which("pdftoppm") or "pdftoppm")
    args = parser.parse_args(argv)
    odoo = Odoo(args.url, args.db, args.login, args.password)
    browser = Chromium(args.chromium)
    try:
        browser.send(
            "Network.setCookie",
            name="session_id",
            value=odoo.session_id,
            url=odoo.url,
        )
        for addon, name, path, ready in screens(odoo):
            browser.open(odoo.url + path, ready)
            save(browser.screenshot(), addon, name)
    finally:
        browser.close()
    executive_report(odoo, args.pdftoppm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
