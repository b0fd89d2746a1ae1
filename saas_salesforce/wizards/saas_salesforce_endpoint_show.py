# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaasSalesforceEndpointShow(models.TransientModel):
    """Shows the Outbound Message endpoint URL with its new token once. The
    form is opened on an unsaved record: the URL only travels to the browser."""

    _name = "saas.salesforce.endpoint.show"
    _description = "Show the Salesforce endpoint URL once"

    system_id = fields.Many2one("saas.system", readonly=True)
    endpoint_url = fields.Char(readonly=True)
