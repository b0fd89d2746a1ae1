# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.saas_subscription.lib.mrr import ZERO, to_decimal


class SaasMetrics(models.AbstractModel):
    _inherit = "saas.metrics"

    @api.model
    def _deferred_revenue_balance(self, day, companies, currency):
        """The balance of the deferred revenue accounts at ``day`` (entries
        dated on or before it), per company as ``saas_revenue``'s tie-out
        reads it, each converted to ``currency`` at that day's rate."""
        rows = self.env["saas.monitor"]._revenue_tieout(day=day, company_ids=companies.ids)
        Company = self.env["res.company"]
        return sum(
            (
                self._convert(
                    to_decimal(row["deferred"]), Company.browse(row["company_id"]), currency, day
                )
                for row in rows
            ),
            ZERO,
        )
