# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
import json
from pathlib import Path

import pytest

from odoo.addons.saas_stripe.lib.amounts import exponent, to_major
from odoo.addons.saas_stripe.lib.translate import (
    EVENT_TYPES,
    HANDLED_TYPES,
    NOT_MODELED,
    day,
    translate,
)

RESOURCES = json.loads(
    (
        Path(__file__).resolve().parents[2]
        / "saas_stripe"
        / "tests"
        / "fixtures"
        / "fixtures3.json"
    ).read_text()
)["resources"]


def event(event_type, obj, previous=None):
    data = {"object": copy.deepcopy(obj)}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": "evt_1",
        "type": event_type,
        "created": 1767225600,
        "livemode": False,
        "data": data,
    }


@pytest.mark.parametrize(
    "amount, currency, expected",
    [
        (2000, "usd", "20.00"),
        (1500, "jpy", "1500"),
        (1500, "JPY", "1500"),
        (12345, "kwd", "12.345"),
        ("1999.5", "eur", "19.995"),
        (0, "usd", "0.00"),
    ],
)
def test_minor_units_follow_the_currency_exponent(amount, currency, expected):
    # Stripe documentation, "Zero-decimal currencies": JPY 1500 is 1,500 yen.
    assert to_major(amount, currency) == expected


def test_exponents():
    assert (exponent("usd"), exponent("jpy"), exponent("bhd")) == (2, 0, 3)


def test_exclusive_period_end_is_the_day_before():
    assert day(1769904000) == "2026-02-01"
    assert day(1769904000, exclusive_end=True) == "2026-01-31"


def test_subscription_current_shape():
    sub = copy.deepcopy(RESOURCES["subscription"])
    sub["status"] = "trialing"
    (message,) = translate(event("customer.subscription.created", sub))
    assert message["type"] == "subscription.activated"
    assert message["data"]["status"] == "trialing"
    assert message["data"]["items"][0] == {
        "plan": "price_1PgafmB7WZ01zgkW6dKueIc5",
        "quantity": "1",
        "unit_amount": "20.00",
        "interval": "month",
        "interval_count": 1,
        "metered": False,
    }


@pytest.mark.parametrize(
    "previous, changes, expected",
    [
        ({"items": {}}, {}, "subscription.changed"),
        (
            {"cancel_at_period_end": False},
            {"cancel_at_period_end": True, "cancel_at": None},
            "subscription.cancelled",
        ),
        (
            {"cancel_at_period_end": True},
            {"cancel_at_period_end": False, "cancel_at": None},
            "subscription.reactivated",
        ),
        ({"current_period_start": 1}, {"current_period_start": 2}, "subscription.renewed"),
        (
            {"pause_collection": None},
            {"pause_collection": {"behavior": "void"}},
            "subscription.paused",
        ),
        ({"status": "active"}, {"status": "past_due"}, "subscription.changed"),
    ],
)
def test_previous_attributes_decide_the_type(previous, changes, expected):
    sub = copy.deepcopy(RESOURCES["subscription"])
    sub.update({"status": "active", **changes})
    (message,) = translate(event("customer.subscription.updated", sub, previous))
    assert message["type"] == expected


def test_legacy_invoice_payment_succeeded_books_invoice_then_payment():
    invoice = {
        "id": "in_1",
        "customer": "cus_1",
        "subscription": "sub_1",
        "charge": "ch_1",
        "currency": "eur",
        "status": "paid",
        "total": 9800,
        "amount_paid": 9800,
        "created": 1767225600,
        "lines": {
            "data": [
                {
                    "amount": 9800,
                    "quantity": 2,
                    "plan": {"id": "plan_1", "amount": 4900},
                    "period": {"start": 1767225600, "end": 1769904000},
                }
            ]
        },
    }
    issued, paid = translate(event("invoice.payment_succeeded", invoice))
    assert issued["type"] == "invoice.issued"
    assert issued["data"]["subscription_id"] == "sub_1"
    assert issued["data"]["lines"][0] == {
        "quantity": "2",
        "unit_amount": "49.00",
        "plan": "plan_1",
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
    }
    assert paid["type"] == "payment.succeeded"
    assert (paid["data"]["payment_id"], paid["data"]["amount"]) == ("ch_1", "98.00")
    assert issued["id"] != paid["id"]


def test_current_invoice_reads_the_parent_subscription():
    invoice = copy.deepcopy(RESOURCES["invoice"])
    invoice.update(status="open", customer="cus_1")
    invoice["parent"] = {"subscription_details": {"subscription": "sub_9"}}
    (issued,) = translate(event("invoice.finalized", invoice))
    assert issued["data"]["subscription_id"] == "sub_9"


def test_ignored_events_say_why():
    (ignored,) = translate(event("payout.paid", RESOURCES["payout"]))
    assert "payout reconciliation" in ignored["ignore_reason"]
    (unknown,) = translate(event("issuing.card.created", {"id": "ic_1"}))
    assert "not handled" in unknown["ignore_reason"]
    draft = copy.deepcopy(RESOURCES["invoice"])
    draft["status"] = "draft"
    (ignored,) = translate(event("invoice.finalized", draft))
    assert "Draft" in ignored["ignore_reason"]


def test_disputes_are_native_messages():
    dispute = copy.deepcopy(RESOURCES["dispute"])
    dispute.update(amount=1500, currency="usd", status="won")
    (opened,) = translate(event("charge.dispute.created", dispute))
    assert (opened["type"], opened["native"]) == ("stripe.dispute.opened", True)
    assert opened["data"]["amount"] == "15.00"
    (closed,) = translate(event("charge.dispute.closed", dispute))
    assert (closed["type"], closed["data"]["status"]) == ("stripe.dispute.closed", "won")


@pytest.mark.parametrize(
    "event_type, resource, changes, expected",
    [
        ("customer.subscription.paused", "subscription", {}, "subscription.paused"),
        ("customer.subscription.resumed", "subscription", {}, "subscription.resumed"),
        (
            "customer.subscription.deleted",
            "subscription",
            {"status": "canceled"},
            "subscription.cancelled",
        ),
        ("customer.updated", "customer", {"email": "x@example.com"}, "customer.upserted"),
        ("invoice.voided", "invoice", {}, "invoice.voided"),
        (
            "invoice.payment_failed",
            "invoice",
            {"customer": "cus_1", "currency": "usd"},
            "payment.failed",
        ),
        (
            "charge.failed",
            "charge",
            {"customer": "cus_1", "invoice": None, "failure_message": "card_declined"},
            "payment.failed",
        ),
        ("refund.updated", "refund", {"status": "succeeded"}, "refund.issued"),
    ],
)
def test_every_handled_type_translates(event_type, resource, changes, expected):
    obj = copy.deepcopy(RESOURCES[resource])
    obj.update(changes)
    messages = translate(event(event_type, obj))
    assert [m["type"] for m in messages] == [expected]


def test_charge_refunded_lists_each_refund():
    charge = copy.deepcopy(RESOURCES["charge"])
    charge.update(
        customer="cus_1",
        payment_intent="pi_1",
        refunds={
            "data": [
                {"id": "re_1", "amount": 500, "currency": "usd", "status": "succeeded"},
                {"id": "re_2", "amount": 100, "currency": "usd", "status": "pending"},
            ]
        },
    )
    (refund,) = translate(event("charge.refunded", charge))
    assert (
        refund["type"],
        refund["data"]["refund_id"],
        refund["data"]["payment_id"],
        refund["data"]["amount"],
    ) == ("refund.issued", "re_1", "pi_1", "5.00")


@pytest.mark.parametrize(
    "event_type",
    [
        "customer.deleted",
        "invoice.marked_uncollectible",
        "payout.failed",
    ],
)
def test_not_booked_types_say_why(event_type):
    resource = {
        "customer.deleted": "customer",
        "invoice.marked_uncollectible": "invoice",
        "payout.failed": "payout",
    }[event_type]
    (message,) = translate(event(event_type, RESOURCES[resource]))
    assert message["ignore_reason"]


def test_failed_charge_of_an_invoice_is_left_to_the_invoice_event():
    charge = copy.deepcopy(RESOURCES["charge"])
    charge.update(customer="cus_1", invoice="in_1")
    (message,) = translate(event("charge.failed", charge))
    assert "invoice.payment_failed" in message["ignore_reason"]


def test_current_paid_invoice_without_payment_books_the_invoice_only():
    # The current shape names no payment on the invoice: booking one under an
    # invented id would book the money a second time next to the charge's.
    invoice = copy.deepcopy(RESOURCES["invoice"])
    invoice.update(status="paid", customer="cus_1", currency="usd", total=1500, amount_paid=1500)
    assert [m["type"] for m in translate(event("invoice.paid", invoice))] == ["invoice.issued"]


def test_every_report_of_a_payment_names_the_intent_and_its_aliases():
    charge = copy.deepcopy(RESOURCES["charge"])
    charge.update(id="ch_1", customer="cus_1", payment_intent="pi_1", currency="usd")
    intent = copy.deepcopy(RESOURCES["payment_intent"])
    intent.update(id="pi_1", customer="cus_1", latest_charge="ch_1", amount_received=1099)
    invoice_payment = copy.deepcopy(RESOURCES["invoice_payment"])
    invoice_payment.update(
        id="inpay_1",
        invoice="in_1",
        amount_paid=1099,
        currency="usd",
        payment={"type": "payment_intent", "payment_intent": "pi_1"},
    )
    legacy_invoice = {
        "id": "in_1",
        "customer": "cus_1",
        "charge": "ch_1",
        "payment_intent": "pi_1",
        "currency": "usd",
        "total": 1099,
        "amount_paid": 1099,
        "lines": {"data": []},
    }
    reports = [
        translate(event("charge.succeeded", charge))[0],
        translate(event("payment_intent.succeeded", intent))[0],
        translate(event("invoice_payment.paid", invoice_payment))[0],
        translate(event("invoice.payment_succeeded", legacy_invoice))[1],
    ]
    assert [(m["type"], m["data"]["payment_id"]) for m in reports] == [
        ("payment.succeeded", "pi_1")
    ] * 4
    assert [m["data"].get("alias_ids") for m in reports] == [
        ["ch_1"],
        ["ch_1"],
        ["inpay_1"],
        ["ch_1"],
    ]
    assert reports[1]["data"]["amount"] == "10.99"


def test_every_handled_type_has_a_translator_or_a_reason():
    # One table: each stored type is translated by a function or ignored with
    # a reason, never both, never neither; the webhook's list is its keys.
    assert HANDLED_TYPES == frozenset(EVENT_TYPES)
    for event_type in HANDLED_TYPES:
        translator = EVENT_TYPES[event_type]
        if event_type in NOT_MODELED:
            assert isinstance(translator, str) and translator.strip(), event_type
            assert translate(event(event_type, {"id": "obj_1"})) == [
                {"id": "evt_1", "type": event_type, "ignore_reason": NOT_MODELED[event_type]}
            ]
        else:
            assert callable(translator), event_type
    assert set(NOT_MODELED) == {
        "customer.deleted",
        "invoice.marked_uncollectible",
        "payout.paid",
        "payout.failed",
    }
    assert len(HANDLED_TYPES) == 28
    unknown = translate(event("customer.source.created", {"id": "src_1"}))
    assert (
        unknown[0]["ignore_reason"] == "Stripe event type customer.source.created is not handled."
    )


# Discounts (Stripe's API reference: a coupon's ``amount_off`` is "the amount
# to subtract from an invoice total"; an invoice line's ``discount_amounts``
# is "the amount of discount calculated per discount for this line item",
# invoice-level discounts included).
def _coupon(**values):
    return {"object": "coupon", "id": "co_1", "duration": "forever", **values}


def test_amount_off_coupons_reach_the_subscription_and_its_items():
    sub = copy.deepcopy(RESOURCES["subscription"])
    sub["status"] = "active"
    sub["discount"] = {"object": "discount", "coupon": _coupon(amount_off=500, currency="usd")}
    sub["items"]["data"][0]["discounts"] = [
        {"object": "discount", "source": {"type": "coupon", "coupon": _coupon(amount_off=150)}},
        "di_not_expanded",
    ]
    (message,) = translate(event("customer.subscription.created", sub))
    assert message["data"]["discount_amount"] == "5.00"
    assert message["data"]["items"][0]["discount_amount"] == "1.50"


@pytest.mark.parametrize(
    "coupon",
    [
        _coupon(amount_off=500, currency="eur"),  # another currency: Stripe refuses it
        _coupon(amount_off=500, currency="usd", duration="once"),  # one invoice, not MRR
        _coupon(percent_off=10),
    ],
)
def test_amount_off_coupons_that_do_not_recur_are_left_out(coupon):
    sub = copy.deepcopy(RESOURCES["subscription"])
    sub["status"] = "active"
    sub["discount"] = {"object": "discount", "coupon": coupon}
    (message,) = translate(event("customer.subscription.created", sub))
    assert "discount_amount" not in message["data"]


def test_invoice_line_discounts_are_amounts_off_the_line():
    invoice = copy.deepcopy(RESOURCES["invoice"])
    line = invoice["lines"]["data"][0]
    line.update(amount=1000, discount_amounts=[{"amount": 250, "discount": "di_1"}])
    second = copy.deepcopy(line)
    second.update(
        id="il_2",
        amount=400,
        discount_amounts=[],
        pretax_credit_amounts=[
            {"amount": 100, "type": "discount", "discount": "di_1"},
            {"amount": 50, "type": "credit_balance_transaction"},
        ],
    )
    third = copy.deepcopy(line)
    third.update(id="il_3", amount=300, discount_amounts=[])
    invoice["lines"]["data"] = [line, second, third]
    invoice.update(status="open", total=1350, subtotal=1700)
    (message,) = translate(event("invoice.finalized", invoice))
    lines = message["data"]["lines"]
    assert [entry.get("discount_amount") for entry in lines] == ["2.50", "1.00", None]
    assert [entry["unit_amount"] for entry in lines] == ["10.00", "4.00", "3.00"]


def test_credit_note_line_discounts_are_amounts_off_the_line():
    note = copy.deepcopy(RESOURCES["credit_note"])
    line = note["lines"]["data"][0]
    line.update(amount=1190, discount_amount=190, discount_amounts=[{"amount": 190}])
    (message,) = translate(event("credit_note.created", note))
    assert message["data"]["lines"][0]["discount_amount"] == "1.90"
    assert message["data"]["lines"][0]["unit_amount"] == "11.90"


def test_a_voided_credit_note_is_voided_like_an_invoice():
    note = copy.deepcopy(RESOURCES["credit_note"])
    (message,) = translate(event("credit_note.voided", note))
    assert (message["type"], message["data"]) == ("invoice.voided", {"invoice_id": note["id"]})
