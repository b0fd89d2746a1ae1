# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import api, fields, models

from ..lib.translate import inbox_header, pull_event_id


class SaasSalesforceDemo(models.AbstractModel):
    """Demo CRM records played through the inbox: three Accounts (two of them
    customers of the demo billing system), their closed-won Opportunities,
    one of which no subscription bills (revenue leakage)."""

    _name = "saas.salesforce.demo"
    _description = "SaaS Salesforce demo records"

    @api.model
    def _demo_records(self):
        leak_close = fields.Date.context_today(self) - timedelta(days=60)

        def account(n, name, billing_id=None):
            record = {
                "attributes": {"type": "Account"},
                "Id": f"0015e00000DEMO{n:03d}",
                "Name": name,
                "BillingCity": "San Francisco",
                "BillingCountry": "US",
                "SystemModstamp": "2026-01-01T08:00:00.000Z",
            }
            if billing_id:
                record["Billing_Customer_Id__c"] = billing_id
            return record

        def opportunity(n, account_n, name, amount, close, plan):
            return {
                "attributes": {"type": "Opportunity"},
                "Id": f"0065e00000DEMO{n:03d}",
                "Name": name,
                "AccountId": f"0015e00000DEMO{account_n:03d}",
                "Amount": amount,
                "CloseDate": close,
                "StageName": "Closed Won",
                "IsClosed": True,
                "IsWon": True,
                "Plan__c": plan,
                "SystemModstamp": f"{close}T18:00:00.000Z",
            }

        return [
            account(1, "Initech Software", "cus_3"),
            account(2, "Umbrella Labs", "cus_4"),
            account(3, "Hooli Data"),
            opportunity(1, 1, "Initech Software - Starter x3", "1764.00", "2026-01-09", "starter"),
            opportunity(2, 2, "Umbrella Labs - Starter", "588.00", "2026-01-14", "starter"),
            opportunity(3, 3, "Hooli Data - Pro", "2376.00", str(leak_close), "pro"),
        ]

    @api.model
    def _load_demo(self, system_id):
        system = self.env["saas.system"].browse(system_id)
        now = fields.Datetime.now()
        items = []
        for record in self._demo_records():
            decoded = {"source": "pull", "record": record}
            raw = json.dumps(decoded, sort_keys=True, separators=(",", ":"))
            items.append((raw, decoded, inbox_header(pull_event_id(record), record, now, False)))
        self.env["saas.event"]._receive(system, items)
        self.env["saas.event"].sudo().process_pending(system_ids=system.ids)
