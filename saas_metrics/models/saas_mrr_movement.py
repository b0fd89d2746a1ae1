# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from ..lib.metrics import BRIDGE_TYPES


class SaasMrrMovement(models.Model):
    _inherit = "saas.mrr.movement"

    arr_delta_company = fields.Monetary(
        string="ARR change (company currency)",
        currency_field="company_currency_id",
        compute="_compute_arr_delta_company",
        help="12 x the MRR change in company currency.",
    )
    product_id = fields.Many2one(related="subscription_id.plan_product_id", string="Plan")

    def _compute_arr_delta_company(self):
        for movement in self:
            movement.arr_delta_company = 12 * movement.delta_company

    def _read_group_orderby(self, order, groupby_terms, query):
        """Groups by type come in bridge order (new, expansion, contraction,
        churn, reactivation, fx), not in the alphabetical order of the keys."""
        if "movement_type" in groupby_terms and (not order or "movement_type" in order):
            terms = dict(groupby_terms)
            terms["movement_type"] = SQL(
                "array_position(%s::varchar[], %s::varchar)",
                list(BRIDGE_TYPES),
                groupby_terms["movement_type"],
            )
            return super()._read_group_orderby(order, terms, query)
        return super()._read_group_orderby(order, groupby_terms, query)
