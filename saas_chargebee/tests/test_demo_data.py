# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 19: the demo has a Chargebee system with a few events, processed by the
engine (tests run on a database with demo data)."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestChargebeeDemoData(TransactionCase):
    def test_demo_events_went_through_the_engine(self):
        system = self.env.ref("saas_chargebee.demo_system_chargebee").sudo()
        self.assertEqual(system.kind, "chargebee")
        events = self.env["saas.event"].sudo().search([("system_id", "=", system.id)])
        self.assertGreaterEqual(len(events), 3)
        self.assertEqual(set(events.mapped("state")), {"done"}, events.mapped("last_error"))
        Binding = self.env["saas.binding"].sudo()
        subscription = Binding.find_record(system, "saas.subscription", "cb_sub_harborview")
        self.assertEqual(subscription.line_ids.product_id.name, "SaaS Pro plan")
        self.assertEqual(subscription.mrr, 396.0)
        self.assertFalse(any(char.isdigit() for char in subscription.partner_id.name))
        invoices = (
            self.env["account.move"]
            .sudo()
            .search(
                [("saas_subscription_id", "=", subscription.id), ("move_type", "=", "out_invoice")]
            )
        )
        self.assertEqual(invoices.mapped("payment_state"), ["paid"])
