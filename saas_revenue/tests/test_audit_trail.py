# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 20: recognition postings are sealed into the audit trail; an SQL
change of a recognized line is named by Verify audit trail."""

from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RevenueCommon


@tagged("post_install", "-at_install")
class TestRecognitionAuditTrail(RevenueCommon):
    def test_recognized_lines_are_sealed_fixed_and_verified(self):
        invoice = self.make_invoice(1200.0, date(2023, 1, 1), date(2023, 12, 31))
        batch = self.Batch._build(self.company, date(2023, 1, 15))
        batch.action_approve()
        batch.action_post()
        Line = self.env["saas.revenue.schedule.line"]
        posted = Line.search([("move_id", "in", batch.move_ids.ids)])
        pending = invoice.saas_revenue_schedule_ids.line_ids - posted
        self.assertEqual(len(posted), 1)
        Seal = self.env["saas.audit.seal"]
        Seal._cron_seal_audit_trail(limit=10**7)
        # the posting is sealed; the months still to recognize are not final yet
        self.assertTrue(posted.audit_sealed)
        self.assertFalse(any(pending.mapped("audit_sealed")))
        results = {r["model"]: r for r in Seal._verify_audit_trail()}
        line_chain = results["saas.revenue.schedule.line"]
        self.assertEqual(line_chain["unsealed"], 0)
        seal = Seal.search(
            [("res_model", "=", "saas.revenue.schedule.line"), ("res_id", "=", posted.id)]
        )
        self.assertEqual(seal.sequence, line_chain["sealed"])
        self.assertIsNone(line_chain["break"])

        # through the ORM a recognized line cannot change or go
        for call in (
            lambda: posted.write({"amount": 1.0}),
            lambda: posted.write({"state": "pending"}),
            posted.unlink,
            invoice.saas_revenue_schedule_ids.unlink,
        ):
            with self.assertRaises(UserError):
                call()
        # below it, the change is found and the line named
        self.env.cr.execute(
            "UPDATE saas_revenue_schedule_line SET amount = amount + 1 WHERE id = %s", posted.ids
        )
        self.env.invalidate_all()
        broken = {r["model"]: r for r in Seal._verify_audit_trail()}["saas.revenue.schedule.line"]
        self.assertEqual(
            broken["break"],
            {"record_id": posted.id, "sequence": seal.sequence, "reason": "changed"},
        )
