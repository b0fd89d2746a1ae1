# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Subscription lifecycle: activation, change (upgrade, downgrade, quantity),
renewal, pause, resume, cancellation (now or at period end), reactivation.

Every change goes through :meth:`saas.subscription._sync_mrr`, which writes
the MRR movement explaining it; older events never overwrite newer state.
"""

from odoo.addons.saas_sync.exceptions import DependencyError, EventValidationError

from ..lib.mrr import ZERO, item_discounts, split_amount, to_decimal
from ..models.saas_subscription import MRR_STATES
from .context import EventContext

WITH_ITEMS = ("subscription.activated", "subscription.changed", "subscription.reactivated")
SOURCE_STATES = {
    "trialing": "trial",
    "trial": "trial",
    "active": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "paused": "paused",
    "canceled": "cancelled",
    "cancelled": "cancelled",
    "ended": "ended",
}


def _item_discounts(ctx):
    """(percentage, amount off per billing period) of each item: its own
    discounts combined with the subscription's (see ``lib.mrr.item_discounts``)."""
    items = ctx.data["items"]
    for where in [*items, ctx.data]:
        if ctx.amount("discount_amount", where, default=ZERO) < 0:
            raise EventValidationError(
                ctx.env._("discount_amount is an amount off: it cannot be negative.")
            )
    return item_discounts(
        [
            {
                "unit_amount": ctx.unit_price("unit_amount", item),
                "quantity": ctx.amount("quantity", item),
                "discount_percent": item.get("discount_percent"),
                "discount_amount": item.get("discount_amount"),
            }
            for item in items
        ],
        ctx.data.get("discount_percent"),
        ctx.data.get("discount_amount"),
        ctx.currency().decimal_places,
    )


def _line_commands(ctx):
    items = ctx.data["items"]
    discounts = _item_discounts(ctx)
    digits = ctx.currency().decimal_places
    commands = [(5, 0, 0)]
    for index, (item, (discount, amount_off)) in enumerate(zip(items, discounts, strict=True)):
        unit_price = ctx.unit_price("unit_amount", item)
        shares = ctx.product_shares(item["plan"])
        weights = [to_decimal(share) for _p, share in shares]
        prices = split_amount(unit_price, weights, ctx.price_digits)
        offs = split_amount(amount_off, weights, digits)
        for (product, _share), price, off in zip(shares, prices, offs, strict=True):
            commands.append(
                (
                    0,
                    0,
                    {
                        "sequence": index,
                        "product_id": product.id,
                        "plan_key": item["plan"],
                        "name": item.get("description") or product.display_name,
                        "quantity": float(ctx.amount("quantity", item)),
                        "price_unit": float(price),
                        "discount": float(discount),
                        "discount_amount": float(off),
                        "interval": item["interval"],
                        "interval_count": int(item.get("interval_count") or 1),
                        "metered": bool(item.get("metered")),
                    },
                )
            )
    return commands


def _state_from_source(ctx, default):
    status = ctx.data.get("status")
    if status is None:
        return default
    if status not in SOURCE_STATES:
        raise EventValidationError(ctx.env._("Unknown subscription status %r.", status))
    return SOURCE_STATES[status]


def _period_values(ctx):
    values = {}
    for key, field in (
        ("period_start", "current_period_start"),
        ("period_end", "current_period_end"),
        ("start_date", "start_date"),
    ):
        if ctx.data.get(key):
            values[field] = ctx.date(key)
    return values


def apply_subscription_event(env, event, message):
    ctx = EventContext(env, event, message)
    if not ctx.system.owns("subscriptions"):
        return ctx.not_owner("subscriptions")
    event_type = message["type"]
    external_id = ctx.data["subscription_id"]
    binding = ctx.env["saas.binding"].find_binding(ctx.system, "saas.subscription", external_id)
    if binding and binding.is_stale(ctx.occurred_at):
        reason = ctx.env._(
            "Older than the subscription state already applied (%(stored)s > %(event)s).",
            stored=binding.source_updated_at,
            event=ctx.occurred_at,
        )
        late = ctx.bound("saas.subscription", external_id)
        movement = _apply_late_fact(ctx, event_type, late) if late else None
        if movement:
            ctx.log(movement, "create")
            reason += " " + ctx.env._(
                "Its MRR at %s was added to the ledger history.", movement.date
            )
        return ctx.ignored(reason)
    subscription = ctx.bound("saas.subscription", external_id)
    if not subscription and event_type not in WITH_ITEMS:
        raise DependencyError(
            ctx.env._("Subscription %s is not known yet.", external_id),
            waits_for=("saas.subscription", external_id),
            system=ctx.system,
        )
    partner = ctx.customer()
    currency = ctx.currency() if ctx.data.get("currency") else subscription.currency_id
    values = _period_values(ctx)
    if event_type in WITH_ITEMS:
        values["line_ids"] = _line_commands(ctx)
    values.update(_lifecycle_values(ctx, event_type, subscription))
    if subscription:
        if subscription.currency_id != currency and subscription.movement_ids:
            raise EventValidationError(
                ctx.env._("Subscription %s cannot change currency.", external_id)
            )
        subscription.write(dict(values, partner_id=partner.id, currency_id=currency.id))
        ctx.log(subscription, "write")
    else:
        values.setdefault("start_date", ctx.date("start_date", default=ctx.occurred_date))
        subscription = ctx.env["saas.subscription"].create(
            dict(
                values,
                name=external_id,
                partner_id=partner.id,
                system_id=ctx.system.id,
                company_id=ctx.company.id,
                currency_id=currency.id,
            )
        )
        ctx.log(subscription, "create")
    subscription.source_updated_at = ctx.occurred_at
    movement = subscription._sync_mrr(
        _effective_date(ctx, subscription), ctx.event, occurred_at=ctx.occurred_at
    )
    ctx.log(movement, "create")
    ctx.bind(subscription, external_id, source_updated_at=ctx.occurred_at)
    return ctx.result()


def _items_lines(ctx, subscription):
    """The lines an event with items states, as new records (not saved: the
    same precision and rounding as stored lines)."""
    lines = ctx.env["saas.subscription.line"]
    for _op, _id, values in _line_commands(ctx)[1:]:
        lines |= lines.new(dict(values, subscription_id=subscription.id))
    return lines


def _late_fact(ctx, event_type, subscription):
    """(date, lines, earning) that an event older than the applied state says
    about the subscription's MRR (``lines``: the lines it states, unsaved, or
    None), or None when it says nothing (a cancellation at period end only
    schedules)."""
    effective = ctx.date("effective_date", default=ctx.occurred_date)
    status = ctx.data.get("status")
    earning = None if status is None else _state_from_source(ctx, None) in MRR_STATES
    if event_type in WITH_ITEMS:
        if earning is None and event_type != "subscription.changed":
            earning = True
        return effective, _items_lines(ctx, subscription), earning
    if event_type == "subscription.cancelled":
        if ctx.data.get("cancel_at_period_end") or ctx.data.get("at_period_end"):
            return None
        return ctx.date("ended_at", default=ctx.occurred_date), None, False
    if event_type == "subscription.paused":
        return ctx.date("pause_start", default=ctx.occurred_date), None, False
    # resumed, renewed
    return effective, None, True if earning is None else earning


def _apply_late_fact(ctx, event_type, subscription):
    fact = _late_fact(ctx, event_type, subscription)
    if fact is None:
        return subscription.env["saas.mrr.movement"]
    day, lines, earning = fact
    return subscription._apply_late_mrr_fact(
        day, ctx.event, ctx.occurred_at, lines=lines, earning=earning
    )


def _effective_date(ctx, subscription):
    if subscription.state in ("cancelled", "ended") and subscription.ended_at:
        return subscription.ended_at
    return ctx.date("effective_date", default=ctx.occurred_date)


def _lifecycle_values(ctx, event_type, subscription):
    if event_type in ("subscription.activated", "subscription.changed"):
        default = subscription.state if subscription else "active"
        return {"state": _state_from_source(ctx, default)}
    if event_type == "subscription.renewed":
        return {"state": _state_from_source(ctx, "active")}
    if event_type == "subscription.paused":
        return {
            "state": "paused",
            "pause_start": ctx.date("pause_start", default=ctx.occurred_date),
            "pause_end": ctx.date("resume_at"),
        }
    if event_type == "subscription.resumed":
        return {"state": "active", "pause_start": False, "pause_end": False}
    if event_type == "subscription.reactivated":
        return {"state": "active", "cancel_at": False, "ended_at": False}
    # subscription.cancelled
    if ctx.data.get("cancel_at_period_end") or ctx.data.get("at_period_end"):
        cancel_at = (
            ctx.date("cancel_at") or ctx.date("period_end") or (subscription.current_period_end)
        )
        if not cancel_at:
            raise EventValidationError(
                ctx.env._("A cancellation at period end needs cancel_at or period_end.")
            )
        return {"cancel_at": cancel_at}
    ended = ctx.date("ended_at", default=ctx.occurred_date)
    return {"state": "cancelled", "ended_at": ended, "cancel_at": ended}
