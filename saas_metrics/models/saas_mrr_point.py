# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .saas_subscription import plan_line


class SaasMrrPoint(models.Model):
    _name = "saas.mrr.point"
    _inherit = ["saas.mrr.point", "saas.mrr.snapshot.source"]

    product_id = fields.Many2one(
        "product.product",
        string="Plan",
        readonly=True,
        index="btree_not_null",
        help="The subscription's plan (the product of its line with the most MRR) from this "
        "fact on, late events included; empty for a fact that did not state the lines "
        "(a cancellation, a pause, or a fact recorded before this addon was installed). "
        "The MRR snapshot reads each month's plan from it.",
    )

    def _late_fact_lines(self, lines):
        """A late event that stated the lines states the plan of its month too."""
        result = super()._late_fact_lines(lines)
        if lines:
            self.product_id = plan_line(lines).product_id
        return result
