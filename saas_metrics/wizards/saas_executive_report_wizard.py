# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..lib.metrics import month_start


class SaasExecutiveReportWizard(models.TransientModel):
    _name = "saas.executive.report.wizard"
    _description = "SaaS executive report"

    month = fields.Date(
        required=True,
        default=lambda self: month_start(fields.Date.context_today(self)),
        help="Any day of the month to report.",
    )
    company_id = fields.Many2one(
        "res.company",
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        help="Empty: all your companies, converted to the current company's currency at "
        "each month-end rate.",
    )

    @api.onchange("month")
    def _onchange_month(self):
        if self.month:
            self.month = month_start(self.month)

    def action_print(self):
        self.ensure_one()
        self.env["saas.metrics"]._check_reader()
        self.env["saas.metrics"]._check_month_reportable(self.month)
        action = self.env.ref("saas_metrics.action_report_saas_executive").report_action(
            self, config=False
        )
        # the wizard closes once the PDF is downloaded
        action["close_on_report_download"] = True
        return action
