# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.saas_subscription.tests.common import SubscriptionCommon


@tagged("post_install", "-at_install")
class TestHandlerOverride(SubscriptionCommon):
    """The suite's billing handler, adjusted by this addon with _inherit and
    super(): the suite still builds and posts the invoice, then this
    company's rule adds its terms."""

    def _issue(self, invoice_id):
        event = self.emit(
            "invoice.issued",
            {
                "invoice_id": invoice_id,
                "customer_id": "cus_1",
                "currency": self.currency.name,
                "total": "10.00",
                "date": "2026-01-01",
                "lines": [{"plan": "starter", "quantity": "1", "unit_amount": "10.00"}],
            },
        )
        self.assertDone(event)
        return self.env["saas.binding"].find_record(self.system, "account.move", invoice_id)

    def test_override_applies_to_its_company(self):
        self.customer("cus_1")
        self.company.saas_example_invoice_terms = "Payable within 15 days."
        invoice = self._issue("in_example_1")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 10.0)
        self.assertIn("Payable within 15 days.", str(invoice.narration))

    def test_suite_behaviour_kept_without_the_setting(self):
        self.customer("cus_1")
        self.company.saas_example_invoice_terms = False
        invoice = self._issue("in_example_2")
        self.assertEqual(invoice.state, "posted")
        self.assertNotIn("Payable within", str(invoice.narration or ""))

    def test_dispatch_reaches_the_overriding_method(self):
        method = self.env["saas.handler"]._find_handler("billing", "invoice.issued")
        self.assertEqual(method.__func__.__qualname__, "SaasHandlerBilling._apply_invoice_issued")
        self.assertEqual(method.__self__._name, "saas.handler.billing")
        self.assertIn(
            "saas_handler_example", type(method.__self__)._apply_invoice_issued.__module__
        )
