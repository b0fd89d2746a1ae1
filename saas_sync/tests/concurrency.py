# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Test utilities for concurrency with real, separate database cursors
(committed transactions), for the core's tests and the adapters' alike.

A ``CommittedCase`` creates its own system (``system_values``) in a
committed transaction and deletes the events, the partners they made and the
system afterwards. Import the module (``from odoo.addons.saas_sync.tests
import concurrency``) rather than the class, so that the test loader does not
collect the base class itself.
"""

import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.api import Transaction
from odoo.modules.registry import Registry
from odoo.tests import BaseCase
from odoo.tests.common import get_db_name

from ..tools import as_ledger_writer


class CommittedCase(BaseCase):
    # Values of the system the tests create (name, code, kind, ...); its
    # environment is the database's.
    system_values = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            cls.system_id = cls._create_system(env).id
        cls.addClassCleanup(cls._cleanup)

    @classmethod
    def _create_system(cls, env):
        """The system of the tests, created in a transaction that commits
        (a subclass creates there whatever else its tests need)."""
        environment = env["ir.config_parameter"].get_param("saas_sync.environment", "sandbox")
        return env["saas.system"].create({**cls.system_values, "environment": environment})

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            events = env["saas.event"].search([("system_id", "=", cls.system_id)])
            records = events.record_ids
            partner_ids = records.filtered(lambda r: r.res_model == "res.partner").mapped("res_id")
            # the audit trail is deleted by the sandbox purge only
            as_ledger_writer(env["saas.system"].browse(cls.system_id))._purge_sandbox_data()
            env["res.partner"].browse(partner_ids).exists().unlink()
            env["saas.system"].browse(cls.system_id).unlink()

    def _env(self, cr):
        # While Odoo runs the tests, the loading thread holds the registry lock
        # that Environment() takes for a new transaction; bind the transaction
        # to the registry directly, as an HTTP worker or a cron thread has it.
        if cr.transaction is None:
            cr.transaction = Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})

    def _deliver_twice_at_once(self, deliver, deliver_again=None):
        """Run ``deliver(cr)`` on a first cursor, and ``deliver_again(cr)``
        (by default the same) on a second one while the first is still open:
        the second must wait (on the inbox's unique index) until the first
        commits. Return both results."""
        deliver_again = deliver_again or deliver
        results = {}
        cr_first = self.registry.cursor()
        try:
            first = deliver(cr_first)

            def second_delivery():
                with self.registry.cursor() as cr_second:
                    results["second"] = deliver_again(cr_second)

            thread = threading.Thread(target=second_delivery)
            thread.start()
            time.sleep(0.5)
            # The second delivery waits on the unique index for the first to end.
            self.assertTrue(thread.is_alive())
            cr_first.commit()
        finally:
            cr_first.close()
        thread.join(10)
        self.assertIn("second", results, "the second delivery did not finish")
        return first, results["second"]

    def _run_workers(self, count, limit, timeout=30):
        """Run ``count`` lane workers at once, each on its own cursor (each
        given ``timeout`` seconds to finish); return the ids each claimed, by
        worker."""
        claimed = {}
        barrier = threading.Barrier(count)
        errors = []

        def worker(index):
            try:
                with self.registry.cursor() as cr:
                    env = self._env(cr)
                    events = env["saas.event"]._claim_due(None, limit, [self.system_id])
                    barrier.wait(10)  # every worker holds its batch before any commits
                    claimed[index] = events.ids
                    for event in events:
                        event._process_one()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
        self.assertFalse(errors)
        return claimed
