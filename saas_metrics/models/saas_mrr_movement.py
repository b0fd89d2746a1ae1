# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.metrics import BRIDGE_TYPES


class SaasMrrMovement(models.Model):
    _name = "saas.mrr.movement"
    _inherit = ["saas.mrr.movement", "saas.mrr.snapshot.source"]

    arr_delta_company = fields.Monetary(
        string="ARR change (company currency)",
        currency_field="company_currency_id",
        compute="_compute_arr_delta_company",
        help="12 x the MRR change in company currency.",
    )
    product_id = fields.Many2one(
        related="subscription_id.plan_product_id",
        string="Plan today",
        help="The subscription's plan today (the MRR snapshot carries the plan of each month).",
    )

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

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Grouped by date alone and without a limit (a pivot's month header,
        a graph), every month between the first and the last one with
        movements is a group: a month without movement shows as an empty one.

        Only a single date group is filled: Odoo fills the first group of a
        grouping and would give the groups below it an empty value (a "None"
        column); the pivot builds each header from its own single-level read,
        so its month header gets every month and its cells stay exact."""
        groupbys = [groupby] if isinstance(groupby, str) else list(groupby or [])
        if (
            len(groupbys) == 1
            and groupbys[0].split(":")[0] == "date"
            and not limit
            and not offset
            and "desc" not in (orderby or "").lower()
            and "fill_temporal" not in self.env.context
        ):
            self = self.with_context(fill_temporal=True)
        return super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )
