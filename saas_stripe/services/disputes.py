# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Disputes: the withdrawn funds become a contra entry and a collections
activity; a won dispute reverses the entry, a lost one keeps it. Stripe's
dispute fee (the ``fee`` of the dispute's balance transactions) goes to the
system's fee account (the ``gateway_fee`` account mapping); at the close,
the fee Stripe finally keeps or returns is booked by what its balance
transactions say."""

from decimal import Decimal

from odoo import Command

from odoo.addons.saas_subscription.services.context import EventContext
from odoo.addons.saas_sync.exceptions import DependencyError, MappingError


def _disputed_payment(ctx):
    for payment_id in ctx.data["payment_ids"]:
        payment = ctx.bound("account.payment", payment_id)
        if payment:
            return payment
    raise DependencyError(
        ctx.env._("The disputed payment (%s) is not known yet.", ", ".join(ctx.data["payment_ids"]))
    )


def _account(ctx, key):
    mapping = ctx.env["saas.mapping"]._find_approved(ctx.system, "account", key)
    if not mapping or not mapping.target_ref:
        raise MappingError("account", key, ctx.system)
    return mapping.target_ref


def _dispute_account(ctx):
    return _account(ctx, "dispute")


def _fee_account(ctx):
    """Stripe's dispute fee is one of its fees: the system's fee account."""
    return _account(ctx, "gateway_fee")


def _fees(ctx):
    """What Stripe's balance transactions of the dispute cost in fees, net of
    any it returned: the dispute fee Stripe keeps."""
    return sum(
        (ctx.amount("fee", txn) for txn in ctx.data.get("balance_transactions") or []),
        Decimal(0),
    )


def _post_entry(ctx, payment, label, parts):
    """An entry moving ``parts`` (account, amount in the dispute's currency)
    out of the payment's outstanding account."""
    currency = ctx.currency()
    company = payment.company_id

    def line(account, amount):
        balance = currency._convert(float(amount), company.currency_id, company, ctx.occurred_date)
        return {
            "partner_id": payment.partner_id.id,
            "name": label,
            "currency_id": currency.id,
            "account_id": account.id,
            "amount_currency": float(amount),
            "balance": balance,
        }

    lines = [line(account, amount) for account, amount in parts if amount]
    outstanding = line(payment.outstanding_account_id, -sum(amount for _a, amount in parts))
    # The outstanding line absorbs the company-currency rounding of the conversions.
    outstanding["balance"] = company.currency_id.round(-sum(vals["balance"] for vals in lines))
    move = ctx.env["account.move"].create(
        {
            "move_type": "entry",
            "journal_id": payment.journal_id.id,
            "date": ctx.occurred_date,
            "ref": label,
            "saas_event_id": ctx.event.id,
            "line_ids": [Command.create(vals) for vals in [*lines, outstanding]],
        }
    )
    move.action_post()
    ctx.log(move, "create")
    return move


def apply_dispute_opened(env, event, message):
    ctx = EventContext(env, event, message)
    dispute_id = ctx.data["dispute_id"]
    if ctx.bound("account.move", dispute_id):
        return ctx.ignored(ctx.env._("Dispute %s is already booked.", dispute_id))
    payment = _disputed_payment(ctx)
    label = ctx.env._(
        "Dispute %(id)s on %(payment)s (%(reason)s)",
        id=dispute_id,
        payment=payment.name,
        reason=ctx.data.get("reason") or "-",
    )
    parts = [(_dispute_account(ctx), ctx.amount("amount"))]
    fee = _fees(ctx)
    if fee:
        parts.append((_fee_account(ctx), fee))
    move = _post_entry(ctx, payment, label, parts)
    ctx.bind(move, dispute_id, source_updated_at=ctx.occurred_at)
    owner = (
        payment.partner_id.user_id
        or ctx.env.ref("base.user_admin", raise_if_not_found=False)
        or ctx.env.user
    )
    payment.activity_schedule(
        "mail.mail_activity_data_todo",
        summary=ctx.env._("Answer dispute %s", dispute_id),
        note=label,
        user_id=owner.id,
    )
    return ctx.result()


def _booked_fee(ctx, move, payment):
    """The fee the dispute's entry booked: what left the outstanding account
    beyond the disputed amount."""
    account = payment.outstanding_account_id
    lines = move.line_ids.filtered(lambda line: line.account_id == account)
    withdrawn = -sum((Decimal(str(line.amount_currency)) for line in lines), Decimal(0))
    return withdrawn - ctx.amount("amount")


def _book_fee_change(ctx, payment, fee):
    """The dispute fee Stripe keeps, or returns, at the close of the dispute."""
    dispute_id = ctx.data["dispute_id"]
    label = ctx.env._("Dispute fee of %s", dispute_id)
    fee_move = _post_entry(ctx, payment, label, [(_fee_account(ctx), fee)])
    ctx.bind(fee_move, f"{dispute_id}:fee", source_updated_at=ctx.occurred_at)
    return fee_move


def apply_dispute_closed(env, event, message):
    ctx = EventContext(env, event, message)
    dispute_id = ctx.data["dispute_id"]
    move = ctx.bound("account.move", dispute_id)
    if not move:
        raise DependencyError(ctx.env._("Dispute %s is not booked yet.", dispute_id))
    if ctx.bound("account.move", f"{dispute_id}:fee") or move.reversal_move_ids:
        return ctx.ignored(ctx.env._("Dispute %s is already closed.", dispute_id))
    status = ctx.data.get("status")
    payment = _disputed_payment(ctx)
    fee_change = _fees(ctx) - _booked_fee(ctx, move, payment)
    if status == "won":
        reversal = move._reverse_moves(
            [
                {
                    "ref": ctx.env._("Dispute %s won", dispute_id),
                    "saas_event_id": ctx.event.id,
                    "date": ctx.occurred_date,
                }
            ],
            cancel=True,
        )
        ctx.log(reversal, "create")
        # The reversal returned the fee booked at the opening too.
        fee_change = _fees(ctx)
    elif not fee_change:
        return ctx.ignored(
            ctx.env._(
                "Dispute %(id)s closed %(status)s: the funds stay withdrawn.",
                id=dispute_id,
                status=status or "-",
            )
        )
    if fee_change:
        _book_fee_change(ctx, payment, fee_change)
    return ctx.result()
