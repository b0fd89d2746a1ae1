# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``customer.upserted``: find the partner (binding, then matching), create it
if needed, and update only what the system's ownership policy grants."""

from ..lib.matching import normalize_email, normalize_vat
from .context import EventContext
from .documents import batch_contexts, by_env, trail_and_bind_new

# Canonical customer fields -> partner fields.
SIMPLE_FIELDS = {"name": "name", "email": "email", "phone": "phone", "vat": "vat"}
ADDRESS_FIELDS = {"line1": "street", "line2": "street2", "city": "city", "postal_code": "zip"}


def _partner_values(ctx):
    data = ctx.data
    values = {target: data[key] for key, target in SIMPLE_FIELDS.items() if data.get(key)}
    address = data.get("address") or {}
    values.update(
        {target: address[key] for key, target in ADDRESS_FIELDS.items() if address.get(key)}
    )
    if address.get("country"):
        code = address["country"].upper()
        country = ctx._memoized(
            ("country", code),
            lambda: ctx.env["res.country"].search([("code", "=", code)], limit=1),
        )
        if country:
            values["country_id"] = country.id
    if data.get("is_company") is not None:
        values["is_company"] = bool(data["is_company"])
    return values


def _matching_policy(ctx):
    return ctx._memoized(
        ("customer_matching",),
        lambda: (
            ctx.env["ir.config_parameter"]
            .sudo()
            .get_param("saas_subscription.customer_matching", "email_vat")
        ),
    )


def _match_keys(ctx, values):
    """What the matching policy compares a customer on, normalized, in the
    order it is tried: ``{"email": ..., "vat": ...}``."""
    policy = _matching_policy(ctx)
    keys = {}
    if policy in ("email_vat", "email") and values.get("email"):
        keys["email"] = normalize_email(values["email"])
    if policy in ("email_vat", "vat") and values.get("vat"):
        keys["vat"] = normalize_vat(values["vat"])
    return keys


def _match_partner(ctx, values):
    keys = _match_keys(ctx, values)
    Partner = ctx.env["res.partner"]
    company_domain = [("company_id", "in", [False, ctx.company.id])]
    if "email" in keys:
        partner = Partner.search(
            [*company_domain, ("email_normalized", "=", keys["email"])], limit=1
        )
        if partner:
            return partner
    if "vat" in keys:
        vat = keys["vat"]
        candidates = Partner.search([*company_domain, ("vat", "ilike", vat[-6:])])
        for partner in candidates:
            if normalize_vat(partner.vat) == vat:
                return partner
    return Partner


def apply_customer_upsert(env, event, message):
    ctx = EventContext(env, event, message)
    external_id = ctx.data["customer_id"]
    binding = ctx.env["saas.binding"].find_binding(ctx.system, "res.partner", external_id)
    if binding and binding.is_stale(ctx.occurred_at):
        return ctx.ignored(
            ctx.env._(
                "Older than the customer state already applied (%s).", binding.source_updated_at
            )
        )
    values = _partner_values(ctx)
    bound = ctx.bound("res.partner", external_id)
    partner = bound or _match_partner(ctx, values)
    if not partner:
        values.setdefault("name", ctx.data.get("email") or external_id)
        partner = ctx.env["res.partner"].create(values)
        ctx.log(partner, "create")
    else:
        if not bound:
            # Shown on the event's Records tab as "Matched": what it was bound to.
            ctx.log(partner, "match")
        granted = _granted_values(ctx, partner, values)
        if granted:
            partner.write(granted)
            ctx.log(partner, "write")
    ctx.bind(partner, external_id, source_updated_at=ctx.occurred_at)
    return ctx.result()


def apply_customers_upserted(env, pairs, apply_one=None):
    """``customer.upserted`` of several events at once (one system, disjoint
    customer ids). The customers neither bound nor matched are created with
    one ``create()`` per company, traced and bound at once; the others (an
    update, a match, or a second new customer matching the same e-mail or VAT
    in this batch) take the one-by-one path after them, in effective order, so
    the outcome is the same as one by one. ``apply_one(event, message)`` is
    that path (default :func:`apply_customer_upsert`; the handler passes its
    own method, overrides included). Returns one result per pair."""
    ctxs = batch_contexts(env, pairs)
    ctxs[0].prefetch_bound("res.partner", [ctx.data["customer_id"] for ctx in ctxs])
    results, new, later, taken = [None] * len(ctxs), {}, [], set()
    for index, ctx in enumerate(ctxs):
        values = _partner_values(ctx)
        keys = set(_match_keys(ctx, values).items())
        if (
            ctx.bound("res.partner", ctx.data["customer_id"])
            or keys & taken
            or _match_partner(ctx, values)
        ):
            later.append(index)
            continue
        taken |= keys
        values.setdefault("name", ctx.data.get("email") or ctx.data["customer_id"])
        new[index] = values
    for company_env, indexes in by_env(ctxs, list(new)):
        group = [ctxs[index] for index in indexes]
        partners = company_env["res.partner"].create([new[index] for index in indexes])
        trail_and_bind_new(group, partners, [ctx.data["customer_id"] for ctx in group])
        for index, ctx in zip(indexes, group, strict=True):
            results[index] = ctx.result()
    for index in later:
        event, message = pairs[index]
        results[index] = (
            apply_one(event, message) if apply_one else apply_customer_upsert(env, event, message)
        )
    return results


def _granted_values(ctx, partner, values):
    """What the system may write: a field still empty, or one the system may
    overwrite (``saas.system._saas_partner_write_refusal``: by default the
    system of record for customers). Skipped values are noted on the event."""
    granted = {}
    for key, value in values.items():
        if not _differs(partner, key, value):
            continue
        refusal = partner[key] and ctx.system._saas_partner_write_refusal(partner, key)
        if not refusal:
            granted[key] = value
            continue
        ctx.notes.append(
            ctx.env._(
                "Kept %(field)s of %(partner)s: %(reason)s (sent %(value)r).",
                field=key,
                partner=partner.display_name,
                reason=refusal,
                value=value,
            )
        )
    return granted


def _differs(partner, key, value):
    current = partner[key]
    if hasattr(current, "id"):
        return current.id != value
    return current != value
