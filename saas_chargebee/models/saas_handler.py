# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The handlers of saas_subscription, adjusted for Chargebee systems: the
``resource_version`` of what was applied is kept, the translation's notes
(a coupon it could not read) go on the attempt, and a payment that another
system books is only applied to Chargebee's invoices."""

from odoo import models

from odoo.addons.saas_sync.lib.outcome import HandlerResult

from ..services import gateway
from ..services.versions import remember_version


class SaasHandlerCustomer(models.AbstractModel):
    _inherit = "saas.handler.customer"

    def _apply_customer_upserted(self, event, message):
        result = super()._apply_customer_upserted(event, message)
        remember_version(self.env, event, message, result)
        return result


class SaasHandlerSubscription(models.AbstractModel):
    _inherit = "saas.handler.subscription"

    def _apply_subscription_event(self, event, message):
        result = super()._apply_subscription_event(event, message)
        remember_version(self.env, event, message, result)
        if message.get("notes"):
            # What the translation could not read (a coupon) goes on the attempt.
            result = result or HandlerResult()
            result.notes = [*message["notes"], *result.notes]
        return result


class SaasHandlerBilling(models.AbstractModel):
    _inherit = "saas.handler.billing"

    def _apply_payment_succeeded(self, event, message):
        system = event.system_id
        if (
            system.kind == "chargebee"
            and system.chargebee_payment_system_id
            and not system.owns("payments")
        ):
            return gateway.apply_gateway_payment(self.env, event, message)
        return super()._apply_payment_succeeded(event, message)
