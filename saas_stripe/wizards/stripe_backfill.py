# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pull what Stripe holds since a date, through the same handlers as webhooks.

Each object becomes a synthetic Stripe event in the inbox; bindings make it
idempotent with the webhooks (an invoice, payment or refund is never booked
twice; customers and subscriptions take Stripe's current state).
"""

import time
import uuid

import stripe

from odoo import fields, models
from odoo.exceptions import UserError

from ..models.stripe_sync import as_dict


def _invoice_type(invoice):
    """The event(s) that bring an invoice in its current state: a voided
    invoice is booked and then reversed (never left open), a paid one paid."""
    status = invoice.get("status")
    if status == "void":
        return ("invoice.finalized", "invoice.voided")
    return "invoice.paid" if status == "paid" else "invoice.finalized"


def _charge_type(charge):
    return "charge.failed" if charge.get("status") == "failed" else "charge.succeeded"


# Pulled in this order, so that what a document needs is there first.
RESOURCES = [
    ("customers", "customers", lambda obj: "customer.updated", {}),
    ("subscriptions", "subscriptions", None, {"status": "all"}),
    ("invoices", "invoices", _invoice_type, {}),
    ("credit_notes", "credit_notes", lambda obj: "credit_note.created", {}),
    ("charges", "charges", _charge_type, {}),
    ("refunds", "refunds", lambda obj: "refund.created", {}),
]


class SaasStripeBackfill(models.TransientModel):
    _name = "saas.stripe.backfill"
    _inherit = "saas.backfill.mixin"
    _description = "Pull Stripe objects created since a date"
    _backfill_platform = "Stripe"

    system_id = fields.Many2one(domain=[("kind", "=", "stripe")])
    customers = fields.Integer(readonly=True)
    subscriptions = fields.Integer(readonly=True)
    invoices = fields.Integer(readonly=True)
    credit_notes = fields.Integer(readonly=True)
    charges = fields.Integer(readonly=True)
    refunds = fields.Integer(readonly=True)

    def _backfill_pull(self, system, since):
        client = system._stripe_client()
        if not client:
            raise UserError(self.env._("Enter the Stripe secret key of %s first.", system.name))
        run = uuid.uuid4().hex[:8]
        counts, events, stopped = {}, self.env["saas.event"], None
        for field, resource, event_type, params in RESOURCES:
            counts[field] = 0
            try:
                for obj in self._list(client, resource, params, since):
                    if obj.get("created", since) < since:
                        continue
                    events |= self._store(system, run, obj, event_type)
                    counts[field] += 1
            except stripe.RateLimitError as exc:
                # The SDK already retried with backoff; stop here, say how far we got.
                stopped = self.env._(
                    "Stripe's rate limit stopped the pull at %(what)s: %(e)s", what=resource, e=exc
                )
                break
            except (stripe.APIConnectionError, stripe.AuthenticationError) as exc:
                raise UserError(self.env._("Stripe refused the pull: %s", exc)) from exc
        return counts, events, stopped

    @staticmethod
    def _list(client, resource, params, since):
        """Every object of ``resource`` created since ``since`` (pages followed)."""
        service = getattr(client.v1, resource)
        base = {"limit": 100, **params}
        for attempt in ({**base, "created": {"gte": since}}, base):
            try:
                listing = service.list(params=attempt)
                return [as_dict(obj) for obj in listing.auto_paging_iter()]
            except stripe.StripeError as exc:
                if exc.http_status == 404:
                    return []  # this account (or server) has no such objects
                if exc.http_status in (400, 500) and "created" in attempt:
                    # A Stripe-compatible server refusing the date filter
                    # (localstripe): list everything and filter here.
                    continue
                raise
        return []

    def _store(self, system, run, obj, event_type):
        """Store the synthetic event(s) of one pulled object; return them."""
        if event_type is None:  # subscriptions: the current state, new or known
            known = self.env["saas.binding"].find_binding(system, "saas.subscription", obj["id"])
            kinds = "customer.subscription.updated" if known else "customer.subscription.created"
        else:
            kinds = event_type(obj)
        kinds = (kinds,) if isinstance(kinds, str) else kinds
        events = self.env["saas.event"]
        for index, kind in enumerate(kinds):
            payload = {
                "id": f"backfill_{run}_{obj['id']}" + (f":{index}" if index else ""),
                "object": "event",
                "type": kind,
                "created": int(time.time()),
                "livemode": bool(obj.get("livemode")),
                "api_version": None,
                "data": {"object": obj, "previous_attributes": {"items": {}}},
            }
            events |= system._stripe_receive(payload)
        return events
