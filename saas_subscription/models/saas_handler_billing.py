# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..services import billing


class SaasHandlerBilling(models.AbstractModel):
    _name = "saas.handler.billing"
    _inherit = "saas.handler"
    _description = "Billing document event handlers"
    _saas_event_types = {
        "invoice.issued": "_apply_invoice_issued",
        "invoice.voided": "_apply_invoice_voided",
        "credit_note.issued": "_apply_credit_note_issued",
        "payment.succeeded": "_apply_payment_succeeded",
        "payment.failed": "_apply_payment_failed",
        "refund.issued": "_apply_refund_issued",
    }

    def _apply_invoice_issued(self, event, message):
        return billing.apply_invoice_issued(self.env, event, message)

    def _apply_invoice_voided(self, event, message):
        return billing.apply_invoice_voided(self.env, event, message)

    def _apply_credit_note_issued(self, event, message):
        return billing.apply_credit_note(self.env, event, message)

    def _apply_payment_succeeded(self, event, message):
        return billing.apply_payment_succeeded(self.env, event, message)

    def _apply_payment_failed(self, event, message):
        return billing.apply_payment_failed(self.env, event, message)

    def _apply_refund_issued(self, event, message):
        return billing.apply_refund_issued(self.env, event, message)
