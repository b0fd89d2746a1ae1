# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Handlers of canonical event types, reachable through models.

An addon handles event types with an abstract model that inherits
``saas.handler`` and declares which method applies which type::

    class SaasHandlerBilling(models.AbstractModel):
        _name = "saas.handler.billing"
        _inherit = "saas.handler"
        _description = "Billing document handlers"
        _saas_event_types = {"invoice.issued": "_apply_invoice_issued"}

        def _apply_invoice_issued(self, event, message):
            ...

Another addon adjusts a handler the Odoo way, with ``_inherit =
"saas.handler.billing"`` and ``super()``. A handler method receives the
``saas.event`` being processed and one canonical message (a dict); it
returns ``None`` (done) or a :class:`~..lib.outcome.HandlerResult`, and
raises the errors of :mod:`..exceptions` for everything else.

A handler model may also apply several events of a type at once (fewer
queries, one ``create()`` of many records): ``_saas_batch_types`` maps the
type to a method receiving a list of ``(event, message)`` pairs and
returning one result per pair (``None`` or a ``HandlerResult``), in order::

        _saas_batch_types = {"invoice.issued": "_apply_invoices_issued"}

The engine hands such a method the events of a claimed batch whose objects
(:meth:`SaasHandler._saas_batch_keys`) are disjoint, in one savepoint; when
it raises, the engine splits the list in halves and, down to one event,
applies that event alone through its ordinary method. So a batch method may
simply raise on any problem: the event at fault ends with its own outcome,
and the others are applied. A result may also be the exception that refused
its event before anything of it was written (a missing customer, a
mapping): that event fails with it as it would alone, and the batch is not
split. ``_saas_batch_accepts`` lets a handler keep some messages of a
batchable type on the one-by-one path.

A batch method never hides a customization: when an addon overrides the
one-by-one method of a type (``_apply_invoice_issued``) after the batch
method was last defined, and not the batch method too, the engine applies
that type one by one (:func:`batch_is_current`), so the override runs for
every event, under load as for a single one. A batch method that runs the
one-by-one method for each event itself lists its type in
``_saas_batch_per_record``: it stays batched whatever the overrides.

``_saas_system_kinds`` limits a handler model to some kinds of systems
(empty: every kind); a kind-specific handler wins over a general one. An
event type claimed by two handler models for the same kind fails loudly when
the registry loads.
"""

import psycopg2

from odoo import api, models

ANY_KIND = "*"


def build_handler_table(declarations):
    """``{(kind, event_type): (model_name, method_name)}`` from the
    declarations ``(model_name, kinds, {event_type: method_name})``.

    Raises ``ValueError`` naming both models when two claim the same type for
    the same kind.
    """
    table = {}
    for model_name, kinds, event_types in declarations:
        for kind in kinds or (ANY_KIND,):
            for event_type, method_name in event_types.items():
                key = (kind, event_type)
                if key in table and table[key][0] != model_name:
                    raise ValueError(
                        f"Event type {event_type!r} (systems of kind {kind!r}) is handled by "
                        f"both {table[key][0]} and {model_name}: one handler per type; "
                        f"adjust the existing one with _inherit and super()."
                    )
                table[key] = (model_name, method_name)
    return table


def batch_is_current(model_class, method_name, batch_name):
    """Whether the batch method ``batch_name`` of a handler model class was
    defined (or overridden) at least as late as the one-by-one method
    ``method_name``: false when an addon loaded after the batch method
    overrides the one-by-one method only, whose override the batch method
    cannot know. Odoo's model classes list the latest ``_inherit`` first in
    their MRO."""
    mro = model_class.__mro__

    def rank(name):
        return next((index for index, klass in enumerate(mro) if name in vars(klass)), len(mro))

    return rank(batch_name) <= rank(method_name)


class SaasHandler(models.AbstractModel):
    _name = "saas.handler"
    _description = "Integration Event Handlers"

    # {canonical event type: name of the method that applies it}
    _saas_event_types = {}
    # kinds of systems the handlers apply to; empty means every kind
    _saas_system_kinds = ()
    # {canonical event type: name of the method applying a list of them}
    _saas_batch_types = {}
    # types whose batch method runs the type's one-by-one method per event
    # (its overrides included): batched whatever the overrides
    _saas_batch_per_record = ()

    @api.model
    def _handler_declarations(self):
        for model_name in sorted(self.pool["saas.handler"]._inherit_children):
            model = self.env[model_name]
            if model._saas_event_types:
                yield model_name, tuple(model._saas_system_kinds), dict(model._saas_event_types)

    @api.model
    def _handler_table(self):
        table = getattr(self.pool, "_saas_handler_table", None)
        if table is None:
            table = build_handler_table(self._handler_declarations())
            self.pool._saas_handler_table = table
        return table

    def _setup_complete(self):
        result = super()._setup_complete()
        # The models were set up again (a module was loaded during an install
        # or upgrade): the handlers it brings count from now on, even before
        # the registry's final _register_hook (demo data of the next module).
        self.pool._saas_handler_table = None
        return result

    def _register_hook(self):
        super()._register_hook()
        # A fresh registry (modules installed or upgraded) builds its table
        # now: a type claimed twice stops the registry from loading.
        self.pool._saas_handler_table = None
        self._handler_table()

    @api.model
    def _find_batch_handler(self, kind, event_type, message):
        """The method applying a list of ``event_type`` messages at once, or
        None when the type has none, when its handler keeps ``message`` on the
        one-by-one path (:meth:`_saas_batch_accepts`), or when an addon
        overrode the type's one-by-one method after the batch method was
        defined (:func:`batch_is_current`): the override must run."""
        table = self._handler_table()
        entry = table.get((kind, event_type)) or table.get((ANY_KIND, event_type))
        if not entry:
            return None
        model = self.env[entry[0]]
        batch_name = model._saas_batch_types.get(event_type)
        if not batch_name or not model._saas_batch_accepts(event_type, message):
            return None
        if event_type not in model._saas_batch_per_record and not batch_is_current(
            type(model), entry[1], batch_name
        ):
            return None
        return getattr(model, batch_name)

    @api.model
    def _saas_batch_accepts(self, event_type, message):
        """Whether ``message`` may be applied in a batch (default: yes)."""
        return True

    @api.model
    def _saas_batch_keys(self, message):
        """The external objects ``message`` is about: every id in its data
        (keys ending in ``_id``, lists in keys ending in ``_ids``). Two
        messages sharing one are never applied in the same batch: they apply
        one after the other, in the order of their effective dates."""
        keys = set()
        for key, value in (message.get("data") or {}).items():
            if key.endswith("_id") and isinstance(value, str | int):
                keys.add(str(value))
            elif key.endswith("_ids") and isinstance(value, list):
                keys.update(str(item) for item in value if isinstance(item, str | int))
        return keys

    @api.model
    def _saas_apply_each(self, method, pairs):
        """A batch method's body for a type applied record by record: run
        ``method(event, message)`` (the type's one-by-one method, overrides
        included) for each pair, each in its own savepoint; the exception of
        one becomes its result (nothing of it stays written), so the others
        are kept and the batch is not split. What the batch saves is the
        engine's work around each event: one step, one commit, outcomes and
        attempts written set-wise. A database error fails the whole batch."""
        results = []
        for event, message in pairs:
            try:
                with self.env.cr.savepoint():
                    results.append(method(event, message))
            except psycopg2.Error:
                raise
            except Exception as exc:  # noqa: BLE001 - the event's own outcome
                results.append(exc)
        return results

    @api.model
    def _find_handler(self, kind, event_type):
        """The method applying ``event_type`` for systems of ``kind``, or None."""
        table = self._handler_table()
        entry = table.get((kind, event_type)) or table.get((ANY_KIND, event_type))
        if not entry:
            return None
        model_name, method_name = entry
        method = getattr(self.env[model_name], method_name, None)
        if method is None:
            raise ValueError(f"{model_name} declares {event_type!r} but has no {method_name}()")
        return method
