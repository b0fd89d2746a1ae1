# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo data tells the truth: what its events say happened is what the
engine does with them (tests run on a database with demo data)."""

import json

from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file

from odoo.addons.saas_sync.lib.schema import parse_timestamp


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.systems = cls.env.ref("saas_sync.demo_system_generic") | cls.env.ref(
            "saas_subscription.demo_system_billing"
        )
        cls.events = cls.env["saas.event"].search([("system_id", "in", cls.systems.ids)])

    def test_occurred_at_is_the_payload_s(self):
        self.assertTrue(self.events)
        for event in self.events:
            payload = json.loads(event.sudo().payload)
            self.assertEqual(
                event.occurred_at, parse_timestamp(payload["occurred_at"]), event.external_id
            )

    def test_counted_attempts_are_in_the_attempts_tab(self):
        for event in self.events:
            self.assertEqual(len(event.attempt_ids), event.attempt_count, event.external_id)
            if event.attempt_ids:
                last = event.attempt_ids.sorted("id")[-1]
                self.assertEqual(last.outcome, event.state, event.external_id)
                # An ignored event keeps its reason apart from the errors.
                said = event.ignore_reason if event.state == "ignored" else event.last_error
                self.assertEqual(last.error or False, said or False, event.external_id)

    def test_exceptions_say_what_a_replay_says(self):
        exceptions = self.events.filtered(lambda e: e.state in ("dead", "retry", "needs_mapping"))
        self.assertEqual(sorted(exceptions.mapped("state")), ["dead", "needs_mapping", "retry"])
        stored = {event: (event.state, event.error_class, event.last_error) for event in exceptions}
        self.assertIn("differs", stored[exceptions.filtered(lambda e: e.state == "dead")][2])
        exceptions.action_replay()
        self.env["saas.event"].process_pending(system_ids=self.systems.ids)
        for event, (state, error_class, error) in stored.items():
            self.assertEqual(
                (event.state, event.error_class, event.last_error),
                (state, error_class, error),
                event.external_id,
            )


@tagged("post_install", "-at_install")
class TestDemoDataLoadsAgain(TransactionCase):
    """Issue 19 #6: the run command initializes the installed suite again
    (``-i`` with ``-u``), which loads every demo file again in init mode
    (records and functions of ``noupdate`` files included): that must raise
    nothing and add nothing. (A plain ``-u`` skips them.)"""

    def counts(self):
        models = [
            "saas.event",
            "saas.subscription",
            "saas.mapping",
            "saas.mrr.movement",
            "account.move",
            "account.payment",
            "saas.revenue.batch",
            "saas.payment.failure",
            "mail.activity",
        ]
        return {name: self.env[name].sudo().search_count([]) for name in models if name in self.env}

    def test_demo_files_load_again_unchanged(self):
        modules = self.env["ir.module.module"].search(
            [("name", "=like", "saas_%"), ("state", "=", "installed"), ("demo", "=", True)]
        )
        self.assertIn("saas_subscription", modules.mapped("name"), "run with demo data")
        # in the order of the dependencies (saas_metrics_revenue has no demo file)
        order = ["saas_sync", "saas_subscription", "saas_metrics", "saas_revenue"]
        ordered = modules.sorted(
            lambda module: order.index(module.name) if module.name in order else len(order)
        )
        before = self.counts()
        approved = self.env["saas.mapping"].sudo().search([("state", "=", "approved")])
        for module in ordered:
            for filename in get_manifest(module.name).get("demo", []):
                convert_file(
                    self.env, module.name, filename, {}, mode="init", noupdate=True, kind="demo"
                )
        self.assertEqual(self.counts(), before)
        self.assertEqual(
            self.env["saas.mapping"].sudo().search([("state", "=", "approved")]), approved
        )
