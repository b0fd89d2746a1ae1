# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chargebee's own messages about billing documents: a credit note
allocated to invoices after it was created (``credit_note_updated``), an
invoice written off (``invoice_updated``, the "Write Off" credit note)."""

from odoo import models

from odoo.addons.saas_subscription.services.context import EventContext
from odoo.addons.saas_subscription.services.invoices import allocate_credit_note

from ..lib.translate import ALLOCATED, WRITTEN_OFF
from ..services import writeoffs


class SaasHandlerChargebeeBilling(models.AbstractModel):
    _name = "saas.handler.chargebee.billing"
    _inherit = "saas.handler"
    _description = "Chargebee credit note allocations and write-offs"
    _saas_system_kinds = ("chargebee",)
    _saas_event_types = {
        ALLOCATED: "_apply_credit_note_allocated",
        WRITTEN_OFF: "_apply_invoice_written_off",
    }

    def _apply_credit_note_allocated(self, event, message):
        """Reconcile the credit note with each invoice Chargebee allocated it
        to, for the amount allocated (what is already reconciled stays)."""
        ctx = EventContext(self.env, event, message)
        note_id = ctx.data["credit_note_id"]
        credit_note = ctx.require("account.move", note_id, self.env._("Credit note"))
        allocate_credit_note(ctx, credit_note, ctx.data["allocations"])
        return ctx.result()

    def _apply_invoice_written_off(self, event, message):
        return writeoffs.apply_invoice_written_off(self.env, event, message)
