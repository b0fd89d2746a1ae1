# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Typed errors that handlers raise; their class decides what the engine does.

- :class:`TransientError` (lock, serialization, rate limit, network) and
  :class:`DependencyError` (a referenced object is not there yet) retry with
  exponential backoff and jitter, then go to the dead letter.
- :class:`MappingError` parks the event in ``needs_mapping`` until an
  administrator approves the missing mapping; it then retries by itself.
- :class:`EventValidationError` sends the event to the dead letter at once.

:class:`ReceiveRefused` is not a processing error: ``saas.event._receive``
raises it when an event is refused at the door (wrong environment, full inbox,
malformed header); nothing is stored, and a controller answers its status.
"""

import psycopg2

from odoo.exceptions import UserError

from .const import BUG_ERROR_CLASS

RETRY_AFTER_SECONDS = 30
# serialization, deadlock, lock not available, and unique violations (a
# concurrent event created the same row: the retry finds it).
TRANSIENT_PG_CODES = {"40001", "40P01", "55P03", "23505"}


class ReceiveRefused(Exception):
    """An event or a request refused before anything is stored.

    ``status`` is the HTTP status a controller answers, ``error`` a short
    code, ``headers`` extra HTTP headers, ``extra`` (e.g. ``field``) more keys
    of the answer's body.
    """

    def __init__(self, status, error, message, headers=None, **extra):
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.body = dict(error=error, message=message, **extra)
        self.headers = headers or {}


class SaasSyncError(Exception):
    error_class = "transient"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class TransientError(SaasSyncError):
    error_class = "transient"


class DependencyError(SaasSyncError):
    """A referenced object is not there yet.

    ``waits_for`` is ``(model, external id)`` of that object when a binding
    stands for it (and ``system`` the system binding it, the event's own by
    default): the engine records it on the event, and the creation of that
    binding makes the event due at once instead of after its backoff.
    """

    error_class = "dependency"

    def __init__(self, message, waits_for=None, system=None):
        super().__init__(message)
        self.waits_for = waits_for
        self.system = system


class EventValidationError(SaasSyncError):
    error_class = "validation"


class MappingError(SaasSyncError):
    """A mapping (kind, external key) is missing or not approved."""

    error_class = "mapping"

    def __init__(self, kind, external_key, system=None, message=None):
        self.kind = kind
        self.external_key = external_key
        self.system = system
        super().__init__(
            message
            or f"No approved {kind} mapping for {external_key!r}"
            + (f" (system {system.code})" if system else "")
        )


def classify_error(exc):
    """What the engine does with ``exc``, raised while an event was applied:
    ``(error_class, message, is_bug)``; ``is_bug`` asks for the traceback.

    Typed errors carry their class; Odoo's own refusals (a constraint, a locked
    period: ``UserError`` and its ``ValidationError``) are ``validation``;
    serialization failures, deadlocks, lock timeouts, unique violations and
    network errors are ``transient``; anything else is a defect in a handler
    (``bug``), never blamed on the event.
    """
    if isinstance(exc, SaasSyncError):
        return exc.error_class, exc.message, False
    if isinstance(exc, UserError):
        return EventValidationError.error_class, str(exc), False
    if isinstance(exc, psycopg2.Error) and exc.pgcode in TRANSIENT_PG_CODES:
        return TransientError.error_class, str(exc), False
    if isinstance(exc, OSError):
        return TransientError.error_class, repr(exc), False
    return BUG_ERROR_CLASS, f"{type(exc).__name__}: {exc}", True
