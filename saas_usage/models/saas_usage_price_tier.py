# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SaasUsagePriceTier(models.Model):
    """One tier of a meter's tiered price (Stripe ``tiers[]``)."""

    _name = "saas.usage.price.tier"
    _description = "SaaS Usage Price Tier"
    _order = "meter_id, up_to_infinite, up_to, id"

    meter_id = fields.Many2one("saas.usage.meter", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="meter_id.company_id", store=True, index=True)
    up_to = fields.Float(
        digits=0, help="The last quantity of the tier (inclusive); the last tier has none."
    )
    up_to_infinite = fields.Boolean(string="And above")
    unit_amount = fields.Float(digits=0, help="The price of each unit in the tier.")
    flat_amount = fields.Float(digits=0, help="A fixed amount billed when the tier is reached.")

    @api.depends("meter_id", "up_to", "up_to_infinite")
    def _compute_display_name(self):
        for tier in self:
            limit = (
                self.env._("and above")
                if tier.up_to_infinite
                else self.env._("up to %s", f"{tier.up_to:g}")
            )
            tier.display_name = f"{tier.meter_id.display_name or ''}: {limit}"

    @api.constrains("up_to", "unit_amount", "flat_amount")
    def _check_amounts(self):
        for tier in self:
            if min(tier.up_to, tier.unit_amount, tier.flat_amount) < 0:
                raise ValidationError(self.env._("A price tier cannot hold a negative number."))
