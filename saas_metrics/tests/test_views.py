# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from lxml import etree

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestViews(TransactionCase):
    def arch(self, model, view_type):
        views = self.env[model].get_views([(False, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_service_period_columns_shown_on_integration_invoices(self):
        form = self.arch("account.move", "form")
        for name in ("saas_period_start", "saas_period_end"):
            (node,) = form.xpath(f"//field[@name='invoice_line_ids']/list/field[@name='{name}']")
            self.assertEqual(node.get("optional"), "show")
            self.assertEqual(node.get("column_invisible"), "not parent.saas_source_number")

    def test_movement_list_colours_arr_and_plan(self):
        tree = self.arch("saas.mrr.movement", "list")
        (kind,) = tree.xpath("//field[@name='movement_type']")
        self.assertIn("'contraction', 'churn'", kind.get("decoration-danger"))
        self.assertIn("'new', 'expansion', 'reactivation'", kind.get("decoration-success"))
        self.assertEqual(kind.get("decoration-muted"), "movement_type == 'fx'")
        self.assertTrue(tree.xpath("//field[@name='arr_delta_company']"))
        self.assertTrue(tree.xpath("//field[@name='product_id']"))

    def test_subscription_list_has_plan_and_arr(self):
        tree = self.arch("saas.subscription", "list")
        self.assertTrue(tree.xpath("//field[@name='plan_product_id']"))
        self.assertTrue(tree.xpath("//field[@name='arr_company']"))
