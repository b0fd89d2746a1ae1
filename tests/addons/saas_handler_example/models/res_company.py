# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    saas_example_invoice_terms = fields.Char(
        help="Terms this company prints on every invoice that the integration builds."
    )
    saas_example_review_above = fields.Float(
        help="Invoices that the integration issues for more than this total (in the "
        "invoice's currency) get a review activity; 0 reviews none."
    )
