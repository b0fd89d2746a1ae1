# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Stripe adapter of the engine: raw Stripe event -> canonical messages.

Stripe ids are mapped to products by price id, then lookup key, then product
id (the first one with an approved product mapping; the price id otherwise,
so the missing mapping names it).
"""

from odoo.addons.saas_sync.registry import register_adapter

from .lib.translate import customer_data, translate


def _plan_key(env, system):
    Mapping = env["saas.mapping"]

    def plan_key(price):
        candidates = [price.get("id"), price.get("lookup_key"), price.get("product")]
        candidates = [str(c["id"] if isinstance(c, dict) else c) for c in candidates if c]
        for key in candidates:
            if Mapping._find_approved(system, "product", key):
                return key
        return candidates[0] if candidates else None

    return plan_key


def _with_fetched_customers(env, system, messages):
    """Prepend the current Stripe customer for messages naming one Odoo does not
    know yet (only with an API key; otherwise the handler retries as a
    dependency until the customer's own event arrives)."""
    result, fetched = [], set()
    Binding = env["saas.binding"]
    for message in messages:
        customer_id = (message.get("data") or {}).get("customer_id")
        if (
            customer_id
            and customer_id not in fetched
            and not Binding.find_binding(system, "res.partner", customer_id)
        ):
            customer = system._stripe_retrieve("customers", customer_id)
            if customer:
                fetched.add(customer_id)
                result.append(
                    {
                        **message,
                        "id": f"{message['id']}:customer",
                        "type": "customer.upserted",
                        "data": customer_data(customer),
                    }
                )
        result.append(message)
    return result


@register_adapter("stripe")
def normalize_stripe_event(env, event, payload):
    messages = translate(payload, _plan_key(env, event.system_id))
    return _with_fetched_customers(env, event.system_id, messages)
