# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SaasSubscription(models.Model):
    _inherit = "saas.subscription"

    def write(self, vals):
        cancelled = self.browse()
        if vals.get("state") == "cancelled":
            cancelled = self.filtered(lambda s: s.state != "cancelled")
        result = super().write(vals)
        if cancelled:
            cancelled._saas_revenue_apply_cancellation()
        return result

    def _saas_revenue_apply_cancellation(self):
        """The company's policy for the revenue still deferred on the invoices of
        a cancelled subscription: hold it, or recognize it at once."""
        Schedule = self.env["saas.revenue.schedule"].sudo()
        for subscription in self:
            schedules = Schedule.search(
                [("subscription_id", "=", subscription.id), ("state", "=", "running")]
            )
            if not schedules:
                continue
            day = subscription.ended_at or fields.Date.context_today(self)
            if subscription.company_id.saas_revenue_cancel_policy == "recognize":
                schedules._recognize_rest_at(day)
            else:
                schedules._stop_after(day)
