# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pull: Accounts and Opportunities changed since the watermark, stored
through the inbox's one way in (one event per record version). The query is
a ``queryAll``: a record deleted or merged away since the watermark is read
too (``IsDeleted`` true, its deletion a new ``SystemModstamp``), as Outbound
Messages never report deletions; ``getDeleted`` adds the Opportunities
already purged from the Recycle Bin.

The watermark is the start of the last pull that read everything, less an
overlap for records committed late in Salesforce; a record read twice is the
same inbox event (its id is its Id and ``SystemModstamp``), and a version a
pushed Outbound Message already applied is ignored by the adapter.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

from odoo import fields

from odoo.addons.saas_sync.exceptions import ReceiveRefused

from ..lib.translate import (
    ACCOUNT,
    OPPORTUNITY,
    TranslationError,
    deleted_record,
    inbox_header,
    pull_event_id,
    soql_query,
)
from .client import RequestLimitExceeded, SalesforceError

OVERLAP = timedelta(minutes=5)
# getDeleted answers for the last 30 days at most: a day of margin.
DELETED_WINDOW = timedelta(days=29)
BATCH = 100


@dataclass
class PullOutcome:
    stored: int = 0
    duplicates: int = 0
    error: str = ""

    def summary(self, env):
        text = env._(
            "%(stored)s records stored, %(dup)s already in the inbox.",
            stored=self.stored,
            dup=self.duplicates,
        )
        if self.error:
            text += " " + env._("Stopped: %s", self.error)
        return text


def _store(system, records, outcome):
    if not records:
        return
    livemode = system.environment == "production"
    now = fields.Datetime.now()
    items = []
    for record in records:
        decoded = {"source": "pull", "record": record}
        raw = json.dumps(decoded, sort_keys=True, separators=(",", ":"))
        items.append((raw, decoded, inbox_header(pull_event_id(record), record, now, livemode)))
    for _event, created in system.env["saas.event"].sudo()._receive(system, items):
        if created:
            outcome.stored += 1
        else:
            outcome.duplicates += 1


def _purged_opportunities(client, since, until):
    """The Opportunities deleted since ``since`` as getDeleted lists them:
    those already purged from the Recycle Bin (emptied by hand), which
    ``queryAll`` no longer returns, unbook their deals too. A deletion read
    both ways is one inbox event or one already applied."""
    start = max(since, until - DELETED_WINDOW)
    return [deleted_record(OPPORTUNITY, item) for item in client.deleted(OPPORTUNITY, start, until)]


def pull_changes(system, client):
    """Read what changed into the inbox; move the watermark only when every
    query and page was read and stored. Returns a :class:`PullOutcome`."""
    outcome = PullOutcome()
    if client is None:
        outcome.error = system.env._("The Connected App is not configured.")
        return outcome
    started = fields.Datetime.now()
    since = system.salesforce_last_sync and system.salesforce_last_sync - OVERLAP
    config = system._salesforce_field_config()
    try:
        for object_type in (ACCOUNT, OPPORTUNITY):
            batch = []
            soql = soql_query(object_type, config, since)
            for record in client.query(soql, include_deleted=True):
                batch.append(record)
                if len(batch) >= BATCH:
                    _store(system, batch, outcome)
                    batch = []
            _store(system, batch, outcome)
        if since:
            _store(system, _purged_opportunities(client, since, started), outcome)
    except RequestLimitExceeded as exc:
        outcome.error = str(exc)
        system._salesforce_pause(outcome.error)
        return outcome
    except (SalesforceError, ReceiveRefused, TranslationError) as exc:
        outcome.error = getattr(exc, "message", str(exc))
        system.salesforce_last_pull_error = outcome.error
        return outcome
    system.write(
        {
            "salesforce_last_sync": started,
            "salesforce_backoff_until": False,
            "salesforce_backoff_count": 0,
            "salesforce_last_pull_error": False,
        }
    )
    return outcome
