# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


def plan_line(lines):
    """The line that makes the plan: the most MRR, then the sequence, then the
    first created (unsaved lines keep the order of the event's items)."""
    return lines.sorted(lambda line: (-line.mrr, line.sequence, line._origin.id or 0))[:1]


class SaasSubscription(models.Model):
    _inherit = "saas.subscription"

    plan_product_id = fields.Many2one(
        "product.product",
        string="Plan",
        compute="_compute_plan_product_id",
        store=True,
        index="btree_not_null",
        help="The product of the line with the most MRR (the first line when none earns).",
    )
    arr = fields.Monetary(
        string="ARR",
        currency_field="currency_id",
        compute="_compute_arr",
        help="Annual recurring revenue: 12 x MRR.",
    )
    arr_company = fields.Monetary(
        string="ARR (company currency)",
        currency_field="company_currency_id",
        compute="_compute_arr",
    )

    @api.depends("line_ids.product_id", "line_ids.mrr", "line_ids.sequence")
    def _compute_plan_product_id(self):
        for subscription in self:
            subscription.plan_product_id = plan_line(subscription.line_ids).product_id

    def _sync_mrr(self, date, event=None, occurred_at=None):
        """The fact recorded for the subscription's lines as they now are
        carries their plan: the MRR snapshot shows each month's plan from it."""
        movement = super()._sync_mrr(date, event=event, occurred_at=occurred_at)
        domain = [("subscription_id", "=", self.id)]
        if event:
            domain.append(("event_id", "=", event.id))
        point = self._ledger("saas.mrr.point").search(domain, order="id desc", limit=1)
        if point and point.product_id != self.plan_product_id:
            point.product_id = self.plan_product_id
        return movement

    @api.depends("mrr", "mrr_company")
    def _compute_arr(self):
        for subscription in self:
            subscription.arr = 12 * subscription.mrr
            subscription.arr_company = 12 * subscription.mrr_company
