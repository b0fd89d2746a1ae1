# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaasSubscription(models.Model):
    """A subscription the billing platform activates is matched with the deal
    Salesforce booked for the same customer."""

    _inherit = "saas.subscription"

    booked_deal_ids = fields.One2many("saas.booked.deal", "subscription_id", string="Booked deals")
    has_booked_deal = fields.Boolean(
        compute="_compute_has_booked_deal", search="_search_has_booked_deal"
    )

    @api.depends("booked_deal_ids")
    def _compute_has_booked_deal(self):
        for subscription in self:
            subscription.has_booked_deal = bool(subscription.booked_deal_ids)

    def _search_has_booked_deal(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on booked deals."))
        has = (operator == "=") == value
        return [("booked_deal_ids", "!=" if has else "=", False)]

    @api.model_create_multi
    def create(self, vals_list):
        subscriptions = super().create(vals_list)
        self.env["saas.booked.deal"]._match_subscriptions(subscriptions)
        return subscriptions

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals or "partner_id" in vals:
            self.env["saas.booked.deal"]._match_subscriptions(self)
        return result
