# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What invoices and payments share: a document recorded once per external
id, posted, traced and bound; receivable lines reconciled together."""

import psycopg2

from .context import EventContext

RECEIVABLE = "asset_receivable"


def already_recorded(ctx, model, external_id):
    """The event's outcome when ``external_id`` is already bound to a
    ``model`` record (ignored, nothing booked twice), else None."""
    record = ctx.bound(model, external_id)
    if record:
        return ctx.ignored(
            ctx.env._(
                "%(doc)s %(id)s is already recorded.", doc=record.display_name, id=external_id
            )
        )
    return None


def post_and_bind(ctx, document, external_id):
    """Post a new invoice, credit note or payment, trace it on the event and
    bind it to ``external_id`` at the source's time."""
    document.action_post()
    ctx.log(document, "create")
    ctx.bind(document, external_id, source_updated_at=ctx.occurred_at)
    return document


def reconcile(lines):
    """Reconcile the open receivable lines among ``lines`` (when two or more)."""
    lines = lines.filtered(
        lambda line: line.account_id.account_type == RECEIVABLE and not line.reconciled
    )
    if len(lines) > 1:
        lines.reconcile()


def batch_contexts(env, pairs):
    """The contexts of a batch of ``(event, message)`` pairs (one system),
    sharing one memo of lookups."""
    memo = {}
    return [EventContext(env, event, message, memo) for event, message in pairs]


def read_each(ctxs, indexes, read, results):
    """``{index: read(ctx)}`` for the contexts of ``indexes`` whose ``read``
    (which looks things up and writes nothing) passes. The exception that
    refuses one (a customer not known yet, a missing mapping) becomes its
    result in ``results``: that event fails alone, as it would one by one,
    and the batch goes on without it (no split, nothing done twice). A
    database error still fails the whole batch."""
    values = {}
    for index in indexes:
        try:
            values[index] = read(ctxs[index])
        except psycopg2.Error:
            raise
        except Exception as exc:  # noqa: BLE001 - the event's own outcome
            results[index] = exc
    return values


def by_env(ctxs, indexes):
    """``indexes`` grouped by the environment (company) of their context."""
    groups = {}
    for index in indexes:
        groups.setdefault(ctxs[index].env, []).append(index)
    return groups.items()


def post_and_bind_all(ctxs, documents, external_ids):
    """:func:`post_and_bind` for the new documents of a batch: one
    ``action_post()``, one ``create()`` of the event trail, one INSERT of the
    bindings."""
    documents.action_post()
    return trail_and_bind_new(ctxs, documents, external_ids)


def trail_and_bind_new(ctxs, records, external_ids):
    """Trace the new ``records`` (one per context) on their events and bind
    them to ``external_ids`` at the sources' times: one ``create()`` of the
    trail, one INSERT of the bindings."""
    trail(ctxs, records, "create")
    ctxs[0].env["saas.binding"].bind_new(
        ctxs[0].system,
        [
            (record, external_id, ctx.event, ctx.occurred_at)
            for ctx, record, external_id in zip(ctxs, records, external_ids, strict=True)
        ],
    )
    return records


def trail(ctxs, records, operation):
    """Log ``records`` (one per context) on their events at once."""
    ctxs[0].env["saas.event.record"].sudo().create(
        [
            {
                "event_id": ctx.event.id,
                "res_model": record._name,
                "res_id": record.id,
                "operation": operation,
            }
            for ctx, record in zip(ctxs, records, strict=True)
        ]
    )
