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
    _saas_batch_types = dict.fromkeys(_saas_event_types, "_apply_subscription_events")
    # the batch runs _apply_subscription_event for each event, overrides included
    _saas_batch_per_record = tuple(_saas_event_types)

    def _apply_subscription_event(self, event, message):
        """Every lifecycle type goes through one service, which reads the
        type from ``message``."""
        return subscriptions.apply_subscription_event(self.env, event, message)

    def _apply_subscription_events(self, pairs):
        """Lifecycle events of a claimed batch (disjoint subscriptions and
        customers): each through :meth:`_apply_subscription_event` in its own
        savepoint, in one engine step."""
        return self._saas_apply_each(self._apply_subscription_event, pairs)
