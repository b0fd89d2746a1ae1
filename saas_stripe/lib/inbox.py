# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The inbox fields of a Stripe event (pure Python)."""

from datetime import datetime, timezone

from .translate import HANDLED_TYPES

UTC = timezone.utc  # datetime.UTC is Python 3.11+; the suite runs on 3.10


def stripe_header(event):
    """The ``saas.event`` header of a Stripe event (a dict as Stripe sends
    it). ``id`` and ``type`` are passed as they are: the inbox refuses what is
    not a string. A type the suite does not handle is stored ignored."""
    event_type = event.get("type")
    header = {
        "id": event.get("id"),
        "type": event_type,
        "occurred_at": datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC).replace(
            tzinfo=None
        ),
        "api_version": event.get("api_version"),
        "livemode": bool(event.get("livemode")),
    }
    if isinstance(event_type, str) and event_type not in HANDLED_TYPES:
        header["state"] = "ignored"
        header["ignore_reason"] = f"Stripe event type {event_type} is not handled."
    return header
