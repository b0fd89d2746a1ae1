# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class SaasSyncDemo(models.AbstractModel):
    """Demo inbox of the core, received through the inbox's one way in."""

    _name = "saas.sync.demo"
    _description = "SaaS integration demo data"

    @api.model
    def _load_demo_events(self, system_id):
        """Demo inbox: an event waiting for its lane worker and one a person
        marked ignored, stored through the real inbox.

        Nothing here is processed or given a made-up outcome: the states that
        come from processing (done, retry, needs mapping, dead) are produced by
        the engine itself in the demo of the addons that apply events
        (``saas_subscription``), with their real attempts and errors.
        """
        system = self.env["saas.system"].browse(system_id)
        samples = [
            (
                "evt_demo_received",
                "2026-01-15T10:00:00Z",
                {"customer_id": "cus_demo_2", "name": "Globex", "email": "ap@globex.example"},
                None,
            ),
            (
                "evt_demo_ignored",
                "2026-01-15T09:00:00Z",
                {"customer_id": "cus_test", "email": "test@example.com"},
                "Test customer created by QA.",
            ),
        ]
        for external_id, occurred_at, data, ignore_reason in samples:
            payload = {
                "id": external_id,
                "type": "customer.upserted",
                "schema_version": 1,
                "occurred_at": occurred_at,
                "livemode": False,
                "data": data,
            }
            [(event, _created)] = self.env["saas.event"]._receive_canonical(system, payload)
            if ignore_reason and event.state == "received":
                event.sudo()._mark_ignored(ignore_reason)
