# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaasApiKeyShow(models.TransientModel):
    """Shows a new API key once. The form is opened on an unsaved record, so the
    key only travels to the browser and is never written to the database."""

    _name = "saas.api.key.show"
    _description = "Show a new API key once"

    system_id = fields.Many2one("saas.system", readonly=True)
    key = fields.Char(readonly=True)
