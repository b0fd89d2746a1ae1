# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payments that another connected system books.

When Chargebee collects through Stripe and a Stripe system is connected too,
both report the same money: Stripe as its payment intent / charge, Chargebee
as a transaction whose ``id_at_gateway`` names it. The administrator chooses
who books payments (``chargebee_payment_system_id``, which owns payments):
then Chargebee's payment event books nothing; it finds the payment that
system booked under the gateway id, binds the transaction to it and applies
it to Chargebee's invoices. Until the gateway's own event has arrived, it
retries as a dependency."""

from odoo.addons.saas_subscription.services import payments
from odoo.addons.saas_subscription.services.context import EventContext
from odoo.addons.saas_sync.exceptions import DependencyError, EventValidationError


def apply_gateway_payment(env, event, message):
    ctx = EventContext(env, event, message)
    payment_system = ctx.system.chargebee_payment_system_id
    keys = payments._payment_keys(ctx)
    if len(keys) < 2:
        raise EventValidationError(
            ctx.env._(
                "Transaction %(payment)s names no id at the gateway: %(system)s cannot tell "
                "which of its payments it is.",
                payment=keys[0],
                system=payment_system.code,
            )
        )
    invoices = ctx.env["account.move"]
    for invoice_id in ctx.data.get("invoice_ids") or []:
        invoices |= ctx.require("account.move", invoice_id, ctx.env._("Invoice"))
    known = payments._known_payment(ctx, keys)
    if not known:
        Binding = ctx.env["saas.binding"]
        for alias in keys[1:]:
            known |= Binding.find_record(payment_system, "account.payment", alias)
    if not known:
        raise DependencyError(
            ctx.env._(
                "Payment %(payment)s (%(gateway)s at the gateway) is booked by %(system)s: "
                "waiting for its event.",
                payment=keys[0],
                gateway=", ".join(keys[1:]) or "-",
                system=payment_system.code,
            )
        )
    return payments._payment_reported_again(ctx, known[:1], keys, invoices)
