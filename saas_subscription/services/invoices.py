# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Invoices, voids and credit notes become posted Odoo documents whose
amounts equal the source's (or carry a rounding line, when allowed).

An invoice's values come from ``saas.handler.billing._prepare_invoice_values``
(a model hook another addon extends with ``_inherit`` and ``super()``), which
calls :func:`invoice_values`."""

from odoo.tools.misc import format_amount

from odoo.addons.saas_sync.exceptions import EventValidationError

from ..lib.mrr import ZERO, quantize, split_amount, to_decimal
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
        account = ctx.resolve("analytic", str(code))
    elif key:
        account = ctx.approved_mapping("analytic", str(key)).target_ref
    else:
        account = None
    return {str(account.id): 100.0} if account else False


def _refuse_unless_rounding_lines(ctx, message):
    """Refuse the event with ``message`` (dead letter) unless Settings allow
    rounding lines for amounts that differ from the source's."""
    policy = (
        ctx.env["ir.config_parameter"]
        .sudo()
        .get_param("saas_subscription.total_mismatch_policy", "error")
    )
    if policy != "rounding_line":
        raise EventValidationError(message)


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
    _refuse_unless_rounding_lines(
        ctx,
        ctx.env._(
            "The source amounts differ from Odoo's computation: %(diffs)s. Fix the tax "
            "mapping, or allow rounding lines in Settings.",
            diffs="; ".join(differences),
        ),
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
    _refuse_unless_rounding_lines(
        ctx,
        ctx.env._(
            "The source total %(source_total)s differs from Odoo's computed total %(odoo)s "
            "(%(diff)s). Fix the tax mapping, or allow rounding lines in Settings.",
            source_total=format_amount(ctx.env, float(source_total), currency),
            odoo=format_amount(ctx.env, move.amount_total, currency),
            diff=format_amount(ctx.env, float(difference), currency),
        ),
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


def invoice_values(ctx, move_type, external_id, lines, extra=None):
    """The values of the invoice (or credit note, ``move_type`` ``out_refund``)
    that ``ctx``'s event issues, as passed to ``account.move.create``: header,
    due date, subscription and the lines of the source ``lines``; ``extra``
    last. Reached through ``saas.handler.billing._prepare_invoice_values``."""
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
    return values


def _create_document(ctx, move_type, external_id, lines, extra=None):
    """Create, check, post and bind the invoice or credit note of the event;
    its values come from the handler model's hook."""
    values = ctx.env["saas.handler.billing"]._prepare_invoice_values(
        ctx, move_type, external_id, lines, extra=extra
    )
    move = ctx.env["account.move"].create(values)
    _check_amounts(ctx, move, lines)
    _check_total(ctx, move, ctx.amount("total"))
    return post_and_bind(ctx, move, external_id)


def _due_values(ctx, partner, invoice_date):
    """The source's due date; else the customer's payment terms from the
    invoice date; else the invoice date (never the day the event was processed)."""
    due = ctx.date("due_date")
    if due:
        return {"invoice_payment_term_id": False, "invoice_date_due": due}
    if partner.with_company(ctx.company).property_payment_term_id:
        return {}
    return {"invoice_date_due": invoice_date}


def apply_invoice_issued(env, event, message):
    ctx = EventContext(env, event, message)
    external_id = ctx.data["invoice_id"]
    return already_recorded(ctx, "account.move", external_id) or (
        _create_document(ctx, "out_invoice", external_id, ctx.data["lines"]) and ctx.result()
    )


def apply_invoices_issued(env, pairs):
    """``invoice.issued`` of several events at once (a batch of one system,
    about disjoint invoices): the invoices are created with one ``create()``,
    checked one by one against their source, posted with one
    ``action_post()`` and bound with one INSERT. An invoice refused while its
    values are read (its customer not known yet, a mapping missing) gets
    that exception as its result, before anything is created; a later
    problem raises (the engine then splits the batch). Returns one result
    per pair."""
    ctxs = batch_contexts(env, pairs)
    ctxs[0].prefetch_bound("account.move", [ctx.data["invoice_id"] for ctx in ctxs])
    ctxs[0].prefetch_bound("res.partner", [ctx.data.get("customer_id") for ctx in ctxs])
    ctxs[0].prefetch_bound("saas.subscription", [ctx.data.get("subscription_id") for ctx in ctxs])
    results = [None] * len(ctxs)
    for index, ctx in enumerate(ctxs):
        results[index] = already_recorded(ctx, "account.move", ctx.data["invoice_id"])
    new = [index for index, result in enumerate(results) if result is None]
    values = read_each(
        ctxs,
        new,
        lambda ctx: ctx.env["saas.handler.billing"]._prepare_invoice_values(
            ctx, "out_invoice", ctx.data["invoice_id"], ctx.data["lines"]
        ),
        results,
    )
    for company_env, indexes in by_env(ctxs, list(values)):
        group = [ctxs[index] for index in indexes]
        moves = company_env["account.move"].create([values[index] for index in indexes])
        for ctx, move in zip(group, moves, strict=True):
            _check_amounts(ctx, move, ctx.data["lines"])
            _check_total(ctx, move, ctx.amount("total"))
        post_and_bind_all(group, moves, [ctx.data["invoice_id"] for ctx in group])
        for index, ctx in zip(indexes, group, strict=True):
            results[index] = ctx.result()
    return results


def _release_credit_note(ctx, credit_note):
    """A credit note about to be voided gives back what it settled on its
    invoices (they are due again); money it sent back cannot be voided."""
    receivable = credit_note.line_ids.filtered(
        lambda line: line.account_id.account_type == RECEIVABLE
    )
    partials = receivable.matched_debit_ids | receivable.matched_credit_ids
    counterparts = (partials.debit_move_id | partials.credit_move_id) - receivable
    if counterparts.move_id.filtered(lambda move: move.move_type != "out_invoice"):
        raise EventValidationError(
            ctx.env._(
                "Credit note %s was refunded: the source should not void it (reverse the "
                "refund first).",
                credit_note.name,
            )
        )
    if partials:
        receivable.remove_move_reconcile()
        ctx.log(counterparts.move_id, "write")


def apply_invoice_voided(env, event, message):
    """An invoice, or a credit note (``invoice_id`` names either), is voided: it
    is reversed; a voided credit note's invoices are due again."""
    ctx = EventContext(env, event, message)
    invoice = ctx.require("account.move", ctx.data["invoice_id"], ctx.env._("Invoice"))
    voided_credit_note = invoice.move_type == "out_refund" and invoice.reversal_move_ids.filtered(
        lambda move: move.state == "posted"
    )
    if invoice.state == "cancel" or invoice.payment_state == "reversed" or voided_credit_note:
        return ctx.ignored(ctx.env._("Invoice %s is already voided.", invoice.name))
    if invoice.state == "draft":
        invoice.button_cancel()
    else:
        if invoice.move_type == "out_refund":
            _release_credit_note(ctx, invoice)
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
    done = already_recorded(ctx, "account.move", external_id)
    if done:
        return done
    invoice = ctx.require("account.move", ctx.data["invoice_id"], ctx.env._("Invoice"))
    if "customer_id" not in ctx.data:
        ctx.data = dict(
            ctx.data,
            customer_id=ctx.env["saas.binding"]._external_id_of(ctx.system, invoice.partner_id),
        )
    lines = ctx.data.get("lines")
    if lines:
        refund = _create_document(
            ctx, "out_refund", external_id, lines, {"reversed_entry_id": invoice.id}
        )
    else:
        refund = _full_credit_note(ctx, invoice, external_id)
    allocations = ctx.data.get("allocations")
    if allocations:
        allocate_credit_note(ctx, refund, allocations)
    else:
        reconcile(invoice.line_ids | refund.line_ids)
    return ctx.result()


def _receivable(move):
    return move.line_ids.filtered(lambda line: line.account_id.account_type == RECEIVABLE)


def _allocated(credit_note, invoice):
    """What ``credit_note`` already settles on ``invoice`` (document currency)."""
    partials = _receivable(credit_note).matched_debit_ids.filtered(
        lambda partial: partial.debit_move_id.move_id == invoice
    )
    return sum((to_decimal(p.credit_amount_currency) for p in partials), ZERO)


def _settle_part(ctx, credit_note, invoice, amount):
    """Reconcile ``amount`` of the credit note with the invoice: Odoo's own
    reconciliation when it is all either can settle, else a partial of
    exactly that amount (Odoo would settle as much as both allow)."""
    currency = credit_note.currency_id
    note_line = _receivable(credit_note).filtered(lambda line: not line.reconciled)
    invoice_line = _receivable(invoice).filtered(lambda line: not line.reconciled)
    open_amount = min(
        [to_decimal(-line.amount_residual_currency) for line in note_line]
        + [to_decimal(line.amount_residual_currency) for line in invoice_line]
        or [ZERO]
    )
    if len(note_line) != 1 or len(invoice_line) != 1 or amount > open_amount:
        raise EventValidationError(
            ctx.env._(
                "Credit note %(note)s allocates %(amount)s to invoice %(invoice)s, which "
                "leaves only %(open)s to settle between them.",
                note=credit_note.name,
                amount=amount,
                invoice=invoice.name,
                open=open_amount,
            )
        )
    if not currency.compare_amounts(float(amount), float(open_amount)):
        (note_line | invoice_line).reconcile()
        return
    company_currency = credit_note.company_id.currency_id
    balance = company_currency.round(
        invoice_line.amount_residual * float(amount) / invoice_line.amount_residual_currency
    )
    ctx.env["account.partial.reconcile"].create(
        {
            "debit_move_id": invoice_line.id,
            "credit_move_id": note_line.id,
            "amount": balance,
            "debit_amount_currency": float(amount),
            "credit_amount_currency": float(amount),
        }
    )


def allocate_credit_note(ctx, credit_note, allocations):
    """Reconcile a credit note with each invoice it is allocated to, for the
    amount the source allocated (``allocations``: ``invoice_id`` and
    ``amount``); an allocation already applied is not applied twice."""
    if not isinstance(allocations, list) or not all(
        isinstance(allocation, dict) and allocation.get("invoice_id") for allocation in allocations
    ):
        raise EventValidationError(ctx.env._("data.allocations is a list of {invoice_id, amount}."))
    for allocation in allocations:
        invoice = ctx.require("account.move", allocation["invoice_id"], ctx.env._("Invoice"))
        amount = ctx.amount("amount", allocation) - _allocated(credit_note, invoice)
        if amount > 0:
            _settle_part(ctx, credit_note, invoice, amount)
            ctx.log(invoice, "write")


def _full_credit_note(ctx, invoice, external_id):
    total = ctx.amount("total")
    if quantize(total, invoice.currency_id.decimal_places) != quantize(
        invoice.amount_total, invoice.currency_id.decimal_places
    ):
        raise EventValidationError(
            ctx.env._(
                "A credit note without lines must credit the whole invoice (%(total)s), "
                "not %(amount)s: send its lines.",
                total=format_amount(ctx.env, invoice.amount_total, invoice.currency_id),
                amount=format_amount(ctx.env, float(total), invoice.currency_id),
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
    return post_and_bind(ctx, refund, external_id)
