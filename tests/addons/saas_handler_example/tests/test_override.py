# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.saas_subscription.services.context import EventContext
from odoo.addons.saas_subscription.tests.common import SubscriptionCommon

LINES = [{"plan": "starter", "quantity": "1", "unit_amount": "10.00"}]


@tagged("post_install", "-at_install")
class TestHandlerOverride(SubscriptionCommon):
    """The suite's invoice building, adjusted by this addon with _inherit and
    super() on saas.handler.billing._prepare_invoice_values: the suite still
    builds, checks and posts the invoice; this company's terms are in the
    values the invoice is created with."""

    def _data(self, invoice_id):
        return {
            "invoice_id": invoice_id,
            "customer_id": "cus_1",
            "currency": self.currency.name,
            "total": "10.00",
            "date": "2026-01-01",
            "lines": LINES,
        }

    def _issue(self, invoice_id):
        event = self.emit("invoice.issued", self._data(invoice_id))
        self.assertDone(event)
        return event, self.env["saas.binding"].find_record(self.system, "account.move", invoice_id)

    def test_override_applies_to_its_company(self):
        self.customer("cus_1")
        self.company.saas_example_invoice_terms = "Payable within 15 days."
        _event, invoice = self._issue("in_example_1")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 10.0)
        self.assertIn("Payable within 15 days.", str(invoice.narration))

    def test_terms_are_in_the_creation_values(self):
        """The hook returns what account.move.create receives: the terms are
        there before the invoice exists (not written after posting)."""
        self.customer("cus_1")
        self.company.saas_example_invoice_terms = "Payable within 15 days."
        event, invoice = self._issue("in_example_3")
        message = {
            "type": "invoice.issued",
            "occurred_at": "2026-01-01T00:00:00Z",
            "data": self._data("in_example_3"),
        }
        ctx = EventContext(self.env, event, message)
        handler = self.env["saas.handler.billing"]
        values = handler._prepare_invoice_values(ctx, "out_invoice", "in_example_3", LINES)
        self.assertEqual(values["narration"], "Payable within 15 days.")
        self.assertEqual(values["partner_id"], invoice.partner_id.id)
        self.assertEqual(values["move_type"], "out_invoice")
        refund_values = handler._prepare_invoice_values(
            ctx, "out_refund", "cn_example", LINES, extra={"reversed_entry_id": invoice.id}
        )
        self.assertNotIn("narration", refund_values)
        self.assertEqual(refund_values["reversed_entry_id"], invoice.id)

    def test_suite_behaviour_kept_without_the_setting(self):
        self.customer("cus_1")
        self.company.saas_example_invoice_terms = False
        _event, invoice = self._issue("in_example_2")
        self.assertEqual(invoice.state, "posted")
        self.assertNotIn("Payable within", str(invoice.narration or ""))

    def test_the_hook_is_reached_through_the_handler_model(self):
        hook = type(self.env["saas.handler.billing"])._prepare_invoice_values
        self.assertIn("saas_handler_example", hook.__module__)
        method = self.env["saas.handler"]._find_handler("billing", "invoice.issued")
        self.assertEqual(method.__self__._name, "saas.handler.billing")
