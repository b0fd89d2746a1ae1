# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An invoice Chargebee wrote off: what it left due becomes a bad debt. An
entry debits the write-off account (the ``account`` mapping keyed
``write_off``) and credits the customer's receivable, reconciled with the
invoice, which is then paid. Chargebee reports the write-off twice (the
invoice's ``write_off_amount``, its "Write Off" credit note): the entry is
bound to ``<invoice id>:write_off`` and booked once."""

from odoo import Command

from odoo.addons.saas_subscription.services.context import EventContext
from odoo.addons.saas_subscription.services.documents import RECEIVABLE, reconcile
from odoo.addons.saas_sync.exceptions import EventValidationError, MappingError


def _write_off_account(ctx):
    mapping = ctx.approved_mapping("account", "write_off")
    if not mapping or not mapping.target_ref:
        raise MappingError("account", "write_off", ctx.system)
    return mapping.target_ref


def _check_open(ctx, invoice, amount):
    """A write-off settles what the invoice still owes, never more."""
    currency = invoice.currency_id
    if currency.compare_amounts(float(amount), invoice.amount_residual) > 0:
        raise EventValidationError(
            ctx.env._(
                "Chargebee wrote off %(amount)s of invoice %(invoice)s, which owes only "
                "%(open)s in Odoo: book its missing payments or credit notes first, then "
                "replay this event.",
                amount=amount,
                invoice=invoice.name,
                open=invoice.amount_residual,
            )
        )


def _entry_lines(ctx, invoice, amount, when):
    currency = invoice.currency_id
    company = invoice.company_id
    balance = currency._convert(float(amount), company.currency_id, company, when)
    receivable = invoice.line_ids.filtered(lambda line: line.account_id.account_type == RECEIVABLE)[
        :1
    ]
    label = ctx.env._("Write-off of %s", invoice.name)
    common = {"name": label, "partner_id": invoice.partner_id.id, "currency_id": currency.id}
    return [
        Command.create(
            dict(
                common,
                account_id=_write_off_account(ctx).id,
                amount_currency=float(amount),
                balance=balance,
            )
        ),
        Command.create(
            dict(
                common,
                account_id=receivable.account_id.id,
                amount_currency=-float(amount),
                balance=-balance,
            )
        ),
    ]


def apply_invoice_written_off(env, event, message):
    ctx = EventContext(env, event, message)
    invoice_id = ctx.data.get("invoice_id")
    if not invoice_id:
        raise EventValidationError(ctx.env._("The write-off names no invoice."))
    key = f"{invoice_id}:write_off"
    if ctx.bound("account.move", key):
        return ctx.ignored(ctx.env._("The write-off of %s is already booked.", invoice_id))
    invoice = ctx.require("account.move", invoice_id, ctx.env._("Invoice"))
    amount = ctx.amount("amount")
    if amount <= 0:
        raise EventValidationError(ctx.env._("A write-off amount is positive."))
    _check_open(ctx, invoice, amount)
    when = ctx.occurred_date
    entry = ctx.env["account.move"].create(
        {
            "move_type": "entry",
            "journal_id": ctx.journal("general").id,
            "date": when,
            "ref": ctx.env._("Chargebee write-off of %s", invoice.name),
            "saas_event_id": ctx.event.id,
            "line_ids": _entry_lines(ctx, invoice, amount, when),
        }
    )
    entry.action_post()
    ctx.log(entry, "create")
    ctx.bind(entry, key, source_updated_at=ctx.occurred_at)
    reconcile(invoice.line_ids | entry.line_ids)
    ctx.log(invoice, "write")
    return ctx.result()
