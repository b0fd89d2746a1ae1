# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged

from ..models.saas_handler import ANY_KIND, batch_is_current, build_handler_table


@tagged("post_install", "-at_install")
class TestHandlerTable(TransactionCase):
    def test_type_claimed_by_two_models_fails_loudly(self):
        with self.assertRaisesRegex(ValueError, "invoice.issued.*saas.handler.a.*saas.handler.b"):
            build_handler_table(
                [
                    ("saas.handler.a", (), {"invoice.issued": "_apply_a"}),
                    ("saas.handler.b", (), {"invoice.issued": "_apply_b"}),
                ]
            )

    def test_same_type_for_distinct_kinds_is_allowed(self):
        table = build_handler_table(
            [
                ("saas.handler.a", (), {"customer.upserted": "_apply_a"}),
                ("saas.handler.crm", ("crm",), {"customer.upserted": "_apply_crm"}),
            ]
        )
        self.assertEqual(table[(ANY_KIND, "customer.upserted")], ("saas.handler.a", "_apply_a"))
        self.assertEqual(table[("crm", "customer.upserted")], ("saas.handler.crm", "_apply_crm"))

    def test_unknown_type_has_no_handler(self):
        self.assertIsNone(self.env["saas.handler"]._find_handler("generic", "no.such.type"))

    def test_an_override_of_the_one_by_one_method_alone_stops_the_batch(self):
        """Odoo lists the latest ``_inherit`` first in a model class's MRO: a
        batch method defined before an override of the one-by-one method
        cannot know it."""

        class Suite:
            def _apply_invoice_issued(self, event, message): ...

            def _apply_invoices_issued(self, pairs): ...

        class OneByOneOnly(Suite):
            def _apply_invoice_issued(self, event, message): ...

        class Both(OneByOneOnly):
            def _apply_invoices_issued(self, pairs): ...

        class Unrelated(Suite):
            def _prepare_invoice_values(self): ...

        names = ("_apply_invoice_issued", "_apply_invoices_issued")
        self.assertTrue(batch_is_current(Suite, *names))
        self.assertFalse(batch_is_current(OneByOneOnly, *names))
        self.assertTrue(batch_is_current(Both, *names))
        self.assertTrue(batch_is_current(Unrelated, *names))
