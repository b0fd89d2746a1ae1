# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib.mrr import HUNDRED, to_decimal


class SaasBundleLine(models.Model):
    """A product a plan stands for, with its share of the plan's price."""

    _name = "saas.bundle.line"
    _rec_name = "product_id"
    _description = "Bundle share of a plan mapping"
    _order = "mapping_id, sequence, id"

    mapping_id = fields.Many2one("saas.mapping", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="mapping_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", required=True)
    share = fields.Float(string="Share (%)", digits=(5, 2), required=True)


class SaasMapping(models.Model):
    _inherit = "saas.mapping"

    bundle_line_ids = fields.One2many(
        "saas.bundle.line",
        "mapping_id",
        string="Bundle",
        copy=True,
        help="A plan that stands for several products: each takes its share of the price. "
        "The shares sum to 100%.",
    )

    @api.constrains("bundle_line_ids", "kind")
    def _check_bundle_shares(self):
        for mapping in self:
            if not mapping.bundle_line_ids:
                continue
            if mapping.kind != "product":
                raise ValidationError(self.env._("Only product mappings can be bundles."))
            total = sum((to_decimal(line.share) for line in mapping.bundle_line_ids), 0)
            if total != HUNDRED:
                raise ValidationError(
                    self.env._(
                        "The shares of bundle %(name)s sum to %(total)s%%, not 100%%.",
                        name=mapping.display_name,
                        total=total,
                    )
                )

    def _bundle(self):
        """[(product, share)] of a resolved product mapping target."""
        self.ensure_one()
        if self.bundle_line_ids:
            return [(line.product_id, line.share) for line in self.bundle_line_ids]
        product = self.target_ref
        if product and product._name == "product.template":
            product = product.product_variant_id
        return [(product, 100.0)]
