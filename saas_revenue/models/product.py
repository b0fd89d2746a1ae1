# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .res_company import METHODS


class ProductCategory(models.Model):
    _inherit = "product.category"

    saas_revenue_deferred_account_id = fields.Many2one(
        "account.account",
        string="Deferred revenue account",
        company_dependent=True,
        help="Overrides the company's deferred revenue account for this category.",
    )


class ProductTemplate(models.Model):
    _inherit = "product.template"

    saas_revenue_method = fields.Selection(
        METHODS,
        string="Revenue recognition method",
        help="Overrides the company's recognition method for this product.",
    )
