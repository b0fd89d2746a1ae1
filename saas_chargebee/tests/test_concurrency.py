# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The same Chargebee event delivered twice at once (two cursors, committed
transactions) is stored once, and two workers racing for it apply it once."""

import json
import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.api import Transaction
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from ..lib.inbox import chargebee_header
from .samples import JAN_1, chargebee_event, resource


@tagged("post_install", "-at_install")
class TestChargebeeConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            system = env["saas.system"].create(
                {
                    "name": "Chargebee concurrency",
                    "code": "cb-concurrency",
                    "kind": "chargebee",
                    "owns_customers": True,
                    "environment": env["ir.config_parameter"].get_param(
                        "saas_sync.environment", "sandbox"
                    ),
                }
            )
            cls.system_id = system.id
        cls.addClassCleanup(cls._cleanup)

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            events = env["saas.event"].search([("system_id", "=", cls.system_id)])
            records = events.record_ids
            partner_ids = records.filtered(lambda r: r.res_model == "res.partner").mapped("res_id")
            events.unlink()
            env["res.partner"].browse(partner_ids).exists().unlink()
            env["saas.system"].browse(cls.system_id).unlink()

    def _env(self, cr):
        if cr.transaction is None:
            cr.transaction = Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})

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
        results = {}
        cr_first = self.registry.cursor()
        try:
            first, created = self._receive(cr_first, event)
            self.assertTrue(created)

            def second_delivery():
                with self.registry.cursor() as cr_second:
                    record, was_created = self._receive(cr_second, event)
                    results["second"] = (record.id, was_created)

            thread = threading.Thread(target=second_delivery)
            thread.start()
            time.sleep(0.5)
            self.assertTrue(thread.is_alive())  # waits on the unique index
            first_id = first.id
            cr_first.commit()
        finally:
            cr_first.close()
        thread.join(10)
        self.assertEqual(results["second"], (first_id, False))
        # Two workers race for the stored event: one applies it.
        barrier = threading.Barrier(2)
        errors, claimed = [], {}

        def worker(index):
            try:
                with self.registry.cursor() as cr:
                    env = self._env(cr)
                    events = env["saas.event"]._claim_due(None, 10, [self.system_id])
                    barrier.wait(10)
                    claimed[index] = events.ids
                    for record in events:
                        record._process_one()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertFalse(errors)
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
