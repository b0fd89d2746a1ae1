# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chargebee's ``resource_version``: every change of a customer or a
subscription raises it. The version a message carries (``source_version``)
is compared with the one stored on the binding of the object (its
``source_version``) before the message is applied, and stored after."""

from odoo.addons.saas_sync.lib.outcome import HandlerResult


def stored_version(env, system, version):
    binding = env["saas.binding"].find_binding(system, version["model"], version["id"])
    value = binding.source_version if binding else None
    return int(value) if value and value.isdigit() else None


def stale_reason(env, system, message):
    """``(reason, older)``: why ``message`` must not be applied (its object
    already holds this version, or a newer one: ``older``), or ``(None, False)``."""
    version = message.get("source_version")
    if not version:
        return None, False
    stored = stored_version(env, system, version)
    if stored is None or version["version"] > stored:
        return None, False
    if version["version"] == stored:
        return env._(
            "Chargebee %(model)s %(id)s: resource_version %(version)s is already applied.",
            model=version["model"],
            id=version["id"],
            version=version["version"],
        ), False
    return env._(
        "Chargebee %(model)s %(id)s: resource_version %(version)s is older than the "
        "stored %(stored)s: ignored.",
        model=version["model"],
        id=version["id"],
        version=version["version"],
        stored=stored,
    ), True


def remember_version(env, event, message, result):
    """After a handler applied ``message`` of a Chargebee event: store its
    ``resource_version`` on the object's binding (never lowering it)."""
    version = message.get("source_version")
    system = event.system_id
    if system.kind != "chargebee" or not version:
        return
    if isinstance(result, HandlerResult) and result.ignored:
        return
    binding = env["saas.binding"].find_binding(system, version["model"], version["id"])
    stored = stored_version(env, system, version)
    if binding and (stored is None or version["version"] > stored):
        binding.source_version = str(version["version"])
