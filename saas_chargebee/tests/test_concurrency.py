# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The same Chargebee event delivered twice at once (two cursors, committed
transactions) is stored once, and two workers racing for it apply it once."""

import json

from odoo.tests import tagged

from odoo.addons.saas_sync.tests import concurrency

from ..lib.inbox import chargebee_header
from .samples import JAN_1, chargebee_event, resource


@tagged("post_install", "-at_install")
class TestChargebeeConcurrency(concurrency.CommittedCase):
    system_values = {
        "name": "Chargebee concurrency",
        "code": "cb-concurrency",
        "kind": "chargebee",
        "owns_customers": True,
    }

    def _receive(self, cr, event):
        env = self._env(cr)
        system = env["saas.system"].browse(self.system_id)
        [(record, created)] = env["saas.event"]._receive(
            system, [(json.dumps(event), event, chargebee_header(event))]
        )
        return record, created

    def test_same_event_twice_at_once_applies_once(self):
        customer = resource("customer", id="cb_cust_race", email="race@acme.example")
        event = chargebee_event("customer_created", JAN_1, "ev_cb_race", customer=customer)
        (first, created), (second, second_created) = self._deliver_twice_at_once(
            lambda cr: self._receive(cr, event)
        )
        self.assertTrue(created)
        first_id = first.id
        self.assertEqual((second.id, second_created), (first_id, False))
        # Two workers race for the stored event: one applies it.
        claimed = self._run_workers(2, limit=10)
        self.assertEqual(sorted(claimed[0] + claimed[1]), [first_id])
        with self.registry.cursor() as cr:
            env = self._env(cr)
            stored = env["saas.event"].browse(first_id)
            self.assertEqual((stored.state, stored.attempt_count), ("done", 1))
            bindings = env["saas.binding"].search(
                [("system_id", "=", self.system_id), ("external_id", "=", "cb_cust_race")]
            )
            self.assertEqual(len(bindings), 1)
            self.assertEqual(
                env["res.partner"].search_count([("email", "=", "race@acme.example")]), 1
            )
