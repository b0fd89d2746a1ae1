# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.saas_sync.const import ADMIN_GROUP

INTERVALS = [("days", "Days"), ("weeks", "Weeks"), ("months", "Months")]


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    saas_revenue_deferred_account_id = fields.Many2one(
        related="company_id.saas_revenue_deferred_account_id", readonly=False
    )
    saas_revenue_journal_id = fields.Many2one(
        related="company_id.saas_revenue_journal_id", readonly=False
    )
    saas_revenue_method = fields.Selection(related="company_id.saas_revenue_method", readonly=False)
    saas_revenue_auto_post = fields.Boolean(
        related="company_id.saas_revenue_auto_post", readonly=False
    )
    saas_revenue_cancel_policy = fields.Selection(
        related="company_id.saas_revenue_cancel_policy", readonly=False
    )
    saas_revenue_cron_interval_number = fields.Integer(
        string="Build batches every",
        default=lambda self: self._saas_revenue_cron().sudo().interval_number or 1,
    )
    saas_revenue_cron_interval_type = fields.Selection(
        INTERVALS,
        default=lambda self: self._saas_revenue_cron().sudo().interval_type or "months",
    )

    @api.model
    def _saas_revenue_cron(self):
        return self.env.ref("saas_revenue.ir_cron_saas_revenue_batches", raise_if_not_found=False)

    def set_values(self):
        result = super().set_values()
        cron = self._saas_revenue_cron()
        if cron and self.env.user.has_group(ADMIN_GROUP):
            values = {
                "interval_number": max(1, self.saas_revenue_cron_interval_number or 1),
                "interval_type": self.saas_revenue_cron_interval_type or "months",
            }
            if (cron.interval_number, cron.interval_type) != tuple(values.values()):
                cron.sudo().write(values)
        return result
