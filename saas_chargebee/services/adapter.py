# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Chargebee adapter of the engine: raw Chargebee event -> canonical messages.

Item prices map to products by item price id, then item id (the first one
with an approved product mapping; the item price id otherwise, so that the
missing mapping names it). The item id is read from Chargebee (with an API
key) or from the default item price name ``<item>-<CURRENCY>-<period>``.

Before a message about a customer or subscription is applied, its
``resource_version`` is compared with the stored one: an older (or the same)
version is ignored with the reason. With an API key, what a message needs
but Odoo lacks is read from Chargebee's current state first: an unknown
customer, an unknown invoice that a payment settles or a credit note
adjusts, a subscription that is
unknown (for an event that carries no full state) or whose stored version is
newer than the event's (the current subscription is applied instead when it
is newer still). Without a key those messages retry as dependencies (or are
ignored as older) until the events that carry them arrive.
"""

from ..lib.amounts import day
from ..lib.translate import (
    Translation,
    customer_message,
    embedded_coupons,
    invoice_issued,
    item_id_of,
    subscription_message,
    translate,
)
from .versions import stale_reason, stored_version

# The source of the drift check's events (models/chargebee_sync.py).
DRIFT_SOURCE = "odoo_drift_check"

CREATING_TYPES = ("subscription.activated", "subscription.changed", "subscription.reactivated")


def item_price_reader(system):
    """``price_of(item_price_id)``: the item price Chargebee holds (with an
    API key; read once per id), else None."""
    prices = {}

    def price_of(item_price_id):
        if item_price_id not in prices:
            prices[item_price_id] = system._chargebee_retrieve("item_price", item_price_id)
        return prices[item_price_id]

    return price_of


def family_reader(price_of):
    """``family_of(item_price_id)``: the item family of an item price read
    with ``price_of``, else None."""

    def family_of(item_price_id):
        price = price_of(item_price_id)
        return price.get("item_family_id") if price else None

    return family_of


def _plan_key(env, system, with_api, price_of=None):
    Mapping = env["saas.mapping"]
    price_of = price_of or item_price_reader(system)
    item_ids = {}

    def item_id(item_price_id, currency):
        if item_price_id not in item_ids:
            found = None
            if with_api:
                price = price_of(item_price_id)
                found = price and price.get("item_id")
            item_ids[item_price_id] = found or item_id_of(item_price_id, currency)
        return item_ids[item_price_id]

    def plan_key(item_price_id, currency):
        if Mapping._find_approved(system, "product", item_price_id):
            return item_price_id
        item = item_id(item_price_id, currency)
        if item and Mapping._find_approved(system, "product", item):
            return item
        return item_price_id

    return plan_key


def coupon_reader(system, content=None):
    """``coupon_of(coupon_id)``: the coupon the event carries, else the one
    Chargebee holds (with an API key; read once per id), else None."""
    coupons = embedded_coupons(content or {})

    def coupon_of(coupon_id):
        if coupon_id not in coupons:
            coupons[coupon_id] = system._chargebee_retrieve("coupon", coupon_id)
        return coupons[coupon_id]

    return coupon_of


class CurrentState:
    """Completes translated messages with resource versions and Chargebee's
    current objects."""

    def __init__(self, env, system, payload, plan_key, coupon_of, family_of=None):
        self.env = env
        self.system = system
        self.payload = payload
        self.content = payload.get("content") or {}
        self.with_api = bool(system._chargebee_client())
        self.translation = Translation(payload, plan_key, coupon_of, family_of)
        self.Binding = env["saas.binding"]
        self.added = set()

    def known(self, model, external_id):
        return self.Binding.find_binding(self.system, model, external_id)

    def ignored(self, reason):
        return {
            "id": self.payload["id"],
            "type": self.payload["event_type"],
            "ignore_reason": reason,
        }

    def customer(self, message):
        customer_id = (message.get("data") or {}).get("customer_id")
        if (
            message["type"] == "customer.upserted"
            or not customer_id
            or customer_id in self.added
            or self.known("res.partner", customer_id)
        ):
            return []
        customer = self.content.get("customer")
        if not customer or customer.get("id") != customer_id:
            customer = (
                self.system._chargebee_retrieve("customer", customer_id) if self.with_api else None
            )
        if not customer:
            return []
        self.added.add(customer_id)
        return [customer_message(self.translation, customer, ":customer")]

    def invoices(self, message):
        """The invoices a payment settles or a credit note adjusts that Odoo
        lacks, read from Chargebee (so that the note or the payment is
        reconciled with them at once, not after retries)."""
        if not self.with_api:
            return []
        if message["type"] == "payment.succeeded":
            invoice_ids = message["data"].get("invoice_ids") or []
        elif message["type"] == "credit_note.issued" and message["data"].get("invoice_id"):
            invoice_ids = [message["data"]["invoice_id"]]
        else:
            return []
        result = []
        for invoice_id in invoice_ids:
            if invoice_id in self.added or self.known("account.move", invoice_id):
                continue
            invoice = self.system._chargebee_retrieve("invoice", invoice_id)
            if invoice and invoice.get("status") not in ("pending", "voided"):
                self.added.add(invoice_id)
                result.append(invoice_issued(self.translation, invoice, f":invoice:{invoice_id}"))
        return result

    def current_subscription(self, message, reason):
        """The current subscription instead of an outdated message, when
        Chargebee holds a newer state than Odoo; else the reason to ignore."""
        sub_id = message["data"]["subscription_id"]
        current = self.system._chargebee_retrieve("subscription", sub_id) if self.with_api else None
        stored = stored_version(self.env, self.system, message["source_version"])
        if not current or int(current.get("resource_version") or 0) <= (stored or 0):
            return [self.ignored(reason)]
        return [self.current_message(current)]

    def current_message(self, current):
        """The message applying Chargebee's current state of a subscription."""
        known = self.known("saas.subscription", current["id"])
        extra = {}
        if not known:
            event_type, with_items = "subscription.activated", True
        elif current.get("status") in ("cancelled", "transferred"):
            event_type, with_items = "subscription.cancelled", False
            extra["ended_at"] = day(current.get("cancelled_at") or self.payload["occurred_at"])
        else:
            event_type, with_items = "subscription.changed", True
        message = subscription_message(self.translation, event_type, current, with_items, **extra)
        message["id"] += ":current"
        return message

    def unknown_subscription(self, message):
        """A message that carries no full state about an unknown subscription:
        Chargebee's current state instead (None: keep the message)."""
        if not message["type"].startswith("subscription.") or message["type"] in CREATING_TYPES:
            return None
        sub_id = message["data"]["subscription_id"]
        if not self.with_api or self.known("saas.subscription", sub_id):
            return None
        current = self.system._chargebee_retrieve("subscription", sub_id)
        return [self.current_message(current)] if current else None

    def complete(self, messages):
        # What the event itself brings is not fetched again.
        self.added.update(
            m["data"]["invoice_id"] for m in messages if m.get("type") == "invoice.issued"
        )
        self.added.update(
            m["data"]["customer_id"] for m in messages if m.get("type") == "customer.upserted"
        )
        result = []
        for message in messages:
            if message.get("ignore_reason"):
                result.append(message)
                continue
            reason, older = stale_reason(self.env, self.system, message)
            if reason and not older and self.payload.get("source") == DRIFT_SOURCE:
                # A drift repair: Odoo differs from the version it last applied.
                reason = None
            if reason:
                if older and message["type"].startswith("subscription."):
                    result += self.current_subscription(message, reason)
                else:
                    result.append(self.ignored(reason))
                continue
            result += self.customer(message)
            result += self.invoices(message)
            result += self.unknown_subscription(message) or [message]
        return result


def normalize_chargebee_event(env, event, payload):
    system = event.system_id
    price_of = item_price_reader(system)
    plan_key = _plan_key(env, system, bool(system._chargebee_client()), price_of)
    coupon_of = coupon_reader(system, payload.get("content"))
    family_of = family_reader(price_of)
    messages = translate(payload, plan_key, coupon_of, family_of)
    state = CurrentState(env, system, payload, plan_key, coupon_of, family_of)
    messages = state.complete(messages)
    if not system.chargebee_business_entities:
        # One company for the whole site: its business entity routes nothing.
        for message in messages:
            message.pop("entity", None)
    return messages
