# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaasEventIgnore(models.TransientModel):
    _name = "saas.event.ignore"
    _description = "Mark integration events ignored"

    reason = fields.Char(required=True)

    def action_ignore(self):
        self.ensure_one()
        events = self.env["saas.event"].browse(self.env.context.get("active_ids", []))
        events._mark_ignored(self.reason)
        return {"type": "ir.actions.act_window_close"}
