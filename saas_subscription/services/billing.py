# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Billing documents: invoices, voids, credit notes, payments, failed payments
and refunds become posted, balanced and reconciled Odoo entries."""

from odoo.addons.saas_sync.exceptions import EventValidationError, MappingError

from ..lib.mrr import ZERO, quantize, split_amount, to_decimal
from .context import EventContext

RECEIVABLE = "asset_receivable"


def _move_line_commands(ctx, lines, currency):
    """Invoice line commands of the source lines; each Odoo line carries the
    index of its source line as ``sequence`` (see :func:`_check_amounts`)."""
    commands = []
    for index, line in enumerate(lines):
        key = line.get("plan") or line.get("product")
        shares = ctx.product_shares(key) if key else [(ctx.env["product.product"], 100.0)]
        weights = [to_decimal(s) for _p, s in shares]
        unit_price = ctx.unit_price("unit_amount", line)
        prices = split_amount(unit_price, weights, ctx.price_digits)
        discount_amount = ctx.amount("discount_amount", line, default=ZERO)
        if discount_amount < 0:
            raise EventValidationError(
                ctx.env._("lines[%s].discount_amount is an amount off: not negative.", index)
            )
        discounts = split_amount(discount_amount, weights, currency.decimal_places)
        taxes = ctx.taxes(
            line.get("tax_codes") or ([line["tax_code"]] if line.get("tax_code") else [])
        )
        analytic = _analytic_distribution(ctx, line, key)
        for (product, _share), price, discount in zip(shares, prices, discounts, strict=True):
            values = {
                "sequence": index,
                "name": line.get("description") or product.display_name or key or "/",
                "quantity": float(ctx.amount("quantity", line)),
                "price_unit": float(price),
                "discount": float(ctx.amount("discount_percent", line, default=ZERO)),
                "tax_ids": [(6, 0, taxes.ids)],
                "saas_period_start": ctx.date("period_start", line),
                "saas_period_end": ctx.date("period_end", line),
            }
            if product:
                values["product_id"] = product.id
            if analytic:
                values["analytic_distribution"] = analytic
            commands.append((0, 0, values))
            if discount:
                # An amount off: its own line, taxed and booked like the line,
                # so the discount is exact whatever the quantity.
                commands.append(
                    (
                        0,
                        0,
                        dict(
                            values,
                            name=ctx.env._("Discount on %s", values["name"]),
                            quantity=1.0,
                            price_unit=float(-discount),
                            discount=0.0,
                        ),
                    )
                )
    return commands


def _analytic_distribution(ctx, line, key):
    """The analytic distribution of a source line: the ``analytic`` key of the
    line (else of the document) through its ``analytic`` mapping, which must
    exist; without one, an approved ``analytic`` mapping of the line's plan or
    product key, if any."""
    code = line.get("analytic") or ctx.data.get("analytic")
    if code:
        account = ctx.env["saas.mapping"].resolve(ctx.system, "analytic", str(code))
    elif key:
        mapping = ctx.env["saas.mapping"]._find_approved(ctx.system, "analytic", str(key))
        account = mapping.target_ref
    else:
        account = None
    return {str(account.id): 100.0} if account else False


def _mismatch_policy(ctx):
    return (
        ctx.env["ir.config_parameter"]
        .sudo()
        .get_param("saas_subscription.total_mismatch_policy", "error")
    )


def _check_amounts(ctx, move, lines):
    """The source's ``subtotal`` (after discount, before tax) and ``tax_amount``,
    on the document and on each line, must equal Odoo's computed amounts.

    Same policy as the total: refused (dead letter) unless rounding lines are
    allowed; then the total gets its rounding line and each difference is
    noted on the attempt."""
    digits = move.currency_id.decimal_places
    checks = [
        ("subtotal", ctx.data, move.amount_untaxed),
        ("tax_amount", ctx.data, move.amount_tax),
    ]
    for index, line in enumerate(lines):
        own = move.invoice_line_ids.filtered(lambda ml, i=index: ml.sequence == i)
        untaxed = sum((to_decimal(ml.price_subtotal) for ml in own), ZERO)
        total = sum((to_decimal(ml.price_total) for ml in own), ZERO)
        checks += [
            (f"lines[{index}].subtotal", line, untaxed),
            (f"lines[{index}].tax_amount", line, total - untaxed),
        ]
    differences = []
    for field, source, computed in checks:
        key = field.rsplit(".", 1)[-1]
        if source.get(key) is None:
            continue
        expected = quantize(ctx.amount(key, source), digits)
        if expected != quantize(computed, digits):
            differences.append(
                ctx.env._(
                    "%(field)s %(sent)s differs from Odoo's %(odoo)s",
                    field=field,
                    sent=expected,
                    odoo=quantize(computed, digits),
                )
            )
    if not differences:
        return
    if _mismatch_policy(ctx) != "rounding_line":
        raise EventValidationError(
            ctx.env._(
                "The source amounts differ from Odoo's computation: %(diffs)s. Fix the tax "
                "mapping, or allow rounding lines in Settings.",
                diffs="; ".join(differences),
            )
        )
    ctx.notes.extend(differences)


def _check_total(ctx, move, source_total):
    """Odoo's total must equal the source's: add a rounding line or refuse."""
    currency = move.currency_id
    difference = quantize(source_total, currency.decimal_places) - quantize(
        move.amount_total, currency.decimal_places
    )
    if not difference:
        return
    if _mismatch_policy(ctx) != "rounding_line":
        raise EventValidationError(
            ctx.env._(
                "The source total %(source_total)s differs from Odoo's computed total %(odoo)s "
                "(%(diff)s). Fix the tax mapping, or allow rounding lines in Settings.",
                source_total=source_total,
                odoo=move.amount_total,
                diff=difference,
            )
        )
    account = move.company_id.saas_rounding_account_id or move.journal_id.default_account_id
    move.write(
        {
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "name": ctx.env._("Rounding difference with the source total"),
                        "quantity": 1,
                        "price_unit": float(difference),
                        "account_id": account.id,
                        "tax_ids": [(5, 0, 0)],
                    },
                )
            ]
        }
    )
    ctx.notes.append(ctx.env._("Added a rounding line of %s.", difference))


def _create_document(ctx, move_type, external_id, lines, extra=None):
    currency = ctx.currency()
    partner = ctx.customer()
    values = {
        "move_type": move_type,
        "partner_id": partner.id,
        "currency_id": currency.id,
        "company_id": ctx.company.id,
        "journal_id": ctx.journal("sale").id,
        "invoice_date": ctx.date("date", default=ctx.occurred_date),
        "saas_source_number": ctx.data.get("number") or external_id,
        "ref": ctx.data.get("number") or external_id,
        "saas_event_id": ctx.event.id,
        "invoice_line_ids": _move_line_commands(ctx, lines, currency),
    }
    values.update(_due_values(ctx, partner, values["invoice_date"]))
    subscription_id = ctx.data.get("subscription_id")
    if subscription_id:
        values["saas_subscription_id"] = ctx.bound("saas.subscription", subscription_id).id
    values.update(extra or {})
    move = ctx.env["account.move"].create(values)
    _check_amounts(ctx, move, lines)
    _check_total(ctx, move, ctx.amount("total"))
    move.action_post()
    ctx.log(move, "create")
    ctx.bind(move, external_id, source_updated_at=ctx.occurred_at)
    return move


def _due_values(ctx, partner, invoice_date):
    """The source's due date; else the customer's payment terms from the
    invoice date; else the invoice date (never the day the event was processed)."""
    due = ctx.date("due_date")
    if due:
        return {"invoice_payment_term_id": False, "invoice_date_due": due}
    if partner.with_company(ctx.company).property_payment_term_id:
        return {}
    return {"invoice_date_due": invoice_date}


def _already_recorded(ctx, model, external_id):
    record = ctx.bound(model, external_id)
    if record:
        return ctx.ignored(
            ctx.env._(
                "%(doc)s %(id)s is already recorded.", doc=record.display_name, id=external_id
            )
        )
    return None


def _reconcile(lines):
    lines = lines.filtered(
        lambda line: line.account_id.account_type == RECEIVABLE and not line.reconciled
    )
    if len(lines) > 1:
        lines.reconcile()


def apply_invoice_issued(env, event, message):
    ctx = EventContext(env, event, message)
    external_id = ctx.data["invoice_id"]
    return _already_recorded(ctx, "account.move", external_id) or (
        _create_document(ctx, "out_invoice", external_id, ctx.data["lines"]) and ctx.result()
    )


def apply_invoice_voided(env, event, message):
    ctx = EventContext(env, event, message)
    invoice = ctx.require("account.move", ctx.data["invoice_id"], ctx.env._("Invoice"))
    if invoice.state == "cancel" or invoice.payment_state == "reversed":
        return ctx.ignored(ctx.env._("Invoice %s is already voided.", invoice.name))
    if invoice.state == "draft":
        invoice.button_cancel()
    else:
        if invoice.payment_state not in ("not_paid", "reversed"):
            raise EventValidationError(
                ctx.env._(
                    "Invoice %s is (partly) paid: the source should issue a credit note and a "
                    "refund, not a void.",
                    invoice.name,
                )
            )
        reversal = invoice._reverse_moves(
            [{"ref": ctx.env._("Void of %s", invoice.name), "saas_event_id": ctx.event.id}],
            cancel=True,
        )
        ctx.log(reversal, "create")
    ctx.log(invoice, "write")
    return ctx.result()


def apply_credit_note(env, event, message):
    ctx = EventContext(env, event, message)
    external_id = ctx.data["credit_note_id"]
    done = _already_recorded(ctx, "account.move", external_id)
    if done:
        return done
    invoice = ctx.require("account.move", ctx.data["invoice_id"], ctx.env._("Invoice"))
    if "customer_id" not in ctx.data:
        ctx.data = dict(ctx.data, customer_id=_external_customer(ctx, invoice))
    lines = ctx.data.get("lines")
    if lines:
        refund = _create_document(
            ctx, "out_refund", external_id, lines, {"reversed_entry_id": invoice.id}
        )
    else:
        refund = _full_credit_note(ctx, invoice, external_id)
    _reconcile(invoice.line_ids | refund.line_ids)
    return ctx.result()


def _external_customer(ctx, invoice):
    binding = ctx.env["saas.binding"].search(
        [
            ("system_id", "=", ctx.system.id),
            ("res_model", "=", "res.partner"),
            ("res_id", "=", invoice.partner_id.id),
        ],
        limit=1,
    )
    return binding.external_id


def _full_credit_note(ctx, invoice, external_id):
    total = ctx.amount("total")
    if quantize(total, invoice.currency_id.decimal_places) != quantize(
        invoice.amount_total, invoice.currency_id.decimal_places
    ):
        raise EventValidationError(
            ctx.env._(
                "A credit note without lines must credit the whole invoice (%(total)s), "
                "not %(amount)s: send its lines.",
                total=invoice.amount_total,
                amount=total,
            )
        )
    refund = invoice._reverse_moves(
        [
            {
                "ref": ctx.data.get("number") or external_id,
                "saas_source_number": ctx.data.get("number") or external_id,
                "saas_event_id": ctx.event.id,
                "invoice_date": ctx.date("date", default=ctx.occurred_date),
            }
        ]
    )
    _check_amounts(ctx, refund, [])
    refund.action_post()
    ctx.log(refund, "create")
    ctx.bind(refund, external_id, source_updated_at=ctx.occurred_at)
    return refund


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
    payment.action_post()
    ctx.log(payment, "create")
    ctx.bind(payment, external_id, source_updated_at=ctx.occurred_at)
    return payment


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
        _reconcile(payment.move_id.line_ids | invoice.line_ids)


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
    done = _already_recorded(ctx, "account.payment", external_id)
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
        _reconcile(refund.move_id.line_ids | credit_note.line_ids)
    return ctx.result()
