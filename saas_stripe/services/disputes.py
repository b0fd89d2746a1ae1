# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Disputes: the withdrawn funds become a contra entry and a collections
activity; a won dispute reverses the entry, a lost one keeps it."""

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


def _dispute_account(ctx):
    mapping = ctx.env["saas.mapping"]._find_approved(ctx.system, "account", "dispute")
    if not mapping or not mapping.target_ref:
        raise MappingError("account", "dispute", ctx.system)
    return mapping.target_ref


def apply_dispute_opened(env, event, message):
    ctx = EventContext(env, event, message)
    dispute_id = ctx.data["dispute_id"]
    if ctx.bound("account.move", dispute_id):
        return ctx.ignored(ctx.env._("Dispute %s is already booked.", dispute_id))
    payment = _disputed_payment(ctx)
    amount = ctx.amount("amount")
    currency = ctx.currency()
    company_amount = currency._convert(
        float(amount), payment.company_id.currency_id, payment.company_id, ctx.occurred_date
    )
    label = ctx.env._(
        "Dispute %(id)s on %(payment)s (%(reason)s)",
        id=dispute_id,
        payment=payment.name,
        reason=ctx.data.get("reason") or "-",
    )
    common = {"partner_id": payment.partner_id.id, "name": label, "currency_id": currency.id}
    move = ctx.env["account.move"].create(
        {
            "move_type": "entry",
            "journal_id": payment.journal_id.id,
            "date": ctx.occurred_date,
            "ref": label,
            "saas_event_id": ctx.event.id,
            "line_ids": [
                (
                    0,
                    0,
                    dict(
                        common,
                        account_id=_dispute_account(ctx).id,
                        debit=company_amount,
                        amount_currency=float(amount),
                    ),
                ),
                (
                    0,
                    0,
                    dict(
                        common,
                        account_id=payment.outstanding_account_id.id,
                        credit=company_amount,
                        amount_currency=-float(amount),
                    ),
                ),
            ],
        }
    )
    move.action_post()
    ctx.log(move, "create")
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


def apply_dispute_closed(env, event, message):
    ctx = EventContext(env, event, message)
    dispute_id = ctx.data["dispute_id"]
    move = ctx.bound("account.move", dispute_id)
    if not move:
        raise DependencyError(ctx.env._("Dispute %s is not booked yet.", dispute_id))
    status = ctx.data.get("status")
    if status != "won":
        return ctx.ignored(
            ctx.env._(
                "Dispute %(id)s closed %(status)s: the funds stay withdrawn.",
                id=dispute_id,
                status=status or "-",
            )
        )
    if move.reversal_move_ids:
        return ctx.ignored(ctx.env._("Dispute %s is already reversed.", dispute_id))
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
    return ctx.result()
