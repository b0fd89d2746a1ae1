# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..services import invoices, payments


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
    _saas_batch_types = {
        "invoice.issued": "_apply_invoices_issued",
        "payment.succeeded": "_apply_payments_succeeded",
    }

    def _saas_batch_accepts(self, event_type, message):
        # A payment of several invoices is applied to them one at a time, by
        # due date: it keeps the one-by-one path.
        # A payment with allocations applies the amounts they give: also one
        # at a time.
        if event_type == "payment.succeeded":
            data = message.get("data") or {}
            return len(payments.invoice_keys(data)) <= 1 and not data.get("allocations")
        return super()._saas_batch_accepts(event_type, message)

    def _apply_invoice_issued(self, event, message):
        return invoices.apply_invoice_issued(self.env, event, message)

    def _apply_invoices_issued(self, pairs):
        return invoices.apply_invoices_issued(self.env, pairs)

    def _apply_payments_succeeded(self, pairs):
        return payments.apply_payments_succeeded(self.env, pairs)

    def _apply_invoice_voided(self, event, message):
        return invoices.apply_invoice_voided(self.env, event, message)

    def _apply_credit_note_issued(self, event, message):
        return invoices.apply_credit_note(self.env, event, message)

    def _apply_payment_succeeded(self, event, message):
        return payments.apply_payment_succeeded(self.env, event, message)

    def _apply_payment_failed(self, event, message):
        return payments.apply_payment_failed(self.env, event, message)

    def _apply_refund_issued(self, event, message):
        return payments.apply_refund_issued(self.env, event, message)

    def _prepare_invoice_values(self, ctx, move_type, external_id, lines, extra=None):
        """The values ``account.move.create`` receives for the invoice
        (``out_invoice``) or credit note with lines (``out_refund``) of the
        event of ``ctx`` (an ``EventContext``): ``external_id`` is the source's
        id of the document, ``lines`` its source lines, ``extra`` values set
        last. Extend it with ``_inherit`` and ``super()`` to adjust how an
        invoice is built; the amounts are still checked against the source's
        after creation."""
        return invoices.invoice_values(ctx, move_type, external_id, lines, extra=extra)
