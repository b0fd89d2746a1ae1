# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stripe events -> canonical events (schema version 1).

Both shapes of Stripe objects are read:

- the current one (``invoice.parent.subscription_details.subscription``,
  billing periods on subscription items and invoice lines, ``invoice_payment``
  objects, prices);
- the legacy one (``invoice.subscription``, ``subscription.current_period_*``,
  ``invoice.charge``, plans), which localstripe emits.

A payment is keyed by what moved the money: its payment intent, else its
charge. ``charge.succeeded``, ``payment_intent.succeeded``,
``invoice_payment.paid`` and the paid invoice events all report the same
payment: each names the ids it knows (``payment_id`` and ``alias_ids``), so
whichever arrives first books it and the others resolve to that one record.
An invoice event that names neither (the current shape) books the invoice
only: its payment comes with the charge, payment intent or invoice payment.

:func:`translate` returns a list of canonical messages; an empty list means
the event changes nothing the suite keeps (the caller records why through
``ignore_reason``). ``EVENT_TYPES`` is the one table of the Stripe event
types stored for processing: each maps to the function that translates it,
or to the reason it is stored and ignored; ``HANDLED_TYPES`` and
``NOT_MODELED`` are derived from it. ``plan_key`` chooses, among a price's
id, lookup key and product, the key to map to a product.
"""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from .amounts import to_major


class Translation:
    """One Stripe event being translated."""

    def __init__(self, event, plan_key=None):
        self.event = event
        self.obj = event["data"]["object"]
        self.previous = event["data"].get("previous_attributes") or {}
        self.plan_key = plan_key or (lambda price: price.get("id"))

    # ------------------------------------------------------------- helpers
    def message(self, event_type, data, suffix=""):
        return {
            "id": self.event["id"] + suffix,
            "type": event_type,
            "occurred_at": timestamp(self.event["created"]),
            "schema_version": 1,
            "livemode": bool(self.event.get("livemode")),
            "data": data,
        }

    def ignored(self, reason):
        return [{"id": self.event["id"], "type": self.event["type"], "ignore_reason": reason}]


def timestamp(seconds):
    moment = datetime.fromtimestamp(int(seconds), tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def day(seconds, exclusive_end=False):
    """A Stripe timestamp as a date; an exclusive period end ends the day before."""
    if not seconds:
        return None
    moment = datetime.fromtimestamp(int(seconds), tz=timezone.utc)
    if exclusive_end:
        moment -= timedelta(seconds=1)
    return moment.date().isoformat()


def _id(value):
    """An expandable field: either an id or the expanded object."""
    if isinstance(value, dict):
        return value.get("id")
    return value


# ------------------------------------------------------------------ customers
def customer_data(customer):
    address = customer.get("address") or {}
    data = {
        "customer_id": customer["id"],
        "name": customer.get("name") or customer.get("description") or customer.get("email"),
        "email": customer.get("email"),
        "phone": customer.get("phone"),
        "address": {
            "line1": address.get("line1"),
            "line2": address.get("line2"),
            "city": address.get("city"),
            "postal_code": address.get("postal_code"),
            "country": address.get("country"),
        },
    }
    data["address"] = {key: value for key, value in data["address"].items() if value}
    tax_ids = (customer.get("tax_ids") or {}).get("data") or []
    if tax_ids:
        data["vat"] = tax_ids[0].get("value")
    return {key: value for key, value in data.items() if value}


def translate_customer(translation):
    return [translation.message("customer.upserted", customer_data(translation.obj))]


# -------------------------------------------------------------- subscriptions
SUBSCRIPTION_STATUS = {
    "trialing": "trialing",
    "active": "active",
    "past_due": "past_due",
    "unpaid": "unpaid",
    "canceled": "canceled",
    "incomplete": "trialing",  # no payment yet: earns no MRR until it activates
    "incomplete_expired": "canceled",
    "paused": "paused",
}


def _price_of(item):
    return item.get("price") or item.get("plan") or {}


def _interval(price):
    recurring = price.get("recurring") or {}
    interval = recurring.get("interval") or price.get("interval") or "month"
    count = recurring.get("interval_count") or price.get("interval_count") or 1
    usage = recurring.get("usage_type") or price.get("usage_type")
    return interval, int(count), usage == "metered"


def _unit_amount(price):
    if price.get("unit_amount_decimal") is not None:
        return price["unit_amount_decimal"]
    if price.get("unit_amount") is not None:
        return price["unit_amount"]
    return price.get("amount_decimal") or price.get("amount") or 0


def _coupons(obj):
    """The coupons of the discounts an object carries as objects (legacy
    ``discount``, or expanded ``discounts``); discount ids are not coupons."""
    discounts = list(obj.get("discounts") or [])
    if obj.get("discount"):
        discounts.append(obj["discount"])
    for discount in discounts:
        if isinstance(discount, dict):
            coupon = discount.get("coupon") or (discount.get("source") or {}).get("coupon")
            if isinstance(coupon, dict):
                yield coupon


def _discount_percent(obj):
    for coupon in _coupons(obj):
        if coupon.get("percent_off"):
            return str(coupon["percent_off"])
    return None


def _discount_amount(obj, currency):
    """The amount-off coupons of ``obj`` in ``currency`` (major units), per
    billing period; coupons in another currency do not apply to it (Stripe
    refuses them), nor do coupons that only apply once (they change one
    invoice, not the recurring revenue)."""
    total = 0
    for coupon in _coupons(obj):
        if not coupon.get("amount_off") or coupon.get("duration") == "once":
            continue
        if (coupon.get("currency") or currency or "").lower() == (currency or "").lower():
            total += coupon["amount_off"]
    return to_major(total, currency) if total else None


def _line_discount(line, currency):
    """What Stripe took off a line (its ``discount_amounts``, which hold the
    line's share of invoice-level discounts too; in the newest API versions,
    the ``discount`` entries of ``pretax_credit_amounts``), major units."""
    amounts = [entry.get("amount") or 0 for entry in line.get("discount_amounts") or []]
    if not amounts:
        amounts = [
            entry.get("amount") or 0
            for entry in line.get("pretax_credit_amounts") or []
            if entry.get("type") == "discount"
        ]
    if not amounts and line.get("discount_amount"):
        amounts = [line["discount_amount"]]  # credit note lines of older API versions
    total = sum(amounts)
    return to_major(total, currency) if total else None


def subscription_items(translation, subscription):
    currency = subscription.get("currency") or ""
    items = (subscription.get("items") or {}).get("data") or []
    result = []
    for item in items:
        price = _price_of(item)
        currency = price.get("currency") or currency
        interval, count, metered = _interval(price)
        line = {
            "plan": translation.plan_key(price),
            "quantity": str(item.get("quantity") if item.get("quantity") is not None else 1),
            "unit_amount": to_major(_unit_amount(price), currency),
            "interval": interval,
            "interval_count": count,
            "metered": metered,
        }
        discount = _discount_percent(item)
        if discount:
            line["discount_percent"] = discount
        amount_off = _discount_amount(item, currency)
        if amount_off:
            line["discount_amount"] = amount_off
        result.append(line)
    return result


def _period(subscription):
    items = (subscription.get("items") or {}).get("data") or []
    start = subscription.get("current_period_start") or (
        items[0].get("current_period_start") if items else None
    )
    end = subscription.get("current_period_end") or (
        items[0].get("current_period_end") if items else None
    )
    return start, end


def subscription_data(translation, subscription, with_items=True):
    start, end = _period(subscription)
    data = {
        "subscription_id": subscription["id"],
        "customer_id": _id(subscription.get("customer")),
        "currency": (subscription.get("currency") or _items_currency(subscription) or "").upper(),
        "status": SUBSCRIPTION_STATUS.get(subscription.get("status"), "active"),
        "start_date": day(subscription.get("start_date") or subscription.get("created")),
        "period_start": day(start),
        "period_end": day(end, exclusive_end=True),
    }
    if with_items:
        data["items"] = subscription_items(translation, subscription)
        discount = _discount_percent(subscription)
        if discount:
            data["discount_percent"] = discount
        amount_off = _discount_amount(subscription, data["currency"])
        if amount_off:
            data["discount_amount"] = amount_off
    return {key: value for key, value in data.items() if value not in (None, "")}


def _items_currency(subscription):
    for item in (subscription.get("items") or {}).get("data") or []:
        currency = _price_of(item).get("currency")
        if currency:
            return currency
    return None


def translate_subscription(translation):
    event_type = translation.event["type"]
    sub = translation.obj
    if event_type == "customer.subscription.created":
        return [translation.message("subscription.activated", subscription_data(translation, sub))]
    if event_type == "customer.subscription.deleted":
        data = subscription_data(translation, sub, with_items=False)
        data["ended_at"] = day(
            sub.get("ended_at") or sub.get("canceled_at") or translation.event["created"]
        )
        return [translation.message("subscription.cancelled", data)]
    if event_type == "customer.subscription.paused":
        return [
            translation.message(
                "subscription.paused", subscription_data(translation, sub, with_items=False)
            )
        ]
    if event_type == "customer.subscription.resumed":
        return [
            translation.message(
                "subscription.resumed", subscription_data(translation, sub, with_items=False)
            )
        ]
    return _translate_update(translation, sub)


def _translate_update(translation, sub):
    """customer.subscription.updated: previous_attributes tells what moved."""
    previous = translation.previous
    if "cancel_at_period_end" in previous or "cancel_at" in previous:
        if sub.get("cancel_at_period_end") or sub.get("cancel_at"):
            data = subscription_data(translation, sub, with_items=False)
            data["cancel_at_period_end"] = True
            if sub.get("cancel_at"):
                data["cancel_at"] = day(sub["cancel_at"], exclusive_end=True)
            return [translation.message("subscription.cancelled", data)]
        return [
            translation.message("subscription.reactivated", subscription_data(translation, sub))
        ]
    if "pause_collection" in previous:
        event_type = (
            "subscription.paused" if sub.get("pause_collection") else "subscription.resumed"
        )
        return [
            translation.message(event_type, subscription_data(translation, sub, with_items=False))
        ]
    if sub.get("status") in ("canceled", "incomplete_expired"):
        data = subscription_data(translation, sub, with_items=False)
        data["ended_at"] = day(sub.get("ended_at") or translation.event["created"])
        return [translation.message("subscription.cancelled", data)]
    period_moved = "current_period_start" in previous or any(
        "current_period_start" in item
        for item in ((previous.get("items") or {}).get("data") or [])
        if isinstance(item, dict)
    )
    if period_moved and not (
        {"items", "plan", "quantity", "discount", "discounts"} & set(previous)
    ):
        return [translation.message("subscription.renewed", subscription_data(translation, sub))]
    # Upgrade, downgrade, quantity, coupon or status: the full new state.
    return [translation.message("subscription.changed", subscription_data(translation, sub))]


# ------------------------------------------------------------------- invoices
def _invoice_subscription(invoice):
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return _id(details.get("subscription")) or _id(invoice.get("subscription"))


def _line_plan(translation, line):
    pricing = (line.get("pricing") or {}).get("price_details") or {}
    if pricing.get("price"):
        return translation.plan_key(
            {"id": _id(pricing["price"]), "product": pricing.get("product")}
        )
    price = line.get("price") or line.get("plan")
    if isinstance(price, dict):
        return translation.plan_key(price)
    return _id(price)


def invoice_lines(translation, invoice):
    currency = invoice.get("currency")
    lines = []
    for line in (invoice.get("lines") or {}).get("data") or []:
        quantity = line.get("quantity") or 1
        amount = line.get("amount", 0)  # minor units, before discounts and tax
        tax_codes = [_id(rate) for rate in (line.get("tax_rates") or [])]
        for tax in line.get("taxes") or []:
            rate = (tax.get("tax_rate_details") or {}).get("tax_rate")
            if rate:
                tax_codes.append(_id(rate))
        period = line.get("period") or {}
        quantity, unit_amount = _exact_quantity(line, quantity, amount, currency)
        canonical = {
            "description": line.get("description") or "",
            "quantity": quantity,
            "unit_amount": unit_amount,
            "period_start": day(period.get("start")),
            "period_end": day(period.get("end"), exclusive_end=True),
            "discount_amount": _line_discount(line, currency),
        }
        plan = _line_plan(translation, line)
        if plan:
            canonical["plan"] = plan
        if tax_codes:
            canonical["tax_codes"] = tax_codes
        lines.append({key: value for key, value in canonical.items() if value not in (None, "")})
    return lines


def _exact_quantity(line, quantity, amount, currency):
    """Quantity and unit price whose product is exactly the line amount.

    The line amount is what Stripe charged; when the unit price times the
    quantity does not give it back (tiers, prorations), the line is one unit
    of its amount.
    """
    price = _price_of(line)
    unit = (line.get("pricing") or {}).get("unit_amount_decimal") or (
        _unit_amount(price) if isinstance(price, dict) and price else None
    )
    if unit is not None and Decimal(str(unit)) * Decimal(quantity) == Decimal(amount):
        return str(quantity), to_major(unit, currency)
    return "1", to_major(amount, currency)


def invoice_issued(translation, invoice, suffix=""):
    data = {
        "invoice_id": invoice["id"],
        "customer_id": _id(invoice.get("customer")),
        "currency": (invoice.get("currency") or "").upper(),
        "number": invoice.get("number") or invoice["id"],
        "total": to_major(
            invoice.get("total", invoice.get("amount_due", 0)), invoice.get("currency")
        ),
        "date": day(invoice.get("effective_at") or invoice.get("created")),
        "due_date": day(invoice.get("due_date")),
        "lines": invoice_lines(translation, invoice),
        "subscription_id": _invoice_subscription(invoice),
    }
    return translation.message(
        "invoice.issued", {k: v for k, v in data.items() if v not in (None, "")}, suffix
    )


def _payment_ids(intent, charge, *others):
    """(payment_id, alias_ids): the payment intent, else the charge, keys the
    payment; the other ids of the same payment are its aliases."""
    ids = [i for i in (_id(intent), _id(charge), *others) if i]
    ids = list(dict.fromkeys(ids))
    return (ids[0], ids[1:]) if ids else (None, [])


def _invoice_payment_ids(invoice):
    payments = (invoice.get("payments") or {}).get("data") or []
    for payment in payments:
        reference = payment.get("payment") or {}
        found = _payment_ids(reference.get("payment_intent"), reference.get("charge"))
        if found[0]:
            return found
    return _payment_ids(invoice.get("payment_intent"), invoice.get("charge"))


def payment_for_invoice(translation, invoice, suffix=":payment"):
    """The payment of a paid invoice, or None when the invoice names no
    payment intent or charge (then another event books the payment)."""
    payment_id, alias_ids = _invoice_payment_ids(invoice)
    if not payment_id:
        return None
    data = {
        "payment_id": payment_id,
        "customer_id": _id(invoice.get("customer")),
        "currency": (invoice.get("currency") or "").upper(),
        "amount": to_major(
            invoice.get("amount_paid") or invoice.get("total") or 0, invoice.get("currency")
        ),
        "invoice_ids": [invoice["id"]],
        "date": day(
            (invoice.get("status_transitions") or {}).get("paid_at") or translation.event["created"]
        ),
    }
    if alias_ids:
        data["alias_ids"] = alias_ids
    return translation.message("payment.succeeded", data, suffix)


def translate_invoice(translation):
    event_type = translation.event["type"]
    invoice = translation.obj
    if event_type in ("invoice.created", "invoice.finalized"):
        if invoice.get("status") == "draft":
            return translation.ignored("Draft invoices are booked when finalized.")
        return [invoice_issued(translation, invoice)]
    if event_type in ("invoice.paid", "invoice.payment_succeeded"):
        if not invoice.get("amount_paid") and not invoice.get("total"):
            return [invoice_issued(translation, invoice)]
        # The invoice first, in case its own event is late: already booked -> ignored.
        payment = payment_for_invoice(translation, invoice)
        return [invoice_issued(translation, invoice, ":invoice")] + ([payment] if payment else [])
    if event_type == "invoice.payment_failed":
        data = {
            "payment_id": (_invoice_payment_ids(invoice)[0] or invoice["id"])
            + f":failed:{translation.event['id']}",
            "customer_id": _id(invoice.get("customer")),
            "currency": (invoice.get("currency") or "").upper(),
            "amount": to_major(invoice.get("amount_due") or 0, invoice.get("currency")),
            "invoice_id": invoice["id"],
            "subscription_id": _invoice_subscription(invoice),
            "failure_message": (
                (invoice.get("last_finalization_error") or {}).get("message")
                or "invoice payment failed"
            ),
        }
        return [
            translation.message("payment.failed", {k: v for k, v in data.items() if v is not None})
        ]
    # invoice.voided
    return [translation.message("invoice.voided", {"invoice_id": invoice["id"]})]


# ------------------------------------------------------------ payments, refunds
def translate_invoice_payment(translation):
    payment = translation.obj
    reference = payment.get("payment") or {}
    payment_id, alias_ids = _payment_ids(
        reference.get("payment_intent"), reference.get("charge"), payment["id"]
    )
    currency = payment.get("currency")
    data = {
        "payment_id": payment_id,
        "alias_ids": alias_ids,
        "customer_id": payment.get("customer"),
        "currency": (currency or "").upper(),
        "amount": to_major(payment.get("amount_paid") or 0, currency),
        "invoice_ids": [_id(payment.get("invoice"))],
    }
    return [translation.message("payment.succeeded", data)]


def translate_charge(translation):
    charge = translation.obj
    event_type = translation.event["type"]
    currency = charge.get("currency")
    payment_id = _id(charge.get("payment_intent")) or charge["id"]
    invoice_id = _id(charge.get("invoice"))
    if event_type == "charge.refunded":
        refunds = (charge.get("refunds") or {}).get("data") or []
        return [
            _refund_message(translation, refund, payment_id, f":{refund['id']}")
            for refund in refunds
            if refund.get("status") in (None, "succeeded")
        ] or translation.ignored("The charge lists no succeeded refund.")
    if not charge.get("customer"):
        return translation.ignored("A charge without a customer is not a subscription payment.")
    if event_type == "charge.failed":
        if invoice_id:
            return translation.ignored(
                "invoice.payment_failed books the failed payment of an invoice."
            )
        if "invoice" not in charge and _id(charge.get("payment_intent")):
            # The current shape names no invoice on a charge (nor on its
            # PaymentIntent): it cannot be told apart from the attempt that
            # invoice.payment_failed reports, so it is not counted twice.
            return translation.ignored(
                "A failed PaymentIntent charge of Stripe's current API shape: "
                "invoice.payment_failed books the failed payments of invoices."
            )
        data = {
            "payment_id": f"{charge['id']}:failed",
            "customer_id": _id(charge["customer"]),
            "currency": (currency or "").upper(),
            "amount": to_major(charge.get("amount") or 0, currency),
            "failure_message": charge.get("failure_message")
            or charge.get("failure_code")
            or "charge failed",
        }
        return [translation.message("payment.failed", data)]
    return _payment_succeeded(
        translation,
        charge,
        _payment_ids(charge.get("payment_intent"), charge["id"]),
        charge.get("amount_captured") or charge.get("amount") or 0,
        invoice_id,
    )


def translate_payment_intent(translation):
    """payment_intent.succeeded: the same payment as its charge's event."""
    intent = translation.obj
    if not intent.get("customer"):
        return translation.ignored(
            "A payment intent without a customer is not a subscription payment."
        )
    charges = (intent.get("charges") or {}).get("data") or []  # legacy shape
    charge = intent.get("latest_charge") or (charges[0] if charges else None)
    return _payment_succeeded(
        translation,
        intent,
        _payment_ids(intent["id"], charge),
        intent.get("amount_received") or intent.get("amount") or 0,
        _id(intent.get("invoice")),  # legacy shape only
    )


def _payment_succeeded(translation, obj, ids, amount, invoice_id):
    """The payment.succeeded of a charge or payment intent ``obj``: ``ids``
    is its (payment_id, alias_ids), ``amount`` in minor units."""
    payment_id, alias_ids = ids
    currency = obj.get("currency")
    data = {
        "payment_id": payment_id,
        "customer_id": _id(obj["customer"]),
        "currency": (currency or "").upper(),
        "amount": to_major(amount, currency),
        "invoice_ids": [invoice_id] if invoice_id else [],
        "date": day(obj.get("created")),
    }
    if alias_ids:
        data["alias_ids"] = alias_ids
    return [translation.message("payment.succeeded", data)]


def _refund_message(translation, refund, payment_id=None, suffix=""):
    currency = refund.get("currency")
    data = {
        "refund_id": refund["id"],
        "payment_id": payment_id or _id(refund.get("payment_intent")) or _id(refund.get("charge")),
        "currency": (currency or "").upper(),
        "amount": to_major(refund.get("amount") or 0, currency),
        "date": day(refund.get("created")),
    }
    return translation.message("refund.issued", data, suffix)


def translate_refund(translation):
    refund = translation.obj
    if refund.get("status") not in (None, "succeeded"):
        return translation.ignored(f"Refund status {refund.get('status')}: nothing moved yet.")
    return [_refund_message(translation, refund)]


def translate_credit_note(translation):
    note = translation.obj
    currency = note.get("currency")
    lines = []
    for line in (note.get("lines") or {}).get("data") or []:
        canonical = {
            "description": line.get("description") or "",
            "quantity": str(line.get("quantity") or 1),
            "unit_amount": to_major(line.get("amount") or 0, currency)
            if (line.get("quantity") or 1) == 1
            else to_major(
                line.get("unit_amount_decimal") or line.get("unit_amount") or 0, currency
            ),
        }
        codes = [_id(rate) for rate in line.get("tax_rates") or []]
        if codes:
            canonical["tax_codes"] = codes
        discount = _line_discount(line, currency)
        if discount:
            canonical["discount_amount"] = discount
        lines.append(canonical)
    data = {
        "credit_note_id": note["id"],
        "invoice_id": _id(note.get("invoice")),
        "customer_id": _id(note.get("customer")),
        "currency": (currency or "").upper(),
        "total": to_major(note.get("total", note.get("amount", 0)), currency),
        "number": note.get("number") or note["id"],
        "date": day(note.get("effective_at") or note.get("created")),
    }
    if lines:
        data["lines"] = lines
    return [translation.message("credit_note.issued", data)]


def translate_credit_note_voided(translation):
    """A voided credit note is reversed like a voided invoice (the canonical
    ``invoice.voided`` names either); its invoice is due again."""
    note = translation.obj
    return [translation.message("invoice.voided", {"invoice_id": note["id"]})]


# ------------------------------------------------------------------- disputes
def _dispute_transactions(dispute):
    """The dispute's balance transactions (the funds withdrawn, then any
    reinstated), each with the fee Stripe took (negative when it returns it)."""
    return [
        {
            "id": txn["id"],
            "amount": to_major(txn.get("amount") or 0, txn.get("currency")),
            "fee": to_major(txn.get("fee") or 0, txn.get("currency")),
        }
        for txn in dispute.get("balance_transactions") or []
        if isinstance(txn, dict) and txn.get("id")
    ]


def translate_dispute(translation):
    """Disputes have no canonical type: a native message for saas_stripe's own
    handler (funds withdrawn, then won back or lost)."""
    dispute = translation.obj
    charge = dispute.get("charge")
    data = {
        "dispute_id": dispute["id"],
        "payment_ids": [p for p in (_id(dispute.get("payment_intent")), _id(charge)) if p],
        "currency": (dispute.get("currency") or "").upper(),
        "amount": to_major(dispute.get("amount") or 0, dispute.get("currency")),
        "reason": dispute.get("reason") or "",
        "status": dispute.get("status") or "",
        "balance_transactions": _dispute_transactions(dispute),
    }
    kind = (
        "stripe.dispute.opened"
        if translation.event["type"] == "charge.dispute.created"
        else "stripe.dispute.closed"
    )
    message = translation.message(kind, data)
    message["native"] = True
    return [message]


# ------------------------------------------------------------------------ table
_PAYOUTS_REASON = "Payouts are reconciled by the daily payout reconciliation, not per event."

# Every Stripe event type stored for processing -> the function translating
# it, or (a string) the reason it is stored and ignored: not modelled.
EVENT_TYPES = {
    "customer.created": translate_customer,
    "customer.updated": translate_customer,
    "customer.deleted": "Deleted Stripe customers keep their Odoo partner and history.",
    "customer.subscription.created": translate_subscription,
    "customer.subscription.updated": translate_subscription,
    "customer.subscription.deleted": translate_subscription,
    "customer.subscription.paused": translate_subscription,
    "customer.subscription.resumed": translate_subscription,
    "invoice.created": translate_invoice,
    "invoice.finalized": translate_invoice,
    "invoice.paid": translate_invoice,
    "invoice.payment_succeeded": translate_invoice,
    "invoice.payment_failed": translate_invoice,
    "invoice.voided": translate_invoice,
    "invoice.marked_uncollectible": "Uncollectible invoices stay open for collections.",
    "invoice_payment.paid": translate_invoice_payment,
    "payment_intent.succeeded": translate_payment_intent,
    "charge.succeeded": translate_charge,
    "charge.failed": translate_charge,
    "charge.refunded": translate_charge,
    "refund.created": translate_refund,
    "refund.updated": translate_refund,
    "credit_note.created": translate_credit_note,
    "credit_note.voided": translate_credit_note_voided,
    "charge.dispute.created": translate_dispute,
    "charge.dispute.closed": translate_dispute,
    "payout.paid": _PAYOUTS_REASON,
    "payout.failed": _PAYOUTS_REASON,
}
HANDLED_TYPES = frozenset(EVENT_TYPES)
NOT_MODELED = {key: value for key, value in EVENT_TYPES.items() if isinstance(value, str)}


# ------------------------------------------------------------------------ entry
def translate(event, plan_key=None):
    """The canonical messages a Stripe event stands for."""
    translation = Translation(event, plan_key)
    event_type = event["type"]
    translator = EVENT_TYPES.get(event_type)
    if translator is None:
        return translation.ignored(f"Stripe event type {event_type} is not handled.")
    if isinstance(translator, str):
        return translation.ignored(translator)
    return translator(translation)
