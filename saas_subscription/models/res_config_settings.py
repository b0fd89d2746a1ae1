# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

TOTAL_MISMATCH_POLICIES = [
    ("rounding_line", "Add a rounding line"),
    ("error", "Refuse the invoice (dead letter)"),
]
CUSTOMER_MATCHING = [
    ("email_vat", "Email, then VAT"),
    ("email", "Email only"),
    ("vat", "VAT only"),
    ("none", "Never match: create"),
]


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    saas_total_mismatch_policy = fields.Selection(
        TOTAL_MISMATCH_POLICIES,
        string="Source total differs",
        default="error",
        config_parameter="saas_subscription.total_mismatch_policy",
        help="When an invoice's total at the source differs from the total Odoo computes.",
    )
    saas_customer_matching = fields.Selection(
        CUSTOMER_MATCHING,
        string="Match new customers by",
        default="email_vat",
        config_parameter="saas_subscription.customer_matching",
    )
    saas_rounding_account_id = fields.Many2one(
        related="company_id.saas_rounding_account_id",
        readonly=False,
        string="Rounding account",
        help="Account of the rounding line added when the source total differs, for the "
        "current company.",
    )
