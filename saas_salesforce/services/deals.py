# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Accounts and Opportunities applied: the link between the Account and the
billing platform's customer, the salesperson, and the booked deals."""

from decimal import Decimal

from odoo.addons.saas_subscription.services.context import EventContext

from ..lib.bookings import MONTHS_PER_YEAR

# Without a contract term field, a deal is a one-year contract.
DEFAULT_TERM_MONTHS = MONTHS_PER_YEAR


def link_billing_customer(env, event, message):
    """Before the customer is upserted: the Account and the billing platform's
    customer (its id stored on the Account) are one partner. When only the
    billing customer is known, the Account is bound to its partner."""
    ctx = EventContext(env, event, message)
    billing = ctx.system.salesforce_billing_system_id
    if not billing:
        return ctx.ignored(
            ctx.env._(
                "No billing system is set on %s: the billing customer id is not used.",
                ctx.system.code,
            )
        )
    Binding = ctx.env["saas.binding"]
    account_id, billing_id = ctx.data["account_id"], ctx.data["billing_customer_id"]
    account_partner = ctx.bound("res.partner", account_id)
    billing_partner = Binding.find_record(billing, "res.partner", billing_id)
    if billing_partner and not account_partner:
        ctx.bind(billing_partner, account_id)
        ctx.notes.append(
            ctx.env._(
                "Account %(account)s is customer %(customer)s of %(billing)s (%(partner)s).",
                account=account_id,
                customer=billing_id,
                billing=billing.code,
                partner=billing_partner.display_name,
            )
        )
    elif billing_partner and billing_partner != account_partner:
        ctx.notes.append(
            ctx.env._(
                "Account %(account)s is %(a)s but its billing customer %(customer)s is "
                "%(b)s: merge them (Find duplicate customers), the bindings follow.",
                account=account_id,
                a=account_partner.display_name,
                customer=billing_id,
                b=billing_partner.display_name,
            )
        )
    return ctx.result()


def complete_account(env, event, message):
    """After the customer is upserted: bind the billing customer id to the
    partner when the billing platform has not sent it yet, and set the
    salesperson mapped from the Account owner (a ``user`` mapping)."""
    ctx = EventContext(env, event, message)
    partner = ctx.require("res.partner", ctx.data["account_id"], ctx.env._("Account"))
    billing = ctx.system.salesforce_billing_system_id
    billing_id = ctx.data.get("billing_customer_id")
    Binding = ctx.env["saas.binding"]
    if billing and billing_id and not Binding.find_binding(billing, "res.partner", billing_id):
        Binding.bind(billing, partner, billing_id, event=ctx.event)
    owner = ctx.data.get("owner_id")
    if owner:
        _set_salesperson(ctx, partner, owner)
    return ctx.result()


def _set_salesperson(ctx, partner, owner):
    mapping = ctx.env["saas.mapping"]._find_approved(ctx.system, "user", owner)
    user = mapping.target_ref if mapping else None
    if not user:
        ctx.env["saas.mapping"].sudo()._ensure_draft("user", owner, ctx.system)
        ctx.notes.append(
            ctx.env._(
                "Salesperson not set: map the Salesforce user %s to an Odoo user (Mappings).",
                owner,
            )
        )
        return
    if partner.user_id == user:
        return
    refusal = partner.user_id and ctx.system._saas_partner_write_refusal(partner, "user_id")
    if refusal:
        ctx.notes.append(
            ctx.env._(
                "Kept user_id of %(partner)s: %(reason)s (sent %(value)r).",
                partner=partner.display_name,
                reason=refusal,
                value=user.display_name,
            )
        )
        return
    partner.user_id = user
    ctx.log(partner, "write")


def apply_opportunity(env, event, message):
    """A closed-won Opportunity is a booked deal on the Account's customer; one
    that leaves Closed Won cancels its deal."""
    ctx = EventContext(env, event, message)
    data = ctx.data
    opportunity_id = data["opportunity_id"]
    binding = ctx.env["saas.binding"].find_binding(ctx.system, "saas.booked.deal", opportunity_id)
    if binding and binding.is_stale(ctx.occurred_at):
        return ctx.ignored(
            ctx.env._("Older than the deal already applied (%s).", binding.source_updated_at)
        )
    deal = ctx.bound("saas.booked.deal", opportunity_id)
    if not data.get("is_won"):
        if not deal:
            return ctx.ignored(
                ctx.env._(
                    "Opportunity %(id)s is not closed-won (stage %(stage)s).",
                    id=opportunity_id,
                    stage=data.get("stage") or "-",
                )
            )
        if deal.state != "cancelled":
            deal.write({"state": "cancelled", "subscription_id": False, "stage": data.get("stage")})
            ctx.log(deal, "write")
        ctx.bind(deal, opportunity_id, source_updated_at=ctx.occurred_at)
        return ctx.result()
    if not data.get("account_id"):
        return ctx.ignored(ctx.env._("Opportunity %s has no Account.", opportunity_id))
    partner = ctx.require("res.partner", data["account_id"], ctx.env._("Account"))
    currency = ctx.currency(data.get("currency") or ctx.company.currency_id.name)
    amount = Decimal(data["amount"]) if data.get("amount") else Decimal(0)
    values = {
        "name": data.get("name") or opportunity_id,
        "opportunity_id": opportunity_id,
        "system_id": ctx.system.id,
        "company_id": ctx.company.id,
        "partner_id": partner.commercial_partner_id.id,
        "currency_id": currency.id,
        "amount": float(amount),
        "close_date": ctx.date("close_date", default=ctx.occurred_date),
        "stage": data.get("stage"),
        "product_id": _expected_product(ctx, data.get("plan")).id,
        "term_months": data.get("term_months") or DEFAULT_TERM_MONTHS,
    }
    if deal:
        if deal.state in ("cancelled", "deleted"):
            # reopened, or restored from the Recycle Bin: booked again
            values["state"] = "waiting"
        deal.write(values)
        ctx.log(deal, "write")
    else:
        deal = ctx.env["saas.booked.deal"].create(values)
        ctx.log(deal, "create")
    ctx.bind(deal, opportunity_id, source_updated_at=ctx.occurred_at)
    deal._match_subscription()
    return ctx.result()


def unbook_opportunity(env, event, message):
    """A deleted Opportunity: its deal is unbooked, with the reason on the
    deal's chatter and the attempt. (Salesforce merges Accounts, not
    Opportunities: those of a merged Account are moved to the master Account,
    a change the pull reads like any other.)"""
    ctx = EventContext(env, event, message)
    opportunity_id = ctx.data["opportunity_id"]
    binding = ctx.env["saas.binding"].find_binding(ctx.system, "saas.booked.deal", opportunity_id)
    if binding and binding.is_stale(ctx.occurred_at):
        return ctx.ignored(
            ctx.env._("Older than the deal already applied (%s).", binding.source_updated_at)
        )
    deal = ctx.bound("saas.booked.deal", opportunity_id)
    if not deal:
        return ctx.ignored(
            ctx.env._(
                "Opportunity %s was deleted in Salesforce: it booked no deal.", opportunity_id
            )
        )
    if deal.state != "deleted":
        deal._unbook()
        ctx.log(deal, "write")
    ctx.bind(deal, opportunity_id, source_updated_at=ctx.occurred_at)
    return ctx.result()


def apply_account_deletion(env, event, message):
    """A deleted Account: its customer is kept (subscriptions, invoices and
    payments are the billing platform's). Merged into another Account
    (``master_id``), that Account is the same customer: bound to it when it
    is not known yet, else the two customers are named for a merge."""
    ctx = EventContext(env, event, message)
    account_id, master_id = ctx.data["account_id"], ctx.data.get("master_id")
    binding = ctx.env["saas.binding"].find_binding(ctx.system, "res.partner", account_id)
    if binding and binding.is_stale(ctx.occurred_at):
        return ctx.ignored(
            ctx.env._("Older than the Account already applied (%s).", binding.source_updated_at)
        )
    partner = ctx.bound("res.partner", account_id)
    if not partner:
        return ctx.ignored(
            ctx.env._("Account %s was deleted in Salesforce: it is no customer here.", account_id)
        )
    if not master_id:
        note = ctx.env._(
            "Account %s was deleted in Salesforce: the customer is kept; the deals of its "
            "Opportunities are unbooked as their deletions are read.",
            account_id,
        )
    else:
        master = ctx.bound("res.partner", master_id)
        if not master:
            ctx.bind(partner, master_id)
            note = ctx.env._(
                "Account %(account)s was merged into Account %(master)s in Salesforce: "
                "%(master)s is this customer.",
                account=account_id,
                master=master_id,
            )
        elif master != partner:
            note = ctx.env._(
                "Account %(account)s was merged into Account %(master)s in Salesforce, which "
                "is %(other)s: merge the two customers (Find duplicate customers).",
                account=account_id,
                master=master_id,
                other=master.display_name,
            )
        else:
            note = ctx.env._(
                "Account %(account)s was merged into Account %(master)s in Salesforce.",
                account=account_id,
                master=master_id,
            )
    partner.message_post(body=note)
    ctx.notes.append(note)
    ctx.bind(partner, account_id, source_updated_at=ctx.occurred_at)
    return ctx.result()


def _expected_product(ctx, plan):
    """The product the plan maps to; without an approved mapping the deal is
    kept without product and a draft mapping waits for an administrator."""
    Product = ctx.env["product.product"]
    if not plan:
        return Product
    mapping = ctx.env["saas.mapping"]._find_approved(ctx.system, "product", str(plan))
    target = mapping.target_ref if mapping else None
    if target and target._name == "product.template":
        target = target.product_variant_id
    if target and target._name == "product.product":
        return target
    ctx.env["saas.mapping"].sudo()._ensure_draft("product", str(plan), ctx.system)
    ctx.notes.append(
        ctx.env._("Expected product unknown: map the plan %s to a product (Mappings).", plan)
    )
    return Product
