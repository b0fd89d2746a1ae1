# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaasSignatureFailure(models.Model):
    _inherit = "saas.signature.failure"

    reason = fields.Selection(
        selection_add=[
            ("bad_token", "Bad or missing endpoint token"),
            ("wrong_organization", "Another Salesforce org"),
        ],
        ondelete={"bad_token": "cascade", "wrong_organization": "cascade"},
    )
