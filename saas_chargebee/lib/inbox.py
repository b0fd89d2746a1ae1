# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The inbox fields of a Chargebee event (pure Python)."""

from datetime import datetime, timezone

from .translate import HANDLED_TYPES

UTC = timezone.utc  # datetime.UTC is Python 3.11+; the suite runs on 3.10


def is_test_site(site):
    """Chargebee names a site's test site ``<site>-test``."""
    return bool(site) and site.lower().endswith("-test")


def chargebee_header(event, livemode=None):
    """The ``saas.event`` header of a Chargebee event (a dict as Chargebee
    sends it). ``id`` and ``event_type`` are passed as they are: the inbox
    refuses what is not a string. A type the suite does not handle is stored
    ignored. ``livemode`` (known from the site the event came from) is
    checked against the system's environment by the inbox."""
    event_type = event.get("event_type")
    occurred = event.get("occurred_at")
    header = {
        "id": event.get("id"),
        "type": event_type,
        "occurred_at": datetime.fromtimestamp(int(occurred), tz=UTC).replace(tzinfo=None)
        if isinstance(occurred, int) and not isinstance(occurred, bool)
        else None,
        "api_version": event.get("api_version"),
        "livemode": livemode,
    }
    if isinstance(event_type, str) and event_type not in HANDLED_TYPES:
        header["state"] = "ignored"
        header["ignore_reason"] = f"Chargebee event type {event_type} is not handled."
    return header
