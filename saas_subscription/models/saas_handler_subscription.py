# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..services import subscriptions


class SaasHandlerSubscription(models.AbstractModel):
    _name = "saas.handler.subscription"
    _inherit = "saas.handler"
    _description = "Subscription lifecycle event handlers"
    _saas_event_types = dict.fromkeys(
        (
            "subscription.activated",
            "subscription.changed",
            "subscription.renewed",
            "subscription.paused",
            "subscription.resumed",
            "subscription.cancelled",
            "subscription.reactivated",
        ),
        "_apply_subscription_event",
    )

    def _apply_subscription_event(self, event, message):
        """Every lifecycle type goes through one service, which reads the
        type from ``message``."""
        return subscriptions.apply_subscription_event(self.env, event, message)
