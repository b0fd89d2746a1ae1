# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A local stand-in for the Chargebee API v2 paths the adapter calls, started
by the tests on a free port: retrieve (``GET /api/v2/<resources>/<id>``) and
list (``GET /api/v2/<resources>``, two entries a page with ``next_offset``),
in Chargebee's response shapes, with its error shape for unknown objects and
a refused key. Every request is recorded."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PAGE = 2
# URL resource -> the key of one object in Chargebee's responses
KINDS = {
    "customers": "customer",
    "subscriptions": "subscription",
    "invoices": "invoice",
    "credit_notes": "credit_note",
    "transactions": "transaction",
    "item_prices": "item_price",
    "coupons": "coupon",
}


class FakeChargebee:
    def __init__(self, api_key):
        self.api_key = api_key
        self.objects = {kind: {} for kind in KINDS.values()}
        self.requests = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def put(self, kind, obj):
        self.objects[kind][obj["id"]] = obj
        return obj

    def _answer(self, path, query, authorization):
        expected = "Basic " + base64.b64encode(f"{self.api_key}:".encode()).decode()
        if authorization != expected:
            return 401, {
                "message": "Sorry, authentication failed. Invalid api key",
                "type": "invalid_request",
                "api_error_code": "api_authentication_failed",
                "http_status_code": 401,
            }
        parts = path.strip("/").split("/")  # api, v2, resource[, id]
        kind = KINDS.get(parts[2]) if len(parts) >= 3 else None
        if kind is None:
            return 404, {
                "message": "no such path",
                "type": "invalid_request",
                "api_error_code": "resource_not_found",
                "http_status_code": 404,
            }
        if len(parts) == 4:
            obj = self.objects[kind].get(parts[3])
            if obj is None:
                return 404, {
                    "message": f"{parts[3]} not found",
                    "type": "invalid_request",
                    "api_error_code": "resource_not_found",
                    "http_status_code": 404,
                }
            return 200, self._entry(kind, obj)
        entries = sorted(self.objects[kind].values(), key=lambda o: o["id"])
        wanted = query.get("status[in]")
        if wanted:
            statuses = json.loads(wanted[0])  # Chargebee's format: a JSON array
            entries = [o for o in entries if o.get("status") in statuses]
        offset = int(query.get("offset", ["0"])[0])
        page = entries[offset : offset + PAGE]
        body = {"list": [self._entry(kind, obj) for obj in page]}
        if offset + PAGE < len(entries):
            body["next_offset"] = str(offset + PAGE)
        return 200, body

    def _entry(self, kind, obj):
        """One object as Chargebee answers it: a subscription comes with its customer."""
        entry = {kind: obj}
        if kind == "subscription":
            entry["customer"] = self.objects["customer"].get(
                obj.get("customer_id"), {"id": obj.get("customer_id"), "object": "customer"}
            )
        return entry

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlparse(self.path)
                query = parse_qs(url.query)
                fake.requests.append((url.path, query))
                status, body = fake._answer(url.path, query, self.headers.get("Authorization"))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):
                pass

        return Handler
