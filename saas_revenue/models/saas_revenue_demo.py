# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo import Command, api, models

from ..lib.recognition import spans_months


class SaasRevenueDemo(models.AbstractModel):
    _name = "saas.revenue.demo"
    _description = "SaaS deferred revenue demo data"

    @api.model
    def _load_demo(self, system_id):
        """Configure the demo company, give the demo invoices (posted before this
        addon was installed) their schedules, and post January's batch."""
        system = self.env["saas.system"].browse(system_id)
        company = system.company_id
        if not company.chart_template:
            return
        account = company.saas_revenue_deferred_account_id or self.env["account.account"].create(
            {
                "name": "Deferred subscription revenue",
                "code": "DEFREV",
                "account_type": "liability_current",
                "company_ids": [Command.link(company.id)],
            }
        )
        company.write(
            {"saas_revenue_deferred_account_id": account.id, "saas_revenue_method": "day"}
        )
        lines = self.env["account.move.line"].search(
            [
                ("move_id.saas_event_id.system_id", "=", system.id),
                ("move_id.move_type", "=", "out_invoice"),
                ("move_id.state", "=", "posted"),
                ("display_type", "=", "product"),
                ("saas_period_end", "!=", False),
            ]
        )
        lines = lines.filtered(
            lambda line: spans_months(line.saas_period_start, line.saas_period_end, line.date)
        )
        lines._saas_revenue_adopt(account)
        batch = self.env["saas.revenue.batch"]._build(company, date(2026, 1, 31))
        batch._approve()
        batch._post_batch()
