# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Handler and adapter registries of the processing engine.

Addons register, at import time, the function that applies a canonical event
type for a kind of system, and the adapter that turns a system's raw payload
into canonical events::

    from odoo.addons.saas_sync.registry import register_handler

    @register_handler("subscription.activated")            # every kind
    def apply_subscription_activation(env, event, message): ...

    @register_handler("customer.upserted", kinds=("crm",))  # one kind only
    def apply_crm_customer(env, event, message): ...

An entry only counts in a database where the addon that registered it is
installed, so a server hosting several databases behaves per database.

A handler receives the environment, the ``saas.event`` being processed and
one canonical message (a dict). It returns ``None`` (done), or a
:class:`HandlerResult` to mark the event ignored with a reason. It raises
the errors of :mod:`..exceptions` for everything else.
"""

from dataclasses import dataclass, field

ANY_KIND = "*"

_HANDLERS = {}
_ADAPTERS = {}


@dataclass
class HandlerResult:
    ignored: bool = False
    reason: str = ""
    notes: list = field(default_factory=list)


def _module_of(func):
    parts = func.__module__.split(".")
    if len(parts) > 2 and parts[0] == "odoo" and parts[1] == "addons":
        return parts[2]
    return None


def register_handler(event_type, kinds=(ANY_KIND,)):
    def decorator(func):
        for kind in kinds:
            _HANDLERS[(kind, event_type)] = func
        return func

    return decorator


def unregister_handler(event_type, kinds=(ANY_KIND,)):
    for kind in kinds:
        _HANDLERS.pop((kind, event_type), None)


def register_adapter(kind):
    """Register ``normalize(env, event, payload) -> [canonical messages]``."""

    def decorator(func):
        _ADAPTERS[kind] = func
        return func

    return decorator


def _installed_modules(env):
    """Addons installed (or being installed) in this database.

    Cached on the registry once it is ready; while modules load (demo data
    processing events), it is read each time.
    """
    cached = getattr(env.registry, "_saas_installed_modules", None)
    if cached is not None:
        return cached
    env.cr.execute(
        "SELECT name FROM ir_module_module WHERE state IN ('installed', 'to upgrade', 'to install')"
    )
    modules = {row[0] for row in env.cr.fetchall()}
    if env.registry.ready:
        env.registry._saas_installed_modules = modules
    return modules


def _installed(env, func):
    module = _module_of(func)
    return module is None or module in _installed_modules(env)


def find_handler(env, kind, event_type):
    for key in ((kind, event_type), (ANY_KIND, event_type)):
        func = _HANDLERS.get(key)
        if func and _installed(env, func):
            return func
    return None


def find_adapter(env, kind):
    func = _ADAPTERS.get(kind)
    if func and _installed(env, func):
        return func
    return None
