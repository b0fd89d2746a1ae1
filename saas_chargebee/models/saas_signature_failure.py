# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaasSignatureFailure(models.Model):
    _inherit = "saas.signature.failure"

    reason = fields.Selection(
        selection_add=[("bad_credentials", "Bad or missing Basic auth credentials")],
        ondelete={"bad_credentials": "cascade"},
    )
