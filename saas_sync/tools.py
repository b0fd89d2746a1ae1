# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading the suite's settings (``ir.config_parameter``) with their defaults."""

import psycopg2

from odoo.exceptions import AccessError
from odoo.tools import SQL

from .const import DEFAULTS, PARAM_PREFIX
from .lib.backoff import BackoffPolicy


def check_group(env, group, message):
    """Raise ``AccessError(message)`` unless the user is in ``group`` (an
    XML id such as ``const.ADMIN_GROUP``) or this is the superuser."""
    if not env.su and not env.user.has_group(group):
        raise AccessError(message)


def get_setting(env, key):
    """Return the setting ``saas_sync.<key>`` cast to the type of its default."""
    default = DEFAULTS[key]
    raw = env["ir.config_parameter"].sudo().get_param(PARAM_PREFIX + key)
    if raw in (None, False, ""):
        return default
    try:
        return type(default)(raw)
    except (TypeError, ValueError):
        return default


def database_environment(env):
    return get_setting(env, "environment")


def backoff_policy(env):
    return BackoffPolicy(
        base=float(get_setting(env, "backoff_base")),
        factor=float(get_setting(env, "backoff_factor")),
        cap=float(get_setting(env, "backoff_cap")),
        max_attempts=int(get_setting(env, "max_attempts")),
    )


def insert_rows(model, rows, conflict_columns, returning=("id",)):
    """INSERT ``rows`` (dicts of column values) of ``model`` in one statement,
    with the log columns filled and ``ON CONFLICT (conflict_columns) DO
    NOTHING``; return the ``returning`` columns of the rows inserted.

    A value may be an :class:`~odoo.tools.SQL` expression. Rows that conflict
    with a row visible to this transaction are skipped; a conflict with a row
    committed by a concurrent transaction after ours began raises
    ``psycopg2.errors.SerializationFailure`` (repeatable read): the caller
    runs this in a savepoint and decides, after flushing ``model`` (a flush
    inside a savepoint that rolls back would lose its writes). Nothing is
    logged as an error: the exactly-once paths (inbox, bindings) expect such
    races."""
    env = model.env
    now = SQL("(now() AT TIME ZONE 'UTC')")
    log_columns = {
        "create_uid": env.uid,
        "write_uid": env.uid,
        "create_date": now,
        "write_date": now,
    }
    columns = sorted(set(log_columns).union(*rows))

    def value(row, column):
        item = row.get(column, log_columns.get(column))
        if isinstance(item, SQL):
            return item
        return SQL("%s", None if item is False else item)

    query = SQL(
        "INSERT INTO %s (%s) VALUES %s ON CONFLICT (%s) DO NOTHING RETURNING %s",
        SQL.identifier(model._table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
        SQL(", ").join(
            SQL("(%s)", SQL(", ").join(value(row, column) for column in columns)) for row in rows
        ),
        SQL(", ").join(SQL.identifier(column) for column in conflict_columns),
        SQL(", ").join(SQL.identifier(column) for column in returning),
    )
    env.cr.execute(query, log_exceptions=False)
    return env.cr.fetchall()


def insert_unless_exists(model, values, conflict_columns):
    """INSERT a row of ``model`` with log columns filled; return its id, or None
    when a row with the same ``conflict_columns`` exists (even one committed by
    a concurrent transaction after ours began)."""
    model.flush_model()
    try:
        with model.env.cr.savepoint(flush=False):
            rows = insert_rows(model, [values], conflict_columns)
    except psycopg2.errors.SerializationFailure:
        # Repeatable read: the other transaction committed after our snapshot.
        return None
    return rows[0][0] if rows else None


def notification(message, kind="info"):
    """The client action that shows ``message`` as a notification (``kind``:
    success, info, warning, danger), what a button answers when it has run."""
    return {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {"type": kind, "message": message},
    }


# The mark of the suite's own code writing the ledger (movements, facts) or
# purging sandbox data. A context value no RPC client can send: JSON has no
# Python object, so a context key set from outside never matches it.
_LEDGER_WRITER = object()


def as_ledger_writer(records):
    """``records`` in an environment allowed to write or delete ledger rows."""
    return records.with_context(saas_ledger_writer=_LEDGER_WRITER)


def is_ledger_writer(env):
    return env.context.get("saas_ledger_writer") is _LEDGER_WRITER
