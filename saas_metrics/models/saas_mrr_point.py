# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaasMrrPoint(models.Model):
    _name = "saas.mrr.point"
    _inherit = ["saas.mrr.point", "saas.mrr.snapshot.source"]

    product_id = fields.Many2one(
        "product.product",
        string="Plan",
        readonly=True,
        index="btree_not_null",
        help="The subscription's plan (the product of its line with the most MRR) from this "
        "fact on; empty for a fact that did not state the lines (a late event, or a fact "
        "recorded before this addon was installed). The MRR snapshot reads each month's "
        "plan from it.",
    )
