# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The recognition cron commits chunk by chunk, on real cursors: a run killed
during its second chunk keeps the first (a whole posted batch) and leaves
nothing of the second; a new run carries on, and the books end the same as a
run that was never interrupted (a second company with the same invoices)."""

import uuid
from datetime import date
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.api import Transaction
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from odoo.addons.saas_revenue.models.saas_revenue_batch import SaasRevenueBatch

AMOUNTS = [300.0, 450.0, 600.0, 750.0, 900.0]
JANUARY = date(2026, 1, 31)


class Interrupted(Exception):
    """The worker dies (killed, timed out) in the middle of a chunk."""


@tagged("post_install", "-at_install")
class TestCronChunks(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        tag = uuid.uuid4().hex[:8]
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            product = env["product.product"].create({"name": f"Plan {tag}", "type": "service"})
            cls.company_ids = [
                cls._company(env, f"Chunks {name} {tag}", product).id
                for name in ("interrupted", "uninterrupted")
            ]

    @classmethod
    def _company(cls, env, name, product):
        company = env["res.company"].create({"name": name})
        env["account.chart.template"].try_loading(
            "generic_coa", company=company, install_demo=False
        )
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        deferred = env["account.account"].create(
            {
                "name": "Deferred revenue",
                "code": "DEFCHK",
                "account_type": "liability_current",
                "company_ids": [Command.link(company.id)],
            }
        )
        journal = env["account.journal"].create(
            {"name": "Recognition", "code": "RCHK", "type": "general", "company_id": company.id}
        )
        company.write(
            {
                "saas_revenue_deferred_account_id": deferred.id,
                "saas_revenue_journal_id": journal.id,
                "saas_revenue_method": "month",
                "saas_revenue_auto_post": True,
            }
        )
        partner = env["res.partner"].create({"name": f"Customer of {name}"})
        invoices = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "invoice_date": date(2026, 1, 1),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                                "saas_period_start": date(2026, 1, 1),
                                "saas_period_end": date(2026, 3, 31),
                            }
                        )
                    ],
                }
                for amount in AMOUNTS
            ]
        )
        invoices.action_post()
        return company

    def _env(self, cr):
        if cr.transaction is None:  # see saas_sync's concurrency tests
            cr.transaction = Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})

    def _run(self, company_id):
        """One cron run for one company on its own cursor, two lines a chunk."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            Batch = env["saas.revenue.batch"]
            Batch._recognize_due(
                env["res.company"].browse(company_id), JANUARY, chunk_size=2, commit=True
            )

    def _books(self, company_id):
        """What the ledger and the schedules say, comparable across companies."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            moves = env["account.move"].search([("company_id", "=", company_id)])
            balances = {}
            for line in moves.filtered(lambda m: m.state == "posted").line_ids:
                key = (line.account_id.code, line.move_id.move_type)
                balances[key] = round(balances.get(key, 0.0) + line.balance, 2)
            batches = env["saas.revenue.batch"].search([("company_id", "=", company_id)])
            lines = env["saas.revenue.schedule.line"].search([("company_id", "=", company_id)])
            entries = batches.move_ids
            for entry in entries:
                self.assertEqual(entry.state, "posted")
                self.assertAlmostEqual(sum(entry.line_ids.mapped("balance")), 0.0, places=6)
            self.assertFalse(
                moves.filtered(lambda m: m.move_type == "entry" and not m.saas_revenue_batch_id),
                "no entry outside a batch (no partial chunk)",
            )
            return {
                "balances": balances,
                "batches": sorted((b.state, b.line_count, b.amount_company) for b in batches),
                "entries": len(entries),
                "lines": sorted((line.date, line.amount, line.state) for line in lines),
                "recognized": sum(lines.filtered(lambda x: x.move_id).mapped("amount_company")),
            }

    def test_interrupted_run_then_rerun_gives_the_books_of_one_run(self):
        interrupted, uninterrupted = self.company_ids
        original, calls = SaasRevenueBatch._post_batch, []

        def crash_in_second_chunk(batches):
            calls.append(batches.ids)
            original(batches)
            if len(calls) == 2:
                raise Interrupted("worker killed after posting, before committing")

        with (
            patch.object(SaasRevenueBatch, "_post_batch", crash_in_second_chunk),
            self.assertRaises(Interrupted),
        ):
            self._run(interrupted)
        halfway = self._books(interrupted)
        # The first chunk is committed whole: one posted batch of two lines, one
        # entry; the second chunk left nothing (no batch, no entry).
        self.assertEqual(len(calls), 2)
        self.assertEqual(halfway["batches"], [("posted", 2, 250.0)])
        self.assertEqual(halfway["entries"], 1)
        self.assertEqual(halfway["recognized"], 250.0)
        # The run again: it carries on where the first stopped.
        self._run(interrupted)
        self._run(uninterrupted)
        resumed, once = self._books(interrupted), self._books(uninterrupted)
        self.assertEqual(resumed, once)
        self.assertEqual(
            once["batches"], [("posted", 1, 300.0), ("posted", 2, 250.0), ("posted", 2, 450.0)]
        )
        self.assertEqual(once["recognized"], sum(AMOUNTS) / 3)
        # A third run finds nothing left for January.
        self._run(interrupted)
        self.assertEqual(self._books(interrupted), resumed)
