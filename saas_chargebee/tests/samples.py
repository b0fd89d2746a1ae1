# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Chargebee resources and event envelopes for the tests (pure Python: the
pytest unit tests import it too). ``fixtures/resources.json`` holds the
resources, in Chargebee's documented shapes with values of our own."""

import copy
import itertools
import json
from pathlib import Path

RESOURCES = json.loads(
    (Path(__file__).resolve().parent / "fixtures" / "resources.json").read_text()
)
JAN_1 = 1767225600  # 2026-01-01T00:00:00Z
FEB_1 = 1769904000
MAR_1 = 1772323200
APR_1 = 1775001600
DAY = 86400
_ids = itertools.count(1)


def resource(kind, **overrides):
    """A deep copy of the sample ``kind`` (customer, subscription, invoice,
    credit_note, transaction) with ``overrides`` applied."""
    obj = copy.deepcopy(RESOURCES[kind])
    obj.update(overrides)
    return obj


def chargebee_event(event_type, occurred_at=JAN_1, event_id=None, **content):
    """An event envelope as Chargebee posts it to a webhook."""
    return {
        "id": event_id or f"ev_test_{next(_ids)}",
        "occurred_at": occurred_at,
        "source": "admin_console",
        "user": "ops@acme.example",
        "object": "event",
        "api_version": "v2",
        "event_type": event_type,
        "webhook_status": "scheduled",
        "content": copy.deepcopy(content),
    }
