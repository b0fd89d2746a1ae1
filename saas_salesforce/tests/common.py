# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared setup: a Salesforce system, a billing system, and a local HTTP
server answering the REST paths of Salesforce that the pull uses."""

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from dateutil.relativedelta import relativedelta

from odoo import fields

from ..controllers.main import notification_items
from ..lib.soap import Notification, OutboundMessage
from .soap_fixtures import ORG_ID

API = "/services/data/v62.0"
_subscription_events = itertools.count(1)


class SalesforceSetup:
    @classmethod
    def setup_systems(cls):
        cls.env["ir.config_parameter"].sudo().set_param("saas_sync.environment", "sandbox")
        cls.billing = cls.env["saas.system"].create(
            {
                "name": "Billing test",
                "code": "billing-sf-test",
                "kind": "billing",
                "environment": "sandbox",
                "owns_customers": True,
            }
        )
        cls.system = cls.env["saas.system"].create(
            {
                "name": "Salesforce test",
                "code": "sf-test",
                "kind": "salesforce",
                "environment": "sandbox",
                "salesforce_org_id": ORG_ID[:15],
                "salesforce_vat_field": "VAT_Number__c",
                "salesforce_billing_id_field": "Billing_Customer_Id__c",
                "salesforce_billing_system_id": cls.billing.id,
                "salesforce_plan_field": "Plan__c",
            }
        )

    @classmethod
    def setup_product(cls):
        """The plan ``pro`` of both systems is the product Pro plan."""
        cls.product = cls.env["product.product"].create({"name": "Pro plan", "type": "service"})
        for system in (cls.system, cls.billing):
            mapping = cls.env["saas.mapping"].create(
                {
                    "system_id": system.id,
                    "kind": "product",
                    "external_key": "pro",
                    "target_ref": f"product.product,{cls.product.id}",
                }
            )
            mapping.action_approve()

    def activate(self, customer_id, sub_id, start="2026-01-20"):
        """The billing system activates ``sub_id`` of ``customer_id`` on
        ``start``: the plan pro at 1,000.00 a month."""
        end = fields.Date.from_string(start) + relativedelta(months=1)
        event = {
            "id": f"evt_sub_{next(_subscription_events)}",
            "type": "subscription.activated",
            "occurred_at": f"{start}T00:00:00Z",
            "schema_version": 1,
            "livemode": False,
            "data": {
                "subscription_id": sub_id,
                "customer_id": customer_id,
                "currency": self.env.company.currency_id.name,
                "start_date": start,
                "current_period_start": start,
                "current_period_end": fields.Date.to_string(end),
                "items": [
                    {
                        "item_id": f"{sub_id}_item",
                        "plan": "pro",
                        "unit_amount": "1000.00",
                        "quantity": "1",
                        "interval": "month",
                        "interval_count": 1,
                    }
                ],
            },
        }
        [(stored, _c)] = self.env["saas.event"]._receive_canonical(self.billing, event)
        self.process()
        self.assertEqual(stored.state, "done", stored.last_error)
        return self.env["saas.binding"].find_record(self.billing, "saas.subscription", sub_id)

    def process(self):
        self.env["saas.event"].process_pending()

    def receive_records(self, records, prefix="push"):
        """Store records as pushed notifications (through the one way in)."""
        message = OutboundMessage(organization_id=ORG_ID, action_id="04k1")
        for index, record in enumerate(records):
            message.notifications.append(
                Notification(
                    f"{prefix}-{record['Id']}-{index}", record["attributes"]["type"], record
                )
            )
        return self.env["saas.event"]._receive(
            self.system, notification_items(self.system, message)
        )


class FakeSalesforce:
    """A local server answering ``/services/oauth2/token`` and the query
    resources with Salesforce's response shapes: ``records``, ``done``,
    ``nextRecordsUrl``; ``query`` leaves out the deleted records
    (``IsDeleted`` true), ``queryAll`` returns them too; getDeleted
    (``sobjects/<type>/deleted/``) lists ``purged`` (deleted and emptied from
    the Recycle Bin: in no query any more); a 401
    ``INVALID_SESSION_ID`` and a 403 ``REQUEST_LIMIT_EXCEEDED`` when told to,
    once each."""

    def __init__(self, records, page_size=2):
        self.records = records  # {"Account": [...], "Opportunity": [...]}
        self.page_size = page_size
        self.tokens_issued = 0
        self.queries = []
        self.resources = []  # "query" or "queryAll", per query
        self.purged = {}  # {"Opportunity": [{"id", "deletedDate"}]}
        self.deleted_requests = []  # (object type, start, end)
        self.expire_next_token_use = False
        self.limit_once_on = None
        self.bad_credentials = False
        self.pages = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                if self.path != "/services/oauth2/token":
                    return self._answer(404, [{"errorCode": "NOT_FOUND", "message": "no"}])
                if fake.bad_credentials or form.get("grant_type") != ["client_credentials"]:
                    return self._answer(
                        400, {"error": "invalid_client", "error_description": "invalid client"}
                    )
                fake.tokens_issued += 1
                return self._answer(
                    200,
                    {
                        "access_token": f"token-{fake.tokens_issued}",
                        "instance_url": fake.url,
                        "token_type": "Bearer",
                        "issued_at": "1767225600000",
                    },
                )

            def do_GET(self):
                auth = self.headers.get("Authorization", "")
                if auth != f"Bearer token-{fake.tokens_issued}" or fake.expire_next_token_use:
                    fake.expire_next_token_use = False
                    return self._answer(
                        401,
                        [
                            {
                                "message": "Session expired or invalid",
                                "errorCode": "INVALID_SESSION_ID",
                            }
                        ],
                    )
                url = urlparse(self.path)
                if url.path in (f"{API}/query", f"{API}/queryAll"):
                    soql = parse_qs(url.query)["q"][0]
                    fake.queries.append(soql)
                    resource = url.path.rsplit("/", 1)[1]
                    fake.resources.append(resource)
                    object_type = soql.split(" FROM ")[1].split()[0]
                    if fake.limit_once_on == object_type:
                        fake.limit_once_on = None
                        return self._answer(
                            403,
                            [
                                {
                                    "message": "TotalRequests Limit exceeded.",
                                    "errorCode": "REQUEST_LIMIT_EXCEEDED",
                                }
                            ],
                        )
                    deleted = resource == "queryAll"
                    return self._answer(200, fake.page(object_type, 0, deleted))
                if url.path.startswith(f"{API}/sobjects/") and url.path.endswith("/deleted/"):
                    object_type = url.path.split("/")[-3]
                    params = parse_qs(url.query)
                    fake.deleted_requests.append(
                        (object_type, params["start"][0], params["end"][0])
                    )
                    return self._answer(
                        200,
                        {
                            "deletedRecords": fake.purged.get(object_type, []),
                            "earliestDateAvailable": "2026-01-01T00:00:00.000+0000",
                            "latestDateCovered": params["end"][0],
                        },
                    )
                if url.path.startswith(f"{API}/query/"):
                    key = url.path.rsplit("/", 1)[1]
                    return self._answer(200, fake.page(*fake.pages[key]))
                return self._answer(404, [{"errorCode": "NOT_FOUND", "message": url.path}])

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, object_type, start, deleted=False):
        records = [
            record
            for record in self.records.get(object_type, [])
            if deleted or record.get("IsDeleted") not in (True, "true")
        ]
        chunk = records[start : start + self.page_size]
        body = {"totalSize": len(records), "done": start + self.page_size >= len(records)}
        body["records"] = chunk
        if not body["done"]:
            key = f"01g{object_type}-{start + self.page_size}-{int(deleted)}"
            self.pages[key] = (object_type, start + self.page_size, deleted)
            body["nextRecordsUrl"] = f"{API}/query/{key}"
        return body

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
