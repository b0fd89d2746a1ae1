# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    saas_example_invoice_terms = fields.Char(
        help="Terms this company prints on every invoice that the integration builds."
    )
