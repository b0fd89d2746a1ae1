# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pull what Chargebee holds since a date, through the same handlers as webhooks.

Each object becomes a synthetic Chargebee event in the inbox, named after the
object and its ``resource_version``: running the pull again stores nothing
new, and a webhook that already applied the same version makes it ignored;
bindings keep invoices, credit notes and payments from being booked twice.
"""

import chargebee

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.saas_sync.exceptions import TransientError

from ..models.chargebee_sync import synthetic_event


def _customer_types(_binding, _obj):
    return ("customer_changed",)


def _subscription_types(binding, obj):
    status = obj.get("status")
    if not binding("saas.subscription", obj["id"]):
        return ("subscription_created",)
    if status in ("cancelled", "transferred"):
        return ("subscription_cancelled",)
    if status == "paused":
        return ("subscription_paused",)
    return ("subscription_changed",)


def _invoice_types(binding, obj):
    status = obj.get("status")
    if status == "pending":
        return ()
    if status == "voided":
        return ("invoice_updated",) if binding("account.move", obj["id"]) else ()
    return ("invoice_generated",)


def _credit_note_types(_binding, obj):
    return () if obj.get("status") == "voided" else ("credit_note_created",)


def _transaction_types(_binding, obj):
    kind, status = obj.get("type"), obj.get("status")
    if kind == "payment" and status == "success":
        return ("payment_succeeded",)
    if kind == "payment" and status == "failure":
        return ("payment_failed",)
    if kind == "refund" and status == "success":
        return ("payment_refunded",)
    return ()


# Pulled in this order, so that what a document needs is there first:
# (field, resource, date filter, event types of an object)
RESOURCES = [
    ("customers", "customer", "created_at", _customer_types),
    ("subscriptions", "subscription", "created_at", _subscription_types),
    ("invoices", "invoice", "date", _invoice_types),
    ("credit_notes", "credit_note", "date", _credit_note_types),
    ("transactions", "transaction", "date", _transaction_types),
]


class SaasChargebeeBackfill(models.TransientModel):
    _name = "saas.chargebee.backfill"
    _inherit = "saas.backfill.mixin"
    _description = "Pull Chargebee objects since a date"
    _backfill_platform = "Chargebee"

    system_id = fields.Many2one(domain=[("kind", "=", "chargebee")])
    customers = fields.Integer(readonly=True)
    subscriptions = fields.Integer(readonly=True)
    invoices = fields.Integer(readonly=True)
    credit_notes = fields.Integer(readonly=True)
    transactions = fields.Integer(readonly=True)

    def _backfill_pull(self, system, since):
        if system.kind != "chargebee" or not system._chargebee_client():
            raise UserError(
                self.env._("Enter the Chargebee site and API key of %s first.", system.name)
            )
        Binding = self.env["saas.binding"]

        def binding(model, external_id):
            return Binding.find_binding(system, model, external_id)

        counts, events = {}, self.env["saas.event"]
        for field, resource, date_field, event_types in RESOURCES:
            try:
                objects = system._chargebee_list(resource, {date_field: {"after": since - 1}})
            except (TransientError, chargebee.APIError) as exc:
                raise system._chargebee_user_error(self.env._("Backfill"), exc) from exc
            counts[field] = len(objects)
            for obj in objects:
                for event_type in event_types(binding, obj):
                    payload = synthetic_event(
                        event_type,
                        f"backfill_{resource}_{obj['id']}_{obj.get('resource_version') or 0}"
                        f"_{event_type}",
                        **{resource: obj},
                    )
                    events |= system._chargebee_receive(payload)
        return counts, events, None
