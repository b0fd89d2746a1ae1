# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chargebee API v2 events -> canonical events (schema version 1).

A Chargebee event (``{"id", "occurred_at", "event_type", "api_version",
"content": {...}}``) carries the full resources it is about in ``content``:
``customer``, ``subscription``, ``invoice``, ``credit_note``,
``transaction``. Each resource has a ``resource_version`` that grows with
every change; a message about a customer or a subscription carries it as
``source_version`` (``{"model", "id", "version"}``) so that an older event
never overwrites a newer state.

- Item prices map to products: ``plan_key(item_price_id, currency)`` chooses
  the key (item price id, then item id; see ``item_id_of``).
- ``billing_period`` + ``billing_period_unit`` of the subscription give the
  interval of its items; one-time charges earn no MRR and are left out.
- Amounts are minor units of the resource's ``currency_code``; line items'
  ``date_from``/``date_to`` give service periods (the end is the moment the
  next period starts: the day before, as an end date); a line's
  ``discount_amount`` is an amount off and its taxes are named by
  ``line_item_taxes[].tax_name``, with the line's ``tax_amount`` to check.
- On a site with several business entities every resource names its
  ``business_entity_id``: it is the message's ``entity``, which a
  ``company`` mapping routes to an Odoo company.
- A payment is keyed by Chargebee's transaction id; the payment's id at the
  gateway (``id_at_gateway``, the Stripe charge or payment intent when
  Chargebee collects through Stripe) is its alias, so the payment system
  that books it (see ``saas_chargebee`` README) is found.

:func:`translate` returns canonical messages; a message with
``ignore_reason`` says why an event changes nothing. ``EVENT_TYPES`` is the
one table of the Chargebee event types stored for processing: each maps to
its translator or to the reason it is stored and ignored.
"""

import re
from decimal import Decimal

from .amounts import day, timestamp, to_major
from .discounts import coupon_applies_to, item_amounts_off

SUBSCRIPTION_STATUS = {
    "future": "trialing",  # starts later: no MRR until it starts
    "in_trial": "trialing",
    "active": "active",
    "non_renewing": "active",  # active until its term ends
    "paused": "paused",
    "cancelled": "cancelled",
    "transferred": "cancelled",
}
MRR_STATUSES = ("active", "non_renewing")
PERIOD_UNITS = {"day": "day", "week": "week", "month": "month", "year": "year"}
RECURRING_ITEM_TYPES = ("plan", "addon")
# Native message types (no canonical one): a credit note allocated to
# invoices, an invoice written off.
ALLOCATED = "chargebee.credit_note.allocated"
WRITTEN_OFF = "chargebee.invoice.written_off"


def item_id_of(item_price_id, currency):
    """The item of an item price named the way Chargebee names them by default,
    ``<item id>-<CURRENCY>[-<period>]`` ("pro-USD-Monthly" is an item price of
    item "pro"); None when the id does not follow that convention."""
    if not item_price_id or not currency:
        return None
    match = re.match(rf"^(.+)-{re.escape(currency)}(-[A-Za-z0-9 ]+)?$", item_price_id, re.I)
    return match.group(1) if match else None


ENTITY_RESOURCES = ("subscription", "invoice", "credit_note", "transaction", "customer")


def business_entity_of(content):
    """The business entity (``business_entity_id``) the event's resources
    belong to, on sites with several business entities; None when none says."""
    for key in ENTITY_RESOURCES:
        resource = content.get(key)
        if isinstance(resource, dict) and resource.get("business_entity_id"):
            return resource["business_entity_id"]
    return None


def default_plan_key(item_price_id, _currency):
    return item_price_id


def embedded_coupons(content):
    """The coupon objects an event carries (``coupon``, or a list ``coupons``),
    by id."""
    found = [content.get("coupon"), *(content.get("coupons") or [])]
    return {
        coupon["id"]: coupon
        for coupon in found
        if isinstance(coupon, dict) and coupon.get("id") and coupon.get("discount_type")
    }


def no_family(_item_price_id):
    return None


class Translation:
    """One Chargebee event being translated. ``coupon_of(coupon_id)`` reads a
    coupon (a dict, or None when it cannot be read); by default from the
    coupons the event carries. ``family_of(item_price_id)`` reads the item
    family of an item price (None when it cannot: Chargebee's events do not
    carry item prices)."""

    def __init__(self, event, plan_key=None, coupon_of=None, family_of=None):
        self.event = event
        self.content = event.get("content") or {}
        self.plan_key = plan_key or default_plan_key
        self.coupon_of = coupon_of or embedded_coupons(self.content).get
        self.family_of = family_of or no_family
        self.entity = business_entity_of(self.content)

    def message(self, event_type, data, suffix="", version=None, notes=None):
        message = {
            "id": self.event["id"] + suffix,
            "type": event_type,
            "occurred_at": timestamp(self.event["occurred_at"]),
            "schema_version": 1,
            "data": {key: value for key, value in data.items() if value not in (None, "")},
        }
        if self.entity:
            message["entity"] = self.entity  # routed to a company by a company mapping
        if version:
            message["source_version"] = version
        if notes:
            message["notes"] = notes
        return message

    def ignored(self, reason):
        return [{"id": self.event["id"], "type": self.event["event_type"], "ignore_reason": reason}]


def _version(model, resource):
    if resource.get("resource_version") is None:
        return None
    return {"model": model, "id": resource["id"], "version": int(resource["resource_version"])}


# ------------------------------------------------------------------ customers
def customer_data(customer):
    address = customer.get("billing_address") or {}
    name = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
    data = {
        "customer_id": customer["id"],
        "name": customer.get("company") or name or customer.get("email"),
        "email": customer.get("email"),
        "phone": customer.get("phone"),
        "vat": customer.get("vat_number"),
        "address": {
            key: value
            for key, value in (
                ("line1", address.get("line1")),
                ("line2", address.get("line2")),
                ("city", address.get("city")),
                ("postal_code", address.get("zip")),
                ("country", address.get("country")),
            )
            if value
        },
    }
    if customer.get("company"):
        data["is_company"] = True
    return {key: value for key, value in data.items() if value not in (None, "", {})}


def customer_message(translation, customer, suffix=""):
    return translation.message(
        "customer.upserted", customer_data(customer), suffix, _version("res.partner", customer)
    )


def translate_customer(translation):
    customer = translation.content.get("customer")
    if not customer:
        return translation.ignored("The event carries no customer.")
    return [customer_message(translation, customer)]


# -------------------------------------------------------------- subscriptions
def _coupon_skip(coupon, entry, currency, at):
    """Why a coupon of a subscription does not reduce its recurring revenue
    (None when it does)."""
    if coupon.get("duration_type") == "one_time":
        return "one_time"  # one invoice, not the recurring revenue
    if entry.get("apply_till") and at and int(entry["apply_till"]) <= int(at):
        return "expired"
    if coupon.get("discount_type") == "fixed_amount" and (
        (coupon.get("currency_code") or currency or "").upper() != (currency or "").upper()
    ):
        return "currency"  # Chargebee applies a fixed amount only in its currency
    if coupon.get("discount_type") not in ("fixed_amount", "percentage"):
        return "type"
    return None


def subscription_coupons(translation, subscription, at=None):
    """(invoice-level coupons, line-level coupons, notes) of the coupons a
    subscription names (``coupons[].coupon_id``): read with
    ``translation.coupon_of``; coupons that apply once, have expired
    (``apply_till``) or are in another currency are left out, as Chargebee's
    recurring charges leave them out."""
    currency = subscription.get("currency_code")
    whole, per_item, notes = [], [], []
    for entry in subscription.get("coupons") or []:
        coupon_id = entry.get("coupon_id") or entry.get("id")
        coupon = entry if entry.get("discount_type") else translation.coupon_of(coupon_id)
        if not coupon:
            notes.append(
                f"Chargebee coupon {coupon_id} of subscription {subscription['id']} could not "
                "be read (the event does not carry it, and there is no API key or Chargebee "
                "has no such coupon): the MRR leaves it out."
            )
            continue
        if _coupon_skip(coupon, entry, currency, at):
            continue
        if coupon.get("apply_on") == "each_specified_item":
            per_item.append(coupon)
        else:
            whole.append(coupon)
    # Discounts (product catalog 2.0) apply after the coupons of their kind.
    for entry in subscription.get("discounts") or []:
        discount = discount_as_coupon(entry)
        if _coupon_skip(discount, entry, currency, at):
            continue
        (per_item if discount["apply_on"] == "each_specified_item" else whole).append(discount)
    return whole, per_item, notes


def discount_as_coupon(discount):
    """A subscription's ``discounts[]`` entry (``type``, ``amount`` or
    ``percentage``, ``apply_on`` ``invoice_amount`` or ``specific_item_price``
    with its ``item_price_id``) in the shape of a coupon."""
    specific = discount.get("apply_on") == "specific_item_price"
    return {
        "id": discount.get("id"),
        "discount_type": discount.get("type"),
        "discount_amount": discount.get("amount"),
        "discount_percentage": discount.get("percentage"),
        "currency_code": discount.get("currency_code"),
        "duration_type": discount.get("duration_type"),
        "apply_on": "each_specified_item" if specific else "invoice_amount",
        "item_constraints": [
            {
                "item_type": item_type,
                "constraint": "specific",
                "item_price_ids": [discount.get("item_price_id")],
            }
            for item_type in RECURRING_ITEM_TYPES
        ]
        if specific
        else None,
    }


def _quantity(item):
    """An item's quantity as Chargebee states it (a string), 1 when it has none."""
    quantity = item.get("quantity_in_decimal") or item.get("quantity")
    return str(quantity if quantity is not None else 1)


def _unit_amount(item, currency):
    if item.get("unit_price_in_decimal"):
        return str(item["unit_price_in_decimal"])
    return to_major(item.get("unit_price") or 0, currency)


def subscription_items(
    plan_key, subscription, item_coupons=(), notes=None, whole=(), family_of=None
):
    """The recurring items (plans and addons) as canonical items, each with
    the amount off that its ``each_specified_item`` coupons (those whose
    constraints select it, see :func:`.discounts.coupon_applies_to`) and its
    share of the ``invoice_amount`` coupons (``whole``) take, in Chargebee's
    order (see :mod:`.discounts`)."""
    currency = subscription.get("currency_code")
    interval = PERIOD_UNITS.get(subscription.get("billing_period_unit") or "month", "month")
    period = int(subscription.get("billing_period") or 1)
    items, lines, line_coupons = [], [], []
    for item in subscription.get("subscription_items") or []:
        if item.get("item_type", "plan") not in RECURRING_ITEM_TYPES:
            continue
        quantity = _quantity(item)
        unit = _unit_amount(item, currency)
        items.append(
            {
                "plan": plan_key(item["item_price_id"], currency),
                "quantity": quantity,
                "unit_amount": unit,
                "interval": interval,
                "interval_count": int(subscription.get("billing_period") or 1),
            }
        )
        lines.append((Decimal(unit) * Decimal(quantity), Decimal(quantity)))
        applying = []
        selected = dict(item, currency=currency, period=period, period_unit=interval)
        for coupon in item_coupons:
            matches = coupon_applies_to(coupon, selected, family_of)
            if matches is None and notes is not None:
                notes.append(
                    f"Chargebee coupon {coupon['id']} applies to the items of some item "
                    f"families, and the family of {item['item_price_id']} could not be read "
                    "(no API key, or Chargebee has no such item price): the MRR of that "
                    "item leaves the coupon out."
                )
            elif matches:
                applying.append(coupon)
        line_coupons.append(applying)
    offs = item_amounts_off(lines, line_coupons, list(whole), currency)
    for canonical, off in zip(items, offs, strict=True):
        if off:
            canonical["discount_amount"] = format(off, "f")
    return items


def subscription_data(translation, subscription, with_items=True, at=None):
    """(canonical data, notes) of a Chargebee subscription; ``at`` (a
    timestamp) decides which limited coupons still apply."""
    data = {
        "subscription_id": subscription["id"],
        "customer_id": subscription.get("customer_id"),
        "currency": (subscription.get("currency_code") or "").upper(),
        "status": SUBSCRIPTION_STATUS.get(subscription.get("status"), "active"),
        "start_date": day(
            subscription.get("started_at")
            or subscription.get("start_date")
            or subscription.get("created_at")
        ),
        "period_start": day(subscription.get("current_term_start")),
        "period_end": day(subscription.get("current_term_end"), exclusive_end=True),
    }
    notes = []
    if with_items:
        whole, per_item, notes = subscription_coupons(translation, subscription, at)
        data["items"] = subscription_items(
            translation.plan_key, subscription, per_item, notes, whole, translation.family_of
        )
    return data, notes


def subscription_message(translation, event_type, subscription, with_items=True, **extra):
    data, notes = subscription_data(
        translation, subscription, with_items, at=translation.event.get("occurred_at")
    )
    data.update(extra)
    return translation.message(
        event_type, data, version=_version("saas.subscription", subscription), notes=notes
    )


# Chargebee subscription event -> (canonical type, with items)
SUBSCRIPTION_EVENTS = {
    "subscription_created": ("subscription.activated", True),
    "subscription_started": ("subscription.activated", True),
    "subscription_activated": ("subscription.activated", True),
    "subscription_changed": ("subscription.changed", True),
    "subscription_renewed": ("subscription.renewed", False),
    "subscription_paused": ("subscription.paused", False),
    "subscription_resumed": ("subscription.resumed", False),
    "subscription_cancelled": ("subscription.cancelled", False),
    "subscription_reactivated": ("subscription.reactivated", True),
    # Cancels at the end of the term (status non_renewing, cancelled_at ahead).
    "subscription_cancellation_scheduled": ("subscription.cancelled", False),
    "subscription_scheduled_cancellation_removed": ("subscription.reactivated", True),
}


def translate_subscription(translation):
    subscription = translation.content.get("subscription")
    if not subscription:
        return translation.ignored("The event carries no subscription.")
    event_type, with_items = SUBSCRIPTION_EVENTS[translation.event["event_type"]]
    extra = {}
    if translation.event["event_type"] == "subscription_cancellation_scheduled":
        cancel_at = subscription.get("cancelled_at") or subscription.get("current_term_end")
        if not cancel_at:
            return translation.ignored("The scheduled cancellation names no date.")
        extra.update(cancel_at_period_end=True, cancel_at=day(cancel_at))
    elif event_type == "subscription.cancelled":
        extra["ended_at"] = day(
            subscription.get("cancelled_at") or translation.event["occurred_at"]
        )
    elif event_type == "subscription.paused":
        extra["pause_start"] = day(
            subscription.get("pause_date") or translation.event["occurred_at"]
        )
        extra["resume_at"] = day(subscription.get("resume_date"))
    return [subscription_message(translation, event_type, subscription, with_items, **extra)]


# ------------------------------------------------------------------- invoices
def document_lines(translation, document):
    """Canonical lines of an invoice's or credit note's ``line_items``."""
    currency = document.get("currency_code")
    taxes = {}
    for tax in document.get("line_item_taxes") or []:
        if tax.get("tax_name"):
            taxes.setdefault(tax.get("line_item_id"), []).append(tax["tax_name"])
    lines = []
    for line in document.get("line_items") or []:
        quantity = line.get("quantity_in_decimal") or line.get("quantity") or 1
        unit = line.get("unit_amount_in_decimal") or line.get("unit_amount") or 0
        amount = line.get("amount")
        unit_major = (
            to_major(unit, currency) if not line.get("unit_amount_in_decimal") else str(unit)
        )
        if amount is not None and Decimal(to_major(amount, currency)) != Decimal(
            unit_major
        ) * Decimal(str(quantity)):
            # Prorations and tiers: one unit of the line amount is exact.
            quantity, unit_major = 1, to_major(amount, currency)
        canonical = {
            "description": line.get("description") or "",
            "quantity": str(quantity),
            "unit_amount": unit_major,
            "period_start": day(line.get("date_from")),
            "period_end": day(line.get("date_to"), exclusive_end=True),
            "tax_amount": to_major(line.get("tax_amount") or 0, currency),
        }
        if line.get("discount_amount"):
            canonical["discount_amount"] = to_major(line["discount_amount"], currency)
        if line.get("entity_type", "").endswith("item_price") and line.get("entity_id"):
            canonical["plan"] = translation.plan_key(line["entity_id"], currency)
        if taxes.get(line.get("id")):
            canonical["tax_codes"] = taxes[line["id"]]
        lines.append({key: value for key, value in canonical.items() if value not in (None, "")})
    return lines


def invoice_issued(translation, invoice, suffix=""):
    currency = invoice.get("currency_code")
    data = {
        "invoice_id": invoice["id"],
        "customer_id": invoice.get("customer_id"),
        "subscription_id": invoice.get("subscription_id"),
        "currency": (currency or "").upper(),
        "number": invoice["id"],
        "total": to_major(invoice.get("total") or 0, currency),
        "date": day(invoice.get("date")),
        "due_date": day(invoice.get("due_date")),
        "lines": document_lines(translation, invoice),
    }
    return translation.message("invoice.issued", data, suffix)


def translate_invoice_generated(translation):
    invoice = translation.content.get("invoice")
    if not invoice:
        return translation.ignored("The event carries no invoice.")
    if invoice.get("status") == "pending":
        return translation.ignored("Pending invoices are booked when Chargebee closes them.")
    if invoice.get("status") == "voided":
        return translation.ignored("A voided invoice is not booked.")
    return [invoice_issued(translation, invoice)]


def written_off(translation, invoice_id, amount, currency):
    """The native message of an invoice Chargebee wrote off for ``amount``
    (minor units): saas_chargebee's own handler books it as a bad debt."""
    data = {
        "invoice_id": invoice_id,
        "currency": (currency or "").upper(),
        "amount": to_major(amount, currency),
    }
    message = translation.message(WRITTEN_OFF, data, ":write_off")
    message["native"] = True
    return message


def translate_invoice_updated(translation):
    invoice = translation.content.get("invoice")
    if not invoice:
        return translation.ignored("The event carries no invoice.")
    if invoice.get("write_off_amount") and invoice.get("status") == "paid":
        return [
            written_off(
                translation,
                invoice["id"],
                invoice["write_off_amount"],
                invoice.get("currency_code"),
            )
        ]
    if invoice.get("status") != "voided":
        return translation.ignored(
            "Only a void or a write-off changes a booked invoice; other updates "
            "(payments, dunning) come with their own events."
        )
    return [translation.message("invoice.voided", {"invoice_id": invoice["id"]})]


def is_write_off(note):
    """Chargebee's write-off creates an ``adjustment`` credit note whose
    ``create_reason_code`` is "Write Off" (``reason_code`` ``write_off``)."""
    return note.get("reason_code") == "write_off" or (
        (note.get("create_reason_code") or "").strip().lower() == "write off"
    )


def credit_note_issued(translation, note, suffix=""):
    currency = note.get("currency_code")
    data = {
        "credit_note_id": note["id"],
        "invoice_id": note.get("reference_invoice_id"),
        "customer_id": note.get("customer_id"),
        "currency": (currency or "").upper(),
        "number": note["id"],
        "total": to_major(note.get("total") or 0, currency),
        "date": day(note.get("date")),
        "lines": document_lines(translation, note),
        "allocations": credit_note_allocations(note) or None,
    }
    return translation.message("credit_note.issued", data, suffix)


def credit_note_allocations(note):
    """What Chargebee applied of a credit note to each invoice (its
    ``allocations``: ``invoice_id``, ``allocated_amount`` in minor units)."""
    currency = note.get("currency_code")
    return [
        {
            "invoice_id": allocation["invoice_id"],
            "amount": to_major(allocation.get("allocated_amount") or 0, currency),
        }
        for allocation in note.get("allocations") or []
        if allocation.get("invoice_id") and allocation.get("allocated_amount")
    ]


def translate_credit_note_updated(translation):
    """A credit note applied to invoices after it was created (its refundable
    credits allocated to the next invoices): a native message for
    saas_chargebee's own handler, which reconciles the new allocations."""
    note = translation.content.get("credit_note")
    if not note:
        return translation.ignored("The event carries no credit note.")
    if note.get("status") == "voided":
        return translation.ignored("A voided credit note is not booked.")
    allocations = credit_note_allocations(note)
    if is_write_off(note):
        return translation.ignored(
            "A write-off credit note is booked with its invoice's write-off."
        )
    if not allocations:
        return translation.ignored("The credit note is allocated to no invoice.")
    data = {"credit_note_id": note["id"], "allocations": allocations}
    message = translation.message(ALLOCATED, data, ":allocations")
    message["native"] = True
    return [message]


def translate_credit_note(translation):
    note = translation.content.get("credit_note")
    if not note:
        return translation.ignored("The event carries no credit note.")
    if note.get("status") == "voided":
        return translation.ignored("A voided credit note is not booked.")
    if is_write_off(note):
        # Not a credit of the revenue: the invoice's write-off, booked as a bad debt.
        return [
            written_off(
                translation,
                note.get("reference_invoice_id"),
                note.get("total") or 0,
                note.get("currency_code"),
            )
        ]
    return [credit_note_issued(translation, note)]


# ------------------------------------------------------------ payments, refunds
def _transaction_ids(transaction):
    """(payment_id, alias_ids): Chargebee's transaction id keys the payment;
    the gateway's id of the same money is its alias."""
    aliases = [transaction["id_at_gateway"]] if transaction.get("id_at_gateway") else []
    return transaction["id"], aliases


def _linked_invoices(transaction, invoice=None):
    ids = [link["invoice_id"] for link in transaction.get("linked_invoices") or []]
    if not ids and invoice:
        ids = [invoice["id"]]
    return ids


def translate_payment_succeeded(translation):
    transaction = translation.content.get("transaction")
    if not transaction:
        return translation.ignored("The event carries no transaction.")
    if transaction.get("status") != "success":
        return translation.ignored(
            f"Transaction status {transaction.get('status')}: no money moved."
        )
    invoice = translation.content.get("invoice")
    currency = transaction.get("currency_code")
    payment_id, aliases = _transaction_ids(transaction)
    data = {
        "payment_id": payment_id,
        "customer_id": transaction.get("customer_id"),
        "currency": (currency or "").upper(),
        "amount": to_major(transaction.get("amount") or 0, currency),
        "invoice_ids": _linked_invoices(transaction, invoice),
        "date": day(transaction.get("date")),
        "reference": transaction.get("reference_number") or payment_id,
        "gateway": transaction.get("gateway"),
    }
    if aliases:
        data["alias_ids"] = aliases
    messages = []
    if invoice and invoice.get("status") not in ("pending", "voided"):
        # The invoice first, in case its own event is late (already booked: ignored).
        messages.append(invoice_issued(translation, invoice, ":invoice"))
    return [*messages, translation.message("payment.succeeded", data)]


def translate_payment_failed(translation):
    transaction = translation.content.get("transaction")
    if not transaction:
        return translation.ignored("The event carries no transaction.")
    invoice = translation.content.get("invoice") or {}
    currency = transaction.get("currency_code")
    invoices = _linked_invoices(transaction, invoice or None)
    data = {
        "payment_id": f"{transaction['id']}:failed",
        "customer_id": transaction.get("customer_id"),
        "subscription_id": transaction.get("subscription_id") or invoice.get("subscription_id"),
        "invoice_id": invoices[0] if invoices else None,
        "currency": (currency or "").upper(),
        "amount": to_major(transaction.get("amount") or 0, currency),
        "failure_message": transaction.get("error_text")
        or transaction.get("error_code")
        or "payment failed",
    }
    return [translation.message("payment.failed", data)]


def translate_payment_refunded(translation):
    transaction = translation.content.get("transaction")
    if not transaction:
        return translation.ignored("The event carries no transaction.")
    if transaction.get("status") != "success":
        return translation.ignored(f"Refund status {transaction.get('status')}: no money moved.")
    currency = transaction.get("currency_code")
    note = translation.content.get("credit_note")
    messages = []
    if note and note.get("status") != "voided":
        messages.append(credit_note_issued(translation, note, ":credit_note"))
    data = {
        "refund_id": transaction["id"],
        "payment_id": transaction.get("refunded_txn_id")
        or transaction.get("reference_transaction_id"),
        "customer_id": transaction.get("customer_id"),
        "currency": (currency or "").upper(),
        "amount": to_major(transaction.get("amount") or 0, currency),
        "date": day(transaction.get("date")),
        "credit_note_id": note["id"] if note and note.get("status") != "voided" else None,
    }
    return [*messages, translation.message("refund.issued", data)]


# ------------------------------------------------------------------------ table
# Every Chargebee event type stored for processing -> its translator, or (a
# string) the reason it is stored and ignored. Any other type is stored
# ignored by the webhook (see inbox.chargebee_header).
EVENT_TYPES = {
    "customer_created": translate_customer,
    "customer_changed": translate_customer,
    "customer_deleted": "Deleted Chargebee customers keep their Odoo partner and history.",
    **dict.fromkeys(SUBSCRIPTION_EVENTS, translate_subscription),
    "invoice_generated": translate_invoice_generated,
    "invoice_updated": translate_invoice_updated,
    "credit_note_created": translate_credit_note,
    "credit_note_updated": translate_credit_note_updated,
    "payment_succeeded": translate_payment_succeeded,
    "payment_failed": translate_payment_failed,
    "payment_refunded": translate_payment_refunded,
}
HANDLED_TYPES = frozenset(EVENT_TYPES)
# Canonical type of each translated Chargebee type (README's table; tests).
CANONICAL_TYPES = {
    "customer_created": ("customer.upserted",),
    "customer_changed": ("customer.upserted",),
    **{key: (value[0],) for key, value in SUBSCRIPTION_EVENTS.items()},
    "invoice_generated": ("invoice.issued",),
    "invoice_updated": ("invoice.voided",),
    "credit_note_created": ("credit_note.issued",),
    "payment_succeeded": ("invoice.issued", "payment.succeeded"),
    "payment_failed": ("payment.failed",),
    "payment_refunded": ("credit_note.issued", "refund.issued"),
}


def translate(event, plan_key=None, coupon_of=None, family_of=None):
    """The canonical messages a Chargebee event stands for."""
    translation = Translation(event, plan_key, coupon_of, family_of)
    event_type = event.get("event_type")
    translator = EVENT_TYPES.get(event_type)
    if translator is None:
        return translation.ignored(f"Chargebee event type {event_type} is not handled.")
    if isinstance(translator, str):
        return translation.ignored(translator)
    return translator(translation)
