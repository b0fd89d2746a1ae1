# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo.addons.saas_sync.tests.common import SaasSyncCommon


class UsageCommon(SaasSyncCommon):
    """A connected system with its API key, a customer and a subscription bound
    to it, and a ``test_calls`` meter (sum)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Meter = cls.env["saas.usage.meter"]
        cls.Record = cls.env["saas.usage.record"]
        cls.meter = cls.Meter.create(
            {"code": "test_calls", "name": "Test calls", "aggregation": "sum", "unit": "calls"}
        )
        cls.partner = cls.env["res.partner"].create({"name": "Usage customer"})
        cls.env["saas.binding"].bind(cls.system, cls.partner, "cus_1")

    def make_record(self, identifier, value=1, timestamp=None, **values):
        return self.Record.create(
            {
                "system_id": self.system.id,
                "company_id": self.system.company_id.id,
                "identifier": identifier,
                "meter_id": self.meter.id,
                "partner_id": self.partner.id,
                "value": value,
                "timestamp": timestamp or datetime(2026, 1, 16, 12, 0),
                **values,
            }
        )
