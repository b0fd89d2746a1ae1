# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chargebee events -> canonical events, without a database."""

from decimal import Decimal

import pytest

from odoo.addons.saas_chargebee.lib.amounts import exponent, to_major
from odoo.addons.saas_chargebee.lib.discounts import coupon_applies_to
from odoo.addons.saas_chargebee.lib.inbox import chargebee_header, is_test_site
from odoo.addons.saas_chargebee.lib.translate import (
    CANONICAL_TYPES,
    EVENT_TYPES,
    HANDLED_TYPES,
    item_id_of,
    translate,
)
from odoo.addons.saas_chargebee.tests.samples import (
    DAY,
    FEB_1,
    JAN_1,
    MAR_1,
    chargebee_event,
    resource,
)
from odoo.addons.saas_sync.lib.schema import validate_event


def only(messages):
    assert len(messages) == 1, messages
    validate_event(messages[0])
    return messages[0]


def content_for(event_type):
    """The content Chargebee sends with each listed event type."""
    customer = resource("customer")
    sub = resource("subscription")
    invoice = resource("invoice")
    txn = resource("transaction")
    if event_type.startswith("customer_"):
        return {"customer": customer}
    if event_type.startswith("subscription_"):
        return {"subscription": sub, "customer": customer}
    if event_type == "invoice_generated":
        return {"invoice": invoice}
    if event_type == "invoice_updated":
        return {"invoice": dict(invoice, status="voided")}
    if event_type == "credit_note_created":
        return {"credit_note": resource("credit_note")}
    if event_type == "payment_succeeded":
        return {"transaction": txn, "invoice": dict(invoice, status="paid"), "customer": customer}
    if event_type == "payment_failed":
        return {
            "transaction": dict(txn, status="failure", error_text="Card declined"),
            "invoice": invoice,
        }
    if event_type == "payment_refunded":
        refund = dict(
            txn,
            id="txn_refund_1",
            type="refund",
            amount=2500,
            refunded_txn_id="txn_acme_pay_1",
            linked_invoices=[],
        )
        return {"transaction": refund, "credit_note": resource("credit_note")}
    raise AssertionError(event_type)


@pytest.mark.parametrize("event_type", sorted(CANONICAL_TYPES))
def test_every_listed_type_translates_to_its_canonical_types(event_type):
    messages = translate(chargebee_event(event_type, **content_for(event_type)))
    assert tuple(m["type"] for m in messages) == CANONICAL_TYPES[event_type]
    for message in messages:
        validate_event(message)


def test_the_issue_list_is_translated():
    listed = (
        "customer_created customer_changed subscription_created subscription_started "
        "subscription_activated subscription_changed subscription_renewed subscription_paused "
        "subscription_resumed subscription_cancelled subscription_reactivated invoice_generated "
        "invoice_updated credit_note_created payment_succeeded payment_failed payment_refunded"
    ).split()
    scheduled = [
        "subscription_cancellation_scheduled",
        "subscription_scheduled_cancellation_removed",
    ]
    assert set(listed + scheduled) == set(CANONICAL_TYPES)
    assert all(callable(EVENT_TYPES[name]) for name in listed + scheduled)


def coupon(coupon_id, **values):
    """A coupon in the shape of Chargebee's API v2 coupon resource."""
    return {
        "id": coupon_id,
        "name": coupon_id,
        "discount_type": "percentage",
        "duration_type": "forever",
        "status": "active",
        "apply_on": "invoice_amount",
        "object": "coupon",
        **values,
    }


def test_subscription_coupons_are_discounts():
    sub = resource("subscription", billing_period=1)
    sub["subscription_items"].append(
        {
            "item_price_id": "seats-USD-Monthly",
            "item_type": "addon",
            "quantity": 5,
            "unit_price": 200,
        }
    )
    sub["coupons"] = [
        {"coupon_id": name, "applied_count": 1, "object": "coupon"}
        for name in ("ten", "twenty", "five_off", "once", "eur_off", "seats_half", "gone", "lost")
    ]
    sub["coupons"][6]["apply_till"] = JAN_1 - DAY  # expired before the event
    coupons = [
        coupon("ten", discount_percentage=10.0),
        coupon("twenty", discount_percentage=20, duration_type="limited_period"),
        coupon("five_off", discount_type="fixed_amount", discount_amount=500, currency_code="USD"),
        coupon(
            "once",
            discount_type="fixed_amount",
            discount_amount=900,
            currency_code="USD",
            duration_type="one_time",
        ),
        coupon("eur_off", discount_type="fixed_amount", discount_amount=700, currency_code="EUR"),
        coupon(
            "seats_half",
            discount_percentage=50,
            apply_on="each_specified_item",
            item_constraints=[
                {
                    "item_type": "addon",
                    "constraint": "specific",
                    "item_price_ids": ["seats-USD-Monthly"],
                },
                {"item_type": "plan", "constraint": "none"},
            ],
        ),
        coupon("gone", discount_type="fixed_amount", discount_amount=100, currency_code="USD"),
    ]
    event = chargebee_event(
        "subscription_changed", JAN_1, subscription=sub, coupon=coupons[0], coupons=coupons[1:]
    )
    message = only(translate(event))
    data = message["data"]
    # Chargebee's order: 50% off the seats (10.00 -> 5.00), then 5.00 off the
    # invoice (shared 50:5), then 10% and 20% in turn: 55.00 -> 50.00 -> 36.00,
    # so 24.00 off in all (17.27 on the plan, 6.73 on the seats).
    assert "discount_percent" not in data and "discount_amount" not in data
    assert [item["discount_amount"] for item in data["items"]] == ["17.27", "6.73"]
    assert message["notes"] == [
        "Chargebee coupon lost of subscription cb_sub_acme could not be read (the event does "
        "not carry it, and there is no API key or Chargebee has no such coupon): the MRR "
        "leaves it out."
    ]
    # A reader (the adapter's, with the API) is asked for what the event lacks.
    asked = []

    def coupon_of(coupon_id):
        asked.append(coupon_id)
        return coupon("lost", discount_percentage=100) if coupon_id == "lost" else None

    bare = chargebee_event("subscription_changed", JAN_1, subscription=sub)
    message = only(translate(bare, coupon_of=coupon_of))
    assert [item["discount_amount"] for item in message["data"]["items"]] == ["50.00", "10.00"]
    assert asked == [entry["coupon_id"] for entry in sub["coupons"]]
    assert len(message["notes"]) == 7  # the others could not be read


def test_scheduled_cancellation_and_its_removal():
    sub = resource("subscription", status="non_renewing", cancelled_at=MAR_1)
    message = only(
        translate(chargebee_event("subscription_cancellation_scheduled", subscription=sub))
    )
    assert message["type"] == "subscription.cancelled"
    assert message["data"]["cancel_at_period_end"] is True
    assert (message["data"]["cancel_at"], message["data"]["status"]) == ("2026-03-01", "active")
    assert "ended_at" not in message["data"]
    removed = resource("subscription", status="active")
    message = only(
        translate(
            chargebee_event("subscription_scheduled_cancellation_removed", subscription=removed)
        )
    )
    assert message["type"] == "subscription.reactivated" and message["data"]["items"]


def test_customer():
    message = only(translate(chargebee_event("customer_created", customer=resource("customer"))))
    assert message["data"] == {
        "customer_id": "cb_cust_acme",
        "name": "Acme Analytics",
        "email": "billing@acme.example",
        "phone": "+1 555 0100",
        "is_company": True,
        "address": {
            "line1": "12 Analytical Row",
            "city": "Boston",
            "postal_code": "02110",
            "country": "US",
        },
    }
    assert message["source_version"] == {
        "model": "res.partner",
        "id": "cb_cust_acme",
        "version": 1767225600100,
    }
    assert message["occurred_at"] == "2026-01-01T00:00:00Z"


def test_subscription_items_interval_and_period():
    sub = resource("subscription", billing_period=3, billing_period_unit="month")
    sub["subscription_items"].append(
        {"item_price_id": "setup-USD", "item_type": "charge", "quantity": 1, "unit_price": 9900}
    )
    sub["subscription_items"].append(
        {
            "item_price_id": "seats-USD-Monthly",
            "item_type": "addon",
            "quantity": 5,
            "unit_price": 199,
        }
    )
    message = only(translate(chargebee_event("subscription_created", subscription=sub)))
    assert message["type"] == "subscription.activated"
    data = message["data"]
    assert data["status"] == "active"
    assert (data["period_start"], data["period_end"]) == ("2026-01-01", "2026-01-31")
    assert data["items"] == [
        {
            "plan": "starter-USD-Monthly",
            "quantity": "2",
            "unit_amount": "25.00",
            "interval": "month",
            "interval_count": 3,
        },
        {
            "plan": "seats-USD-Monthly",
            "quantity": "5",
            "unit_amount": "1.99",
            "interval": "month",
            "interval_count": 3,
        },
    ]
    assert message["source_version"]["version"] == 1767225600200


@pytest.mark.parametrize(
    "status,expected",
    [
        ("in_trial", "trialing"),
        ("future", "trialing"),
        ("active", "active"),
        ("non_renewing", "active"),
        ("paused", "paused"),
        ("cancelled", "cancelled"),
    ],
)
def test_subscription_status(status, expected):
    sub = resource("subscription", status=status)
    message = only(translate(chargebee_event("subscription_changed", subscription=sub)))
    assert message["data"]["status"] == expected


def test_yearly_and_weekly_units():
    for unit in ("year", "week", "day"):
        sub = resource("subscription", billing_period_unit=unit)
        message = only(translate(chargebee_event("subscription_changed", subscription=sub)))
        assert message["data"]["items"][0]["interval"] == unit


def test_cancel_pause_resume_renew_reactivate():
    cancelled = resource("subscription", status="cancelled", cancelled_at=MAR_1)
    message = only(translate(chargebee_event("subscription_cancelled", subscription=cancelled)))
    assert (message["type"], message["data"]["ended_at"]) == (
        "subscription.cancelled",
        "2026-03-01",
    )
    assert "items" not in message["data"]
    paused = resource("subscription", status="paused", pause_date=FEB_1, resume_date=MAR_1)
    message = only(translate(chargebee_event("subscription_paused", subscription=paused)))
    assert (message["data"]["pause_start"], message["data"]["resume_at"]) == (
        "2026-02-01",
        "2026-03-01",
    )
    renewed = resource("subscription", current_term_start=FEB_1, current_term_end=MAR_1)
    message = only(translate(chargebee_event("subscription_renewed", subscription=renewed)))
    assert (message["type"], message["data"]["period_end"]) == (
        "subscription.renewed",
        "2026-02-28",
    )
    message = only(
        translate(
            chargebee_event("subscription_reactivated", subscription=resource("subscription"))
        )
    )
    assert message["type"] == "subscription.reactivated" and message["data"]["items"]


def test_invoice_lines_discounts_taxes_and_periods():
    invoice = resource("invoice", total=5445)
    invoice["line_items"][0].update(discount_amount=500, tax_amount=445, is_taxed=True)
    invoice["line_item_taxes"] = [
        {
            "line_item_id": "li_acme_1",
            "tax_name": "MA Sales Tax",
            "tax_rate": 9.8,
            "tax_amount": 445,
        }
    ]
    message = only(translate(chargebee_event("invoice_generated", invoice=invoice)))
    data = message["data"]
    assert (data["total"], data["currency"], data["date"], data["subscription_id"]) == (
        "54.45",
        "USD",
        "2026-01-01",
        "cb_sub_acme",
    )
    assert data["lines"] == [
        {
            "description": "Starter plan",
            "quantity": "2",
            "unit_amount": "25.00",
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
            "tax_amount": "4.45",
            "discount_amount": "5.00",
            "plan": "starter-USD-Monthly",
            "tax_codes": ["MA Sales Tax"],
        }
    ]


def test_prorated_line_is_one_unit_of_its_amount():
    invoice = resource("invoice", total=1613)
    invoice["line_items"][0].update(quantity=2, unit_amount=2500, amount=1613)
    line = only(translate(chargebee_event("invoice_generated", invoice=invoice)))["data"]["lines"][
        0
    ]
    assert (line["quantity"], line["unit_amount"]) == ("1", "16.13")


def test_pending_invoice_and_non_void_update_are_ignored():
    pending = resource("invoice", status="pending")
    [message] = translate(chargebee_event("invoice_generated", invoice=pending))
    assert "Pending" in message["ignore_reason"]
    [message] = translate(chargebee_event("invoice_updated", invoice=resource("invoice")))
    assert "Only a void" in message["ignore_reason"]


def test_payment_keyed_by_transaction_with_gateway_alias():
    content = content_for("payment_succeeded")
    invoice_msg, payment = translate(chargebee_event("payment_succeeded", **content))
    assert invoice_msg["id"].endswith(":invoice")
    assert payment["data"] == {
        "payment_id": "txn_acme_pay_1",
        "alias_ids": ["pi_acme_0001"],
        "customer_id": "cb_cust_acme",
        "currency": "USD",
        "amount": "50.00",
        "invoice_ids": ["cb_inv_1001"],
        "date": "2026-01-01",
        "reference": "cb_ref_4242",
        "gateway": "stripe",
    }


def test_failed_payment_and_refund():
    failed = only(translate(chargebee_event("payment_failed", **content_for("payment_failed"))))
    assert failed["data"]["payment_id"] == "txn_acme_pay_1:failed"
    assert failed["data"]["failure_message"] == "Card declined"
    assert failed["data"]["invoice_id"] == "cb_inv_1001"
    note, refund = translate(chargebee_event("payment_refunded", **content_for("payment_refunded")))
    assert note["data"]["invoice_id"] == "cb_inv_1001" and note["data"]["total"] == "25.00"
    assert refund["data"]["payment_id"] == "txn_acme_pay_1"
    assert refund["data"]["credit_note_id"] == "cb_cn_1"
    assert refund["data"]["amount"] == "25.00"


def test_unknown_and_not_modelled_types_are_ignored_with_the_reason():
    [message] = translate(chargebee_event("coupon_created"))
    assert message["ignore_reason"] == "Chargebee event type coupon_created is not handled."
    [message] = translate(chargebee_event("customer_deleted", customer=resource("customer")))
    assert "keep their Odoo partner" in message["ignore_reason"]


def test_header_of_unknown_type_is_stored_ignored():
    header = chargebee_header(chargebee_event("coupon_created", occurred_at=JAN_1))
    assert header["state"] == "ignored" and header["occurred_at"].year == 2026
    assert "state" not in chargebee_header(chargebee_event("payment_succeeded"))
    assert "payment_succeeded" in HANDLED_TYPES
    assert is_test_site("acme-test") and not is_test_site("acme")


def test_item_id_of_default_item_price_names():
    assert item_id_of("starter-USD-Monthly", "USD") == "starter"
    assert item_id_of("Netvvrk-Monthly-USD-Monthly", "USD") == "Netvvrk-Monthly"
    assert item_id_of("basic-eur", "EUR") == "basic"
    assert item_id_of("custom_price", "USD") is None


def test_minor_units():
    assert (exponent("JPY"), exponent("KWD"), exponent("usd")) == (0, 3, 2)
    assert to_major(500, "JPY") == "500"
    assert to_major(1234, "KWD") == "1.234"
    assert to_major(1999, "USD") == "19.99"
    assert to_major(None, "USD") is None


def test_business_entity_of_the_resources_is_the_entity():
    """Sites with several business entities name one on every resource."""
    sub = resource("subscription", business_entity_id="acme-eu")
    message = only(translate(chargebee_event("subscription_created", JAN_1, subscription=sub)))
    assert message["entity"] == "acme-eu"
    plain = only(
        translate(chargebee_event("customer_created", JAN_1, customer=resource("customer")))
    )
    assert "entity" not in plain


def test_credit_note_allocations():
    """Chargebee's ``allocations`` (minor units) name the invoices a note settles."""
    allocations = [
        {"allocated_amount": 2000, "invoice_id": "1002"},
        {"allocated_amount": 1000, "invoice_id": "1003"},
    ]
    note = resource("credit_note", allocations=allocations)
    issued = only(translate(chargebee_event("credit_note_created", credit_note=note)))
    expected = [
        {"invoice_id": "1002", "amount": "20.00"},
        {"invoice_id": "1003", "amount": "10.00"},
    ]
    assert issued["data"]["allocations"] == expected
    plain = only(
        translate(chargebee_event("credit_note_created", credit_note=resource("credit_note")))
    )
    assert "allocations" not in plain["data"]
    [updated] = translate(chargebee_event("credit_note_updated", credit_note=note))
    assert (updated["type"], updated["native"]) == ("chargebee.credit_note.allocated", True)
    assert updated["data"] == {"credit_note_id": "cb_cn_1", "allocations": expected}
    [none] = translate(chargebee_event("credit_note_updated", credit_note=resource("credit_note")))
    assert none["ignore_reason"] == "The credit note is allocated to no invoice."


def test_write_off_from_the_invoice_or_its_credit_note():
    """Chargebee's write-off: the invoice is paid with a ``write_off_amount``,
    and an adjustment credit note "Write Off" of that amount is created."""
    invoice = resource("invoice", status="paid", amount_due=0, write_off_amount=3500)
    [from_invoice] = translate(chargebee_event("invoice_updated", invoice=invoice))
    note = resource(
        "credit_note",
        type="adjustment",
        reason_code="write_off",
        create_reason_code="Write Off",
        reference_invoice_id=invoice["id"],
        total=3500,
    )
    [from_note] = translate(chargebee_event("credit_note_created", credit_note=note))
    for message in (from_invoice, from_note):
        assert (message["type"], message["native"]) == ("chargebee.invoice.written_off", True)
        assert message["data"] == {
            "invoice_id": invoice["id"],
            "currency": "USD",
            "amount": "35.00",
        }
    [updated] = translate(chargebee_event("credit_note_updated", credit_note=note))
    assert "write-off" in updated["ignore_reason"]


def test_coupons_apply_in_chargebee_order_per_item_or_per_unit():
    """Chargebee's API reference, Coupons (product catalog 1.0), "Order of
    application of coupons": a $200 plan and a $20 addon, a flat $10 coupon
    on the plan, 1% off the addon, a flat $5 coupon on the invoice:
    220 -> 210 -> 209.80 -> 204.80."""
    sub = resource("subscription", billing_period=1, currency_code="USD")
    sub["subscription_items"] = [
        {
            "item_price_id": "pro-USD-Monthly",
            "item_type": "plan",
            "quantity": 1,
            "unit_price": 20000,
        },
        {
            "item_price_id": "seats-USD-Monthly",
            "item_type": "addon",
            "quantity": 1,
            "unit_price": 2000,
        },
    ]
    plan_only = [{"item_type": "plan", "constraint": "all"}]
    addon_only = [{"item_type": "addon", "constraint": "all"}]
    coupons = [
        coupon(
            "flat10",
            discount_type="fixed_amount",
            discount_amount=1000,
            currency_code="USD",
            apply_on="each_specified_item",
            item_constraints=plan_only,
        ),
        coupon(
            "addon1",
            discount_percentage=1,
            apply_on="each_specified_item",
            item_constraints=addon_only,
        ),
        coupon("flat5", discount_type="fixed_amount", discount_amount=500, currency_code="USD"),
    ]
    sub["coupons"] = [{"coupon_id": c["id"], "object": "coupon"} for c in coupons]
    data = only(
        translate(chargebee_event("subscription_changed", subscription=sub, coupons=coupons))
    )["data"]
    offs = [Decimal(item["discount_amount"]) for item in data["items"]]
    assert Decimal("220.00") - sum(offs) == Decimal("204.80")
    # A percentage on the invoice applies after its fixed amount (220 - 5 = 215,
    # then 10% off: 193.50), not before (198.00 - 5 = 193.00).
    sub["coupons"] = [{"coupon_id": "flat5"}, {"coupon_id": "ten"}]
    both = [coupons[2], coupon("ten", discount_percentage=10)]
    data = only(translate(chargebee_event("subscription_changed", subscription=sub, coupons=both)))[
        "data"
    ]
    assert Decimal("220.00") - sum(Decimal(i["discount_amount"]) for i in data["items"]) == Decimal(
        "193.50"
    )
    # A fixed amount on each unit of the item (apply_discount_on
    # plans_with_quantity: "each unit of the specified items") is taken per
    # seat; otherwise once per item.
    sub["subscription_items"] = [
        {
            "item_price_id": "seats-USD-Monthly",
            "item_type": "plan",
            "quantity": 3,
            "unit_price": 1000,
        }
    ]
    for apply_discount_on, expected in (("plans_with_quantity", "6.00"), ("plans", "2.00")):
        per_seat = coupon(
            "two_off",
            discount_type="fixed_amount",
            discount_amount=200,
            currency_code="USD",
            apply_on="each_specified_item",
            item_constraints=plan_only,
            apply_discount_on=apply_discount_on,
        )
        sub["coupons"] = [{"coupon_id": "two_off"}]
        data = only(
            translate(chargebee_event("subscription_changed", subscription=sub, coupon=per_seat))
        )["data"]
        assert data["items"][0]["discount_amount"] == expected


def test_subscription_discounts_apply_after_the_coupons_of_their_kind():
    """Chargebee's API reference, Coupons, "Order of application of coupons
    and discounts": a $200 plan, a $20 addon, a flat $5 invoice discount, 1%
    off the addon (coupon), a flat $2 coupon on the invoice: 220 -> 219.98 ->
    217.98 -> 212.98 (the page's "1%" takes 0.02 off $20, so its subtotals
    are those of 0.1%: the test follows the subtotals)."""
    sub = resource("subscription", billing_period=1, currency_code="USD")
    sub["subscription_items"] = [
        {
            "item_price_id": "pro-USD-Monthly",
            "item_type": "plan",
            "quantity": 1,
            "unit_price": 20000,
        },
        {
            "item_price_id": "seats-USD-Monthly",
            "item_type": "addon",
            "quantity": 1,
            "unit_price": 2000,
        },
    ]
    coupons = [
        coupon(
            "addon1",
            discount_percentage=0.1,
            apply_on="each_specified_item",
            item_constraints=[{"item_type": "addon", "constraint": "all"}],
        ),
        coupon("flat2", discount_type="fixed_amount", discount_amount=200, currency_code="USD"),
    ]
    sub["coupons"] = [{"coupon_id": c["id"]} for c in coupons]
    sub["discounts"] = [
        {
            "id": "disc_flat5",
            "type": "fixed_amount",
            "amount": 500,
            "currency_code": "USD",
            "apply_on": "invoice_amount",
            "duration_type": "forever",
        }
    ]
    data = only(
        translate(chargebee_event("subscription_changed", subscription=sub, coupons=coupons))
    )["data"]
    offs = sum(Decimal(item["discount_amount"]) for item in data["items"])
    assert Decimal("220.00") - offs == Decimal("212.98")


# A 10% coupon on the plans of item family "cloud" priced in USD, billed monthly.
CLOUD_PLANS = coupon(
    "cloud10",
    discount_percentage=10,
    apply_on="each_specified_item",
    item_constraints=[
        {"item_type": "plan", "constraint": "criteria"},
        {"item_type": "addon", "constraint": "none"},
    ],
    item_constraint_criteria=[
        {
            "item_type": "plan",
            "item_family_ids": ["cloud"],
            "currencies": ["USD"],
            "item_price_periods": ["month"],
        }
    ],
)
FAMILIES = {"pro-USD-Monthly": "cloud", "seats-USD-Monthly": "cloud", "box-USD-Monthly": "onprem"}


def test_coupon_criteria_select_items_by_family_currency_and_period():
    """Chargebee's coupon ``item_constraints[].constraint: criteria`` with
    ``item_constraint_criteria[]``: every list it fills in must hold the
    item's value (an empty one holds all)."""
    family_of = FAMILIES.get
    plan = {"item_type": "plan", "currency": "USD", "period": 1, "period_unit": "month"}

    def applies(item_price_id, coupon_=CLOUD_PLANS, **values):
        item = dict(plan, item_price_id=item_price_id, **values)
        return coupon_applies_to(coupon_, item, family_of)

    assert applies("pro-USD-Monthly") is True
    assert applies("box-USD-Monthly") is False  # another family
    assert applies("seats-USD-Monthly", item_type="addon") is False  # addons: none
    assert applies("pro-USD-Monthly", currency="EUR") is False
    assert applies("pro-USD-Monthly", period_unit="year") is False
    assert applies("pro-USD-Monthly", item_type="charge") is False  # no constraint for it
    # A period named with its count, and a criteria without families (all plans in
    # EUR): no family needs to be read.
    yearly = coupon(
        "eur_yearly",
        apply_on="each_specified_item",
        item_constraints=[{"item_type": "plan", "constraint": "criteria"}],
        item_constraint_criteria=[
            {"item_type": "plan", "currencies": ["EUR"], "item_price_periods": ["1 year"]}
        ],
    )
    euro_year = {"currency": "EUR", "period_unit": "year"}
    assert coupon_applies_to(yearly, dict(plan, item_price_id="x", **euro_year)) is True
    assert coupon_applies_to(yearly, dict(plan, item_price_id="x", currency="EUR")) is False
    # The family cannot be read: no answer, rather than a wrong one.
    assert coupon_applies_to(CLOUD_PLANS, dict(plan, item_price_id="pro-USD-Monthly")) is None
    assert applies("pro-USD-Monthly", currency="EUR") is False  # decided without the family


def cloud_subscription(plan_price_id):
    sub = resource("subscription", billing_period=1, currency_code="USD")
    sub["billing_period_unit"] = "month"
    sub["subscription_items"] = [
        {"item_price_id": plan_price_id, "item_type": "plan", "quantity": 2, "unit_price": 4000},
        {
            "item_price_id": "seats-USD-Monthly",
            "item_type": "addon",
            "quantity": 1,
            "unit_price": 1000,
        },
    ]
    sub["coupons"] = [{"coupon_id": "cloud10", "object": "coupon"}]
    return sub


def test_coupon_by_criteria_applies_to_exactly_the_items_it_selects():
    """A 10% coupon on the monthly USD plans of family "cloud": on the cloud
    plan (2 x 40.00 = 80.00, 8.00 off), not on the cloud addon (10.00) nor on
    the plan of family "onprem"."""
    event = chargebee_event(
        "subscription_changed",
        subscription=cloud_subscription("pro-USD-Monthly"),
        coupon=CLOUD_PLANS,
    )
    message = only(translate(event, family_of=FAMILIES.get))
    offs = [item.get("discount_amount") for item in message["data"]["items"]]
    assert offs == ["8.00", None]
    assert "notes" not in message
    event["content"]["subscription"] = cloud_subscription("box-USD-Monthly")
    message = only(translate(event, family_of=FAMILIES.get))
    assert [item.get("discount_amount") for item in message["data"]["items"]] == [None, None]
    # The family cannot be read (no API key): the event says so on its attempt.
    event["content"]["subscription"] = cloud_subscription("pro-USD-Monthly")
    message = only(translate(event))
    assert "discount_amount" not in message["data"]["items"][0]
    assert message["notes"] == [
        "Chargebee coupon cloud10 applies to the items of some item families, and the family "
        "of pro-USD-Monthly could not be read (no API key, or Chargebee has no such item "
        "price): the MRR of that item leaves the coupon out."
    ]
