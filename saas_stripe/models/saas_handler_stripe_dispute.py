# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..services import disputes


class SaasHandlerStripeDispute(models.AbstractModel):
    _name = "saas.handler.stripe.dispute"
    _inherit = "saas.handler"
    _description = "Stripe dispute handlers"
    _saas_system_kinds = ("stripe",)
    _saas_event_types = {
        "stripe.dispute.opened": "_apply_dispute_opened",
        "stripe.dispute.closed": "_apply_dispute_closed",
    }

    def _apply_dispute_opened(self, event, message):
        return disputes.apply_dispute_opened(self.env, event, message)

    def _apply_dispute_closed(self, event, message):
        return disputes.apply_dispute_closed(self.env, event, message)
