# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..lib.mrr import monthly_amount

INTERVALS = [("day", "Day"), ("week", "Week"), ("month", "Month"), ("year", "Year")]


class SaasSubscriptionLine(models.Model):
    _name = "saas.subscription.line"
    _description = "SaaS Subscription Line"
    _order = "subscription_id, sequence, id"

    subscription_id = fields.Many2one(
        "saas.subscription", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="subscription_id.company_id", store=True)
    currency_id = fields.Many2one(related="subscription_id.currency_id")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", required=True)
    plan_key = fields.Char(string="Source plan", help="Plan or price id at the source.")
    name = fields.Char(string="Description")
    quantity = fields.Float(digits="Product Unit of Measure", default=1.0, required=True)
    price_unit = fields.Float(
        string="Unit price",
        digits="Product Price",
        help="As the source sent it, to the precision of Odoo's invoice lines (the \"Product "
        'Price" decimal accuracy); only the MRR is rounded to the currency.',
    )
    discount = fields.Float(string="Discount (%)", digits="Discount")
    discount_amount = fields.Monetary(
        string="Amount off",
        currency_field="currency_id",
        help="An amount off each billing period of the line (an amount-off coupon), after "
        "the percentage discount.",
    )
    interval = fields.Selection(INTERVALS, required=True, default="month")
    interval_count = fields.Integer(default=1, required=True)
    metered = fields.Boolean(help="Usage-based: invoiced and recognized, but not MRR.")
    mrr = fields.Monetary(
        string="MRR",
        currency_field="currency_id",
        compute="_compute_mrr",
        store=True,
        help="Monthly amount: price x quantity after discount, normalized to a month.",
    )

    _sql_constraints = [
        ("interval_count_positive", "CHECK(interval_count >= 1)", "Interval count is >= 1."),
        ("discount_range", "CHECK(discount >= 0 AND discount <= 100)", "Discount is 0-100%."),
        ("amount_off_positive", "CHECK(discount_amount >= 0)", "An amount off is not negative."),
        ("quantity_positive", "CHECK(quantity >= 0)", "Quantity cannot be negative."),
    ]

    @api.depends(
        "price_unit",
        "quantity",
        "discount",
        "discount_amount",
        "interval",
        "interval_count",
        "metered",
        "currency_id",
    )
    def _compute_mrr(self):
        for line in self:
            line.mrr = float(
                monthly_amount(
                    line.price_unit,
                    line.quantity,
                    line.interval,
                    line.interval_count,
                    line.discount,
                    digits=line.currency_id.decimal_places,
                    metered=line.metered,
                    discount_amount=line.discount_amount,
                )
            )
