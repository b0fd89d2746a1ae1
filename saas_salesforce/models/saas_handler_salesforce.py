# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..lib.translate import (
    ACCOUNT_DELETED_TYPE,
    COMPLETE_TYPE,
    DEAL_DELETED_TYPE,
    DEAL_TYPE,
    LINK_TYPE,
)
from ..services import deals


class SaasHandlerSalesforce(models.AbstractModel):
    """The native messages of Salesforce records (Accounts also go through
    the canonical ``customer.upserted`` of ``saas.handler.customer``)."""

    _name = "saas.handler.salesforce"
    _inherit = "saas.handler"
    _description = "Salesforce account and opportunity handlers"
    _saas_system_kinds = ("salesforce",)
    _saas_event_types = {
        LINK_TYPE: "_apply_account_link",
        COMPLETE_TYPE: "_apply_account_complete",
        DEAL_TYPE: "_apply_opportunity",
        DEAL_DELETED_TYPE: "_apply_opportunity_deletion",
        ACCOUNT_DELETED_TYPE: "_apply_account_deletion",
    }

    def _apply_account_link(self, event, message):
        return deals.link_billing_customer(self.env, event, message)

    def _apply_account_complete(self, event, message):
        return deals.complete_account(self.env, event, message)

    def _apply_opportunity(self, event, message):
        return deals.apply_opportunity(self.env, event, message)

    def _apply_opportunity_deletion(self, event, message):
        return deals.unbook_opportunity(self.env, event, message)

    def _apply_account_deletion(self, event, message):
        return deals.apply_account_deletion(self.env, event, message)
