# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..services import customers


class SaasHandlerCustomer(models.AbstractModel):
    _name = "saas.handler.customer"
    _inherit = "saas.handler"
    _description = "Customer event handlers"
    _saas_event_types = {"customer.upserted": "_apply_customer_upserted"}
    _saas_batch_types = {"customer.upserted": "_apply_customers_upserted"}

    def _apply_customer_upserted(self, event, message):
        return customers.apply_customer_upsert(self.env, event, message)

    def _apply_customers_upserted(self, pairs):
        return customers.apply_customers_upserted(
            self.env, pairs, apply_one=self._apply_customer_upserted
        )
