# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Stripe test helpers: signed payloads, events built from Stripe's own sample
objects (``fixtures/fixtures3.json`` beside this file, current API shape) and
from localstripe-style legacy objects."""

import copy
import hashlib
import hmac
import itertools
import json
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fixtures3.json"
_ids = itertools.count(1)


def stripe_fixture(resource, **overrides):
    """A deep copy of Stripe's sample object ``resource`` with ``overrides`` applied."""
    resources = json.loads(FIXTURES.read_text())["resources"]
    obj = copy.deepcopy(resources[resource])
    obj.update(overrides)
    return obj


def stripe_event(event_type, obj, previous=None, event_id=None, created=None, livemode=False):
    event = {
        "id": event_id or f"evt_test_{next(_ids)}",
        "object": "event",
        "type": event_type,
        "api_version": "2025-06-30.basil",
        "created": created or 1767225600,  # 2026-01-01T00:00:00Z
        "livemode": livemode,
        "data": {"object": obj},
    }
    if previous is not None:
        event["data"]["previous_attributes"] = previous
    return event


def sign(payload, secret, timestamp=None):
    """A Stripe-Signature header, computed as Stripe documents it."""
    timestamp = int(timestamp if timestamp is not None else time.time())
    signed = f"{timestamp}.{payload}".encode()
    signature = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"
