# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payments (with the other ids the source knows them by and the gateway's
fee), failed payments and refunds become posted, reconciled Odoo entries."""

from odoo import Command
from odoo.exceptions import UserError

from odoo.addons.saas_sync.exceptions import EventValidationError, MappingError

from ..lib.mrr import ZERO
from ..models.saas_payment_failure import SETTLED_STATES
from .context import EventContext
from .documents import (
    RECEIVABLE,
    already_recorded,
    batch_contexts,
    by_env,
    post_and_bind,
    post_and_bind_all,
    read_each,
    reconcile,
)


def _payment_values(ctx, payment_type, external_id, amount, partner):
    return {
        "payment_type": payment_type,
        "partner_type": "customer",
        "partner_id": partner.id,
        "amount": float(amount),
        "currency_id": ctx.currency().id,
        "date": ctx.date("date", default=ctx.occurred_date),
        "journal_id": ctx.journal("bank").id,
        "memo": ctx.data.get("reference") or external_id,
        "saas_event_id": ctx.event.id,
    }


def _payment(ctx, payment_type, external_id, amount, partner):
    payment = ctx.env["account.payment"].create(
        _payment_values(ctx, payment_type, external_id, amount, partner)
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


def _apply_to_invoices(payment, invoices, allocations=()):
    """Reconcile the payment with the invoices of ``allocations`` (``[(invoice,
    amount)]``, the amounts the source allocated to each, in their order),
    then with the other ``invoices`` (earliest due first), and remember them
    all as invoices its source said it pays."""
    allocated = payment.env["account.move"].concat(*(invoice for invoice, _amount in allocations))
    invoices |= allocated
    if invoices - payment.saas_invoice_ids:
        payment.saas_invoice_ids = [Command.link(invoice.id) for invoice in invoices]
    for invoice, amount in allocations:
        _apply_amount(payment, invoice, amount)
    for invoice in (invoices - allocated).sorted(lambda m: (m.invoice_date_due or m.date, m.id)):
        reconcile(payment.move_id.line_ids | invoice.line_ids)


def _open_receivable(move):
    return move.line_ids.filtered(
        lambda line: line.account_id.account_type == RECEIVABLE and not line.reconciled
    )


def _apply_amount(payment, invoice, amount):
    """Apply exactly ``amount`` of the payment to ``invoice``, once: an
    invoice the payment is already reconciled with is left as it is."""
    if invoice in payment.reconciled_invoice_ids:
        return
    payment_line, invoice_line = _open_receivable(payment.move_id), _open_receivable(invoice)
    currency = payment.currency_id
    if currency.compare_amounts(float(amount), invoice.amount_residual) > 0:
        raise EventValidationError(
            payment.env._(
                "The payment allocates %(amount)s to %(invoice)s, which has %(due)s left to pay.",
                amount=amount,
                invoice=invoice.name,
                due=invoice.amount_residual,
            )
        )
    if not payment_line or not invoice_line:
        return
    left = -payment_line.amount_residual_currency
    if currency.compare_amounts(float(amount), min(left, invoice.amount_residual)) >= 0:
        # the allocation takes all that is left of one of them: Odoo's own reconciliation
        (payment_line | invoice_line).reconcile()
        return
    _reconcile_part(payment_line, invoice_line, float(amount))


def _reconcile_part(payment_line, invoice_line, amount):
    """A partial reconciliation of ``amount`` (in the payment's currency)
    between lines that both keep more than that open: Odoo's partial
    computation, with the payment line's residual limited to ``amount``."""
    share = amount / -payment_line.amount_residual_currency
    limited = {
        "aml": payment_line,
        "amount_residual": payment_line.company_currency_id.round(
            payment_line.amount_residual * share
        ),
        "amount_residual_currency": -amount,
    }
    lines = payment_line.env["account.move.line"]
    results, _reconciled = lines._prepare_reconciliation_amls(
        [
            {
                "aml": invoice_line,
                "amount_residual": invoice_line.amount_residual,
                "amount_residual_currency": invoice_line.amount_residual_currency,
            },
            limited,
        ]
    )
    partials = payment_line.env["account.partial.reconcile"].create(
        [result["partial_values"] for result in results]
    )
    for partial, result in zip(partials, results, strict=True):
        exchange = result.get("exchange_values")
        if exchange and exchange["move_values"]["line_ids"]:
            partial.exchange_move_id = lines._create_exchange_difference_moves([exchange])


def _allocations(ctx):
    """``[(invoice, amount)]`` of ``data.allocations`` (``invoice_id`` and a
    positive ``amount`` each, one entry per invoice, at most the payment's
    amount in all)."""
    items = ctx.data.get("allocations") or []
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and isinstance(item.get("invoice_id"), str) for item in items
    ):
        raise EventValidationError(
            ctx.env._("data.allocations is a list of {invoice_id, amount} objects.")
        )
    allocations = []
    for item in items:
        amount = ctx.amount("amount", source=item)
        if amount <= 0:
            raise EventValidationError(ctx.env._("An allocated amount is positive."))
        invoice = ctx.require("account.move", item["invoice_id"], ctx.env._("Invoice"))
        allocations.append((invoice, amount))
    if len({invoice for invoice, _amount in allocations}) < len(allocations):
        raise EventValidationError(ctx.env._("data.allocations names an invoice twice."))
    if sum((amount for _invoice, amount in allocations), ZERO) > ctx.amount("amount"):
        raise EventValidationError(
            ctx.env._("data.allocations allocates more than the payment's amount.")
        )
    return allocations


def _raise_to_reported(ctx, payment):
    """A later report states more than the payment was booked for (a first
    report gave one invoice's share of a payment that paid several, as
    Stripe's ``invoice_payment`` does): the payment is raised to it and
    applied again to the invoices its reports named. A report of less
    changes nothing. Returns a note, or None."""
    reported = ctx.amount("amount")
    currency = payment.currency_id
    if ctx.currency() != currency or currency.compare_amounts(float(reported), payment.amount) <= 0:
        return None
    reported_invoices = payment.reconciled_invoice_ids | payment.saas_invoice_ids
    booked = payment.amount
    try:
        with ctx.env.cr.savepoint():
            payment.action_draft()
            payment.amount = float(reported)
            payment.action_post()
    except UserError as exc:
        raise EventValidationError(
            ctx.env._(
                "Payment %(payment)s was booked for %(booked)s and is now reported for "
                "%(reported)s, but it cannot be changed (%(reason)s): raise it by hand, then "
                "replay this event.",
                payment=payment.name,
                booked=booked,
                reported=reported,
                reason=exc.args[0] if exc.args else exc,
            )
        ) from exc
    _apply_to_invoices(payment, reported_invoices)
    return ctx.env._(
        "Payment %(payment)s raised from %(booked)s to %(reported)s (reported whole).",
        payment=payment.name,
        booked=booked,
        reported=reported,
    )


def _payment_reported_again(ctx, payment, keys, invoices):
    """Another event about a booked payment: bind the ids it adds, raise the
    payment to a larger amount it reports, apply the payment to the invoices
    it names; nothing is booked twice."""
    news = []
    raised = _raise_to_reported(ctx, payment)
    if raised:
        news.append(raised)
    for key in keys:
        if not ctx.bound("account.payment", key):
            ctx.bind(payment, key)
            news.append(
                ctx.env._("Payment %(payment)s is also %(key)s.", payment=payment.name, key=key)
            )
    allocations = _allocations(ctx)
    invoices |= payment.env["account.move"].concat(*(invoice for invoice, _a in allocations))
    residuals = {invoice: invoice.amount_residual for invoice in invoices}
    _apply_to_invoices(payment, invoices, allocations)
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


def invoice_keys(data):
    """The invoices a payment message names."""
    return data.get("invoice_ids") or ([data["invoice_id"]] if data.get("invoice_id") else [])


def _reported_payment(ctx):
    """What a payment event reports, read and checked without writing:
    ``(keys, invoices, known payment)``, or the event's result when it
    books nothing (its system does not own payments)."""
    if not ctx.system.owns("payments"):
        return ctx.not_owner("payments")
    keys = _payment_keys(ctx)
    invoices = ctx.env["account.move"]
    for invoice_id in invoice_keys(ctx.data):
        invoices |= ctx.require("account.move", invoice_id, ctx.env._("Invoice"))
    known = _known_payment(ctx, keys)
    if not known:
        if ctx.amount("amount") <= 0:
            raise EventValidationError(ctx.env._("A payment amount is positive."))
        ctx.customer()
    return keys, invoices, known


def _new_payment(ctx, reported=None):
    """``(keys, invoices, amount, partner)`` of a payment to book, or the
    event's result when it books nothing new (not the owner, already known).
    ``reported``: what :func:`_reported_payment` read, when it already ran."""
    reported = reported or _reported_payment(ctx)
    if not isinstance(reported, tuple):
        return reported
    keys, invoices, known = reported
    if known:
        return _payment_reported_again(ctx, known, keys, invoices)
    return keys, invoices, ctx.amount("amount"), ctx.customer()


def _bind_aliases(ctx, payment, keys):
    for alias in keys[1:]:
        ctx.bind(payment, alias)


def _settle_failures(ctx, payment, keys):
    """A payment that failed before and now succeeds closes its failure."""
    ctx.env["saas.payment.failure"]._settle_payment_keys(ctx.system, keys, payment.date)


def _book_fee(ctx, payment):
    fee = ctx.amount("fee", default=ZERO)
    if fee:
        _record_fee(ctx, payment, fee)


def apply_payment_succeeded(env, event, message):
    ctx = EventContext(env, event, message)
    booking = _new_payment(ctx)
    if not isinstance(booking, tuple):
        return booking
    keys, invoices, amount, partner = booking
    allocations = _allocations(ctx)
    payment = _payment(ctx, "inbound", keys[0], amount, partner)
    _bind_aliases(ctx, payment, keys)
    _settle_failures(ctx, payment, keys)
    _apply_to_invoices(payment, invoices, allocations)
    _book_fee(ctx, payment)
    return ctx.result()


def apply_payments_succeeded(env, pairs):
    """``payment.succeeded`` of several events at once (one system, disjoint
    payments, at most one invoice each): the new payments are created with
    one ``create()``, posted with one ``action_post()``, bound with one
    INSERT and reconciled with their invoices in one reconciliation plan. A
    payment refused while it is read (its invoice or customer not known yet,
    a negative amount) gets that exception as its result, before anything is
    booked; a later problem raises (the engine then splits the batch).
    Returns one result per pair."""
    ctxs = batch_contexts(env, pairs)
    first = ctxs[0]
    first.prefetch_bound("account.payment", [key for ctx in ctxs for key in _payment_keys(ctx)])
    first.prefetch_bound("account.move", [key for ctx in ctxs for key in invoice_keys(ctx.data)])
    first.prefetch_bound("res.partner", [ctx.data.get("customer_id") for ctx in ctxs])
    results, bookings = [None] * len(ctxs), {}
    reported = read_each(ctxs, range(len(ctxs)), _reported_payment, results)
    for index, ctx in ((index, ctxs[index]) for index in reported):
        booking = _new_payment(ctx, reported[index])
        if isinstance(booking, tuple):
            bookings[index] = booking
        else:
            results[index] = booking
    for company_env, indexes in by_env(ctxs, list(bookings)):
        group = [ctxs[index] for index in indexes]
        booked = [bookings[index] for index in indexes]
        payments = company_env["account.payment"].create(
            [
                _payment_values(ctx, "inbound", keys[0], amount, partner)
                for ctx, (keys, _invoices, amount, partner) in zip(group, booked, strict=True)
            ]
        )
        post_and_bind_all(group, payments, [keys[0] for keys, *_rest in booked])
        plan = []
        for ctx, payment, (keys, invoices, _amount, _partner) in zip(
            group, payments, booked, strict=True
        ):
            _bind_aliases(ctx, payment, keys)
            _settle_failures(ctx, payment, keys)
            lines = (payment.move_id.line_ids | invoices.line_ids).filtered(
                lambda line: line.account_id.account_type == RECEIVABLE and not line.reconciled
            )
            if len(lines) > 1:
                plan.append(lines)
            if invoices:
                payment.saas_invoice_ids = [Command.set(invoices.ids)]
        if plan:
            company_env["account.move.line"]._reconcile_plan(plan)
        for index, ctx, payment in zip(indexes, group, payments, strict=True):
            _book_fee(ctx, payment)
            results[index] = ctx.result()
    return results


def _record_fee(ctx, payment, fee):
    """The gateway keeps its fee: expense it against the payment's outstanding
    account, so the net reaches the bank. A fee in a foreign currency keeps
    its amount in that currency, converted at the payment's date."""
    expense = ctx.approved_mapping("account", "gateway_fee")
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
    failure = (
        ctx.env["saas.payment.failure"]
        .sudo()
        .create(
            {
                "payment_key": failure_key,
                "date": ctx.occurred_at.date(),
                "system_id": ctx.system.id,
                "company_id": ctx.company.id,
                "partner_id": partner.id,
                "subscription_id": subscription.id,
                "invoice_id": invoice.id,
            }
        )
    )
    if invoice and invoice.payment_state in SETTLED_STATES:
        # reported after a later payment settled the invoice: nothing to collect
        failure.settled_date = invoice._saas_settled_date() or failure.date
        return ctx.result()
    failure.activity_id = target.activity_schedule(
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
