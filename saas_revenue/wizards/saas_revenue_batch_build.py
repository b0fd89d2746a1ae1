# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields, models

from odoo.addons.saas_sync.const import REVIEWER_GROUP
from odoo.addons.saas_sync.tools import check_group


def _last_month_end(wizard):
    return fields.Date.context_today(wizard).replace(day=1) - timedelta(days=1)


class SaasRevenueBatchBuild(models.TransientModel):
    _name = "saas.revenue.batch.build"
    _description = "Build a revenue recognition batch"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda s: s.env.company, readonly=True
    )
    date = fields.Date(
        string="Month",
        required=True,
        default=_last_month_end,
        help="Recognizes what is due up to the end of this date's month.",
    )

    def action_build(self):
        self.ensure_one()
        check_group(
            self.env, REVIEWER_GROUP, self.env._("Only a Finance Reviewer builds revenue batches.")
        )
        batch = self.env["saas.revenue.batch"].sudo()._build(self.company_id, self.date)
        if not batch:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._("Nothing is due: no batch was created."),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "saas.revenue.batch",
            "res_id": batch.id,
            "views": [(False, "form")],
        }
