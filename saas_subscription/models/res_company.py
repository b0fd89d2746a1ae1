# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    saas_rounding_account_id = fields.Many2one(
        "account.account",
        string="SaaS rounding account",
        check_company=True,
        help="Account of the rounding line added when a source invoice's total differs from "
        "Odoo's; empty: the default account of the invoice's journal.",
    )
