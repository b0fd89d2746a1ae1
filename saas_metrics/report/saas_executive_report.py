# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ReportSaasExecutive(models.AbstractModel):
    _name = "report.saas_metrics.report_saas_executive"
    _description = "SaaS executive report"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["saas.executive.report.wizard"].browse(docids)
        Metrics = self.env["saas.metrics"]
        reports = []
        for wizard in wizards:
            company = wizard.company_id or None
            reports.append(Metrics._executive_values(wizard.month, company))
            # what this print says, to tell a later reader when the month moved
            Metrics._stamp_printed(wizard.month, Metrics._report_companies(company))
        return {
            "doc_ids": docids,
            "doc_model": "saas.executive.report.wizard",
            "docs": wizards,
            "reports": reports,
        }
