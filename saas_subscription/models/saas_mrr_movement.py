# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

MOVEMENT_TYPES = [
    ("new", "New"),
    ("expansion", "Expansion"),
    ("contraction", "Contraction"),
    ("churn", "Churn"),
    ("reactivation", "Reactivation"),
    ("fx", "FX"),
]


class SaasMrrMovement(models.Model):
    """One change of a subscription's MRR. For every subscription and date, the
    sum of its movements up to that date is its MRR."""

    _name = "saas.mrr.movement"
    _description = "MRR Movement"
    _order = "date desc, id desc"

    date = fields.Date(required=True, index=True)
    subscription_id = fields.Many2one(
        "saas.subscription", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        related="subscription_id.partner_id.commercial_partner_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(related="subscription_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="subscription_id.currency_id", store=True)
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", store=True, string="Company currency"
    )
    movement_type = fields.Selection(MOVEMENT_TYPES, required=True, index=True)
    delta = fields.Monetary(currency_field="currency_id", string="MRR change")
    delta_company = fields.Monetary(
        currency_field="company_currency_id", string="MRR change (company currency)"
    )
    mrr_before = fields.Monetary(currency_field="currency_id")
    mrr_after = fields.Monetary(currency_field="currency_id")
    event_id = fields.Many2one("saas.event", ondelete="set null", index="btree_not_null")
