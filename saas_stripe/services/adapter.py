# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Stripe adapter of the engine: raw Stripe event -> canonical messages.

Stripe ids are mapped to products by price id, then lookup key, then product
id (the first one with an approved product mapping; the price id otherwise,
so the missing mapping names it).

With an API key, what a message needs but Odoo lacks is read from Stripe's
current state first: an unknown customer, an unknown invoice that a payment
settles, and a subscription that is unknown or whose stored state is newer
than the event (the current subscription is applied instead of the old
event), and the coupons of a subscription whose discounts the event names by
id only (read with Stripe's ``expand``; the event keeps its own type).
Without a key, those messages retry as dependencies (or are ignored as older)
until the events that carry them arrive.
"""

import copy
import time

from odoo.addons.saas_sync.exceptions import DependencyError
from odoo.addons.saas_sync.lib.schema import parse_timestamp

from ..lib.translate import Translation, customer_data, invoice_issued, translate

# What a subscription's coupons are read through (Stripe's ``expand``).
DISCOUNT_PATHS = ("discounts", "items.data.discounts")


def _plan_key(env, system):
    Mapping = env["saas.mapping"]

    def plan_key(price):
        candidates = [price.get("id"), price.get("lookup_key"), price.get("product")]
        candidates = [str(c["id"] if isinstance(c, dict) else c) for c in candidates if c]
        for key in candidates:
            if Mapping._find_approved(system, "product", key):
                return key
        return candidates[0] if candidates else None

    return plan_key


class CurrentState:
    """Completes translated messages with Stripe's current objects."""

    def __init__(self, env, system, payload):
        self.env = env
        self.system = system
        self.payload = payload
        self.plan_key = _plan_key(env, system)
        self.Binding = env["saas.binding"]
        self.fetched = set()

    def known(self, model, external_id):
        return self.Binding.find_binding(self.system, model, external_id)

    def synthetic(self, event_type, obj, suffix):
        return {
            "id": f"{self.payload['id']}:{suffix}",
            "type": event_type,
            "created": int(time.time()),
            "livemode": bool(self.payload.get("livemode")),
            "data": {"object": obj, "previous_attributes": {"items": {}}},
        }

    def customer(self, message):
        customer_id = (message.get("data") or {}).get("customer_id")
        if not customer_id or customer_id in self.fetched or self.known("res.partner", customer_id):
            return []
        customer = self.system._stripe_retrieve("customers", customer_id)
        if not customer:
            return []
        self.fetched.add(customer_id)
        return [
            dict(
                message,
                id=f"{message['id']}:customer",
                type="customer.upserted",
                data=customer_data(customer),
            )
        ]

    def invoices(self, message):
        if message.get("type") != "payment.succeeded":
            return []
        result = []
        for invoice_id in message["data"].get("invoice_ids") or []:
            if self.known("account.move", invoice_id):
                continue
            invoice = self.system._stripe_retrieve("invoices", invoice_id)
            if invoice and invoice.get("status") not in (None, "draft"):
                translation = Translation(
                    self.synthetic("invoice.finalized", invoice, f"invoice:{invoice_id}"),
                    self.plan_key,
                )
                result.append(invoice_issued(translation, invoice))
        return result

    def invoice_payments(self, messages):
        """A paid invoice of the current shape names no payment: its
        InvoicePayments are read, so the payment is applied to it even when
        ``invoice_payment.paid`` is not among the webhook's events."""
        invoice = (self.payload.get("data") or {}).get("object") or {}
        if (
            self.payload.get("type") not in ("invoice.paid", "invoice.payment_succeeded")
            or invoice.get("status") != "paid"
            or not invoice.get("amount_paid")
            or any(message.get("type") == "payment.succeeded" for message in messages)
        ):
            return []
        result = []
        for payment in self.system._stripe_invoice_payments(invoice["id"]):
            if payment.get("status") != "paid":
                continue
            event = self.synthetic("invoice_payment.paid", payment, f"payment:{payment['id']}")
            for message in translate(event, self.plan_key):
                if message.get("type") == "payment.succeeded":
                    # The InvoicePayment names no customer: the invoice's.
                    message["data"]["customer_id"] = message["data"].get("customer_id") or (
                        _object_id(invoice.get("customer"))
                    )
                    result.append(message)
        return result

    def refund_payment(self, message):
        """A refund may name the charge of a payment booked under its payment intent."""
        if message.get("type") != "refund.issued":
            return message
        payment_id = message["data"]["payment_id"]
        if not payment_id or self.known("account.payment", payment_id):
            return message
        charge = self.system._stripe_retrieve("charges", payment_id)
        intent = charge and charge.get("payment_intent")
        intent = intent.get("id") if isinstance(intent, dict) else intent
        if intent and self.known("account.payment", intent):
            return dict(message, data=dict(message["data"], payment_id=intent))
        return message

    def _unread_discounts(self):
        """The payload's subscription names discounts by id only (the current
        shape): their coupons must be read to know its MRR."""
        obj = (self.payload.get("data") or {}).get("object") or {}
        if obj.get("object") != "subscription":
            return False
        holders = [obj, *((obj.get("items") or {}).get("data") or [])]
        return any(
            isinstance(discount, str)
            for holder in holders
            for discount in holder.get("discounts") or []
        )

    def subscription(self, message):
        """The current subscription instead of an unknown or outdated one; the
        event itself with its coupons read when it names its discounts by id."""
        if not message.get("type", "").startswith("subscription."):
            return None
        sub_id = message["data"]["subscription_id"]
        binding = self.known("saas.subscription", sub_id)
        unread = self._unread_discounts()
        fresh = binding and not binding.is_stale(parse_timestamp(message["occurred_at"]))
        if fresh and not unread:
            return None
        current = self.system._stripe_retrieve(
            "subscriptions", sub_id, expand=DISCOUNT_PATHS if unread else None
        )
        if not current:
            return None
        if fresh:
            return translate(self._with_discounts_of(current), self.plan_key)
        event_type = "customer.subscription.updated" if binding else "customer.subscription.created"
        return translate(self.synthetic(event_type, current, "current"), self.plan_key)

    def _with_discounts_of(self, current):
        """The payload, its subscription's discounts (and its items') taken
        from ``current``, where they are expanded; nothing else changes."""
        obj = copy.deepcopy(self.payload["data"]["object"])
        obj["discounts"] = current.get("discounts") or []
        current_items = {
            item.get("id"): item for item in (current.get("items") or {}).get("data") or []
        }
        for item in (obj.get("items") or {}).get("data") or []:
            item["discounts"] = (current_items.get(item.get("id")) or {}).get("discounts") or []
        return dict(self.payload, data=dict(self.payload["data"], object=obj))

    def complete(self, messages):
        result = []
        for message in messages:
            if message.get("ignore_reason"):
                result.append(message)
                continue
            message = self.refund_payment(message)
            result += self.customer(message)
            result += self.invoices(message)
            current = self.subscription(message)
            result += current if current is not None else [message]
        return result + self.invoice_payments(messages)


def _object_id(value):
    return value.get("id") if isinstance(value, dict) else value


def _customer_from_invoices(env, system, messages):
    """invoice_payment objects name no customer: take the invoice's."""
    Binding = env["saas.binding"]
    for message in messages:
        data = message.get("data") or {}
        if message.get("type") != "payment.succeeded" or data.get("customer_id"):
            continue
        for invoice_id in data.get("invoice_ids") or []:
            move = Binding.find_record(system, "account.move", invoice_id)
            customer_id = Binding._external_id_of(system, move.partner_id)
            if customer_id:
                data["customer_id"] = customer_id
                break
        else:
            raise DependencyError(
                env._("The invoice of payment %s is not known yet.", data.get("payment_id"))
            )
    return messages


def normalize_stripe_event(env, event, payload):
    system = event.system_id
    messages = _customer_from_invoices(env, system, translate(payload, _plan_key(env, system)))
    if not system._stripe_client():
        return messages
    return CurrentState(env, system, payload).complete(messages)
