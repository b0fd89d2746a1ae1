# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What invoices and payments share: a document recorded once per external
id, posted, traced and bound; receivable lines reconciled together."""

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
