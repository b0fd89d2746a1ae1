# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payments (with the other ids the source knows them by and the gateway's
fee), failed payments and refunds become posted, reconciled Odoo entries."""

from odoo.addons.saas_sync.exceptions import EventValidationError, MappingError

from ..lib.mrr import ZERO
from .context import EventContext
from .documents import already_recorded, post_and_bind, reconcile


def _payment(ctx, payment_type, external_id, amount, partner):
    journal = ctx.journal("bank")
    payment = ctx.env["account.payment"].create(
        {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": partner.id,
            "amount": float(amount),
            "currency_id": ctx.currency().id,
            "date": ctx.date("date", default=ctx.occurred_date),
            "journal_id": journal.id,
            "memo": ctx.data.get("reference") or external_id,
            "saas_event_id": ctx.event.id,
        }
    )
    return post_and_bind(ctx, payment, external_id)


def _payment_keys(ctx):
    """The payment's own id first, then the other ids the source knows it by
    (Stripe: the charge of a payment intent, an invoice payment)."""
    aliases = ctx.data.get("alias_ids") or []
    if not isinstance(aliases, list) or not all(
        isinstance(alias, str) and alias.strip() for alias in aliases
    ):
        raise EventValidationError(ctx.env._("data.alias_ids is a list of ids."))
    return list(dict.fromkeys([ctx.data["payment_id"], *aliases]))


def _known_payment(ctx, keys):
    """The one payment already bound under any of ``keys``."""
    payments = ctx.env["account.payment"]
    for key in keys:
        payments |= ctx.bound("account.payment", key)
    if len(payments) > 1:
        raise EventValidationError(
            ctx.env._(
                "The ids %(keys)s name different payments (%(payments)s): merge them by hand.",
                keys=", ".join(keys),
                payments=", ".join(payments.mapped("display_name")),
            )
        )
    return payments


def _apply_to_invoices(payment, invoices):
    for invoice in invoices.sorted(lambda m: (m.invoice_date_due or m.date, m.id)):
        reconcile(payment.move_id.line_ids | invoice.line_ids)


def _payment_reported_again(ctx, payment, keys, invoices):
    """Another event about a booked payment: bind the ids it adds, apply the
    payment to the invoices it names; nothing is booked twice."""
    news = []
    for key in keys:
        if not ctx.bound("account.payment", key):
            ctx.bind(payment, key)
            news.append(
                ctx.env._("Payment %(payment)s is also %(key)s.", payment=payment.name, key=key)
            )
    residuals = {invoice: invoice.amount_residual for invoice in invoices}
    _apply_to_invoices(payment, invoices)
    for invoice, residual in residuals.items():
        if invoice.amount_residual != residual:
            ctx.log(invoice, "write")
            news.append(
                ctx.env._(
                    "Payment %(payment)s applied to %(invoice)s.",
                    payment=payment.name,
                    invoice=invoice.name,
                )
            )
    if not news:
        return ctx.ignored(
            ctx.env._("%(doc)s %(id)s is already recorded.", doc=payment.display_name, id=keys[0])
        )
    ctx.log(payment, "write")
    ctx.notes.extend(news)
    return ctx.result()


def apply_payment_succeeded(env, event, message):
    ctx = EventContext(env, event, message)
    if not ctx.system.owns("payments"):
        return ctx.not_owner("payments")
    keys = _payment_keys(ctx)
    invoice_ids = ctx.data.get("invoice_ids") or (
        [ctx.data["invoice_id"]] if ctx.data.get("invoice_id") else []
    )
    invoices = ctx.env["account.move"]
    for invoice_id in invoice_ids:
        invoices |= ctx.require("account.move", invoice_id, ctx.env._("Invoice"))
    known = _known_payment(ctx, keys)
    if known:
        return _payment_reported_again(ctx, known, keys, invoices)
    amount = ctx.amount("amount")
    if amount <= 0:
        raise EventValidationError(ctx.env._("A payment amount is positive."))
    payment = _payment(ctx, "inbound", keys[0], amount, ctx.customer())
    for alias in keys[1:]:
        ctx.bind(payment, alias)
    _apply_to_invoices(payment, invoices)
    fee = ctx.amount("fee", default=ZERO)
    if fee:
        _record_fee(ctx, payment, fee)
    return ctx.result()


def _record_fee(ctx, payment, fee):
    """The gateway keeps its fee: expense it against the payment's outstanding
    account, so the net reaches the bank. A fee in a foreign currency keeps
    its amount in that currency, converted at the payment's date."""
    expense = ctx.env["saas.mapping"]._find_approved(ctx.system, "account", "gateway_fee")
    if not expense or not expense.target_ref:
        raise MappingError("account", "gateway_fee", ctx.system)
    currency = payment.currency_id
    company = payment.company_id
    balance = currency._convert(float(fee), company.currency_id, company, payment.date)

    def line(account, sign):
        return (
            0,
            0,
            {
                "name": ctx.env._("Gateway fee"),
                "account_id": account.id,
                "currency_id": currency.id,
                "amount_currency": sign * float(fee),
                "debit": balance if sign > 0 else 0.0,
                "credit": balance if sign < 0 else 0.0,
                "partner_id": payment.partner_id.id,
            },
        )

    move = ctx.env["account.move"].create(
        {
            "move_type": "entry",
            "journal_id": payment.journal_id.id,
            "date": payment.date,
            "currency_id": currency.id,
            "ref": ctx.env._("Gateway fee of %s", payment.memo),
            "saas_event_id": ctx.event.id,
            "line_ids": [
                line(expense.target_ref, 1),
                line(payment.outstanding_account_id, -1),
            ],
        }
    )
    move.action_post()
    ctx.log(move, "create")


def apply_payment_failed(env, event, message):
    ctx = EventContext(env, event, message)
    if not ctx.system.owns("payments"):
        return ctx.not_owner("payments")
    failure_key = ctx.data["payment_id"]
    # The failure is recorded once, as the chatter message that reports it: a
    # replay or a second delivery counts no second failure.
    if ctx.env["saas.binding"].find_binding(ctx.system, "mail.message", failure_key):
        return ctx.ignored(ctx.env._("The failure of payment %s is already recorded.", failure_key))
    partner = ctx.customer()
    invoice = (
        ctx.bound("account.move", ctx.data["invoice_id"])
        if ctx.data.get("invoice_id")
        else ctx.env["account.move"]
    )
    subscription = (
        ctx.bound("saas.subscription", ctx.data["subscription_id"])
        if ctx.data.get("subscription_id")
        else invoice.saas_subscription_id
    )
    reason = ctx.data.get("failure_message") or ctx.env._("no reason given")
    body = ctx.env._(
        "Payment %(payment)s of %(amount)s %(currency)s failed: %(reason)s",
        payment=ctx.data["payment_id"],
        amount=ctx.data["amount"],
        currency=ctx.data["currency"],
        reason=reason,
    )
    messages = ctx.env["mail.message"]
    if subscription:
        if subscription.state == "active":  # a failing trial simply stays a trial
            subscription.state = "past_due"
        subscription.failed_payment_count += 1
        messages |= subscription.message_post(body=body)
        ctx.log(subscription, "write")
    if invoice:
        messages |= invoice.message_post(body=body)
    target = subscription or invoice or partner
    if not messages:
        messages = partner.message_post(body=body)
    ctx.bind(messages[0], failure_key, source_updated_at=ctx.occurred_at)
    owner = (
        partner.user_id or ctx.env.ref("base.user_admin", raise_if_not_found=False) or ctx.env.user
    )
    target.activity_schedule(
        "mail.mail_activity_data_todo",
        summary=ctx.env._("Collect failed payment %s", ctx.data["payment_id"]),
        note=body,
        user_id=owner.id,
    )
    return ctx.result()


def apply_refund_issued(env, event, message):
    ctx = EventContext(env, event, message)
    if not ctx.system.owns("payments"):
        return ctx.not_owner("payments")
    external_id = ctx.data["refund_id"]
    done = already_recorded(ctx, "account.payment", external_id)
    if done:
        return done
    original = ctx.require("account.payment", ctx.data["payment_id"], ctx.env._("Payment"))
    credit_note = ctx.env["account.move"]
    if ctx.data.get("credit_note_id"):
        credit_note = ctx.require(
            "account.move", ctx.data["credit_note_id"], ctx.env._("Credit note")
        )
    amount = ctx.amount("amount")
    if amount <= 0:
        raise EventValidationError(ctx.env._("A refund amount is positive."))
    refund = _payment(ctx, "outbound", external_id, amount, original.partner_id)
    if credit_note:
        reconcile(refund.move_id.line_ids | credit_note.line_ids)
    return ctx.result()
