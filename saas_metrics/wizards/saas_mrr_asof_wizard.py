# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaasMrrAsofWizard(models.TransientModel):
    _name = "saas.mrr.asof.wizard"
    _description = "MRR as of a date"

    date = fields.Date(required=True, default=fields.Date.context_today)

    def action_open(self):
        """The movements up to the date, by customer: their sum is each
        customer's MRR at the end of that day."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "saas_subscription.action_saas_mrr_movement"
        )
        action.update(
            name=self.env._("MRR as of %s", self.date),
            domain=[("date", "<=", fields.Date.to_string(self.date))],
            view_mode="pivot,list",
            views=[(False, "pivot"), (False, "list")],
            context={
                "pivot_row_groupby": ["partner_id"],
                "pivot_column_groupby": [],
                "pivot_measures": ["delta_company"],
            },
        )
        return action
