# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaasApiKeyShow(models.TransientModel):
    """Asks for a new API key's name, then shows the key once. The key is shown
    on an unsaved record, so it only travels to the browser and is never
    written to the database."""

    _name = "saas.api.key.show"
    _description = "Create an API key and show it once"

    system_id = fields.Many2one("saas.system", readonly=True)
    name = fields.Char(
        string="Key name",
        help='Who or what will use the key ("Billing platform", "CI"): how you '
        "recognise it in the list of keys when you revoke it.",
    )
    key = fields.Char(readonly=True)

    def action_generate(self):
        """Create the key under the name entered and show it once."""
        self.ensure_one()
        key = self.system_id.generate_api_key(self.name)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "name": self.env._("New API key"),
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_key": key,
                "default_name": self.name.strip(),
                "default_system_id": self.system_id.id,
            },
        }
