# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The audit trail's hash chain, without the ORM.

Each chained row is sealed in turn: the SHA-256 of its canonical content
(model, id and the values of its fixed columns), chained to the hash of the
row sealed before it, as Odoo's inalterability check chains journal entries.
Changing, removing or reordering any sealed row breaks the chain from that
row on; :func:`first_break` names the first place where it no longer holds.
"""

import datetime
import hashlib
import json
from decimal import Decimal

# The "previous hash" of the first row of a chain.
GENESIS = "0" * 64


def _canonical_value(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        # 12.50 and 12.5 are the same amount: the same text.
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _canonical_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_value(item) for item in value]
    # A float is not an exact amount: a chained column must not hold one.
    raise TypeError(f"Cannot seal a value of type {type(value).__name__}: {value!r}")


def canonical_content(model, record_id, values):
    """The canonical serialization (compact JSON, sorted keys) of one row:
    ``values`` maps column names to what the database holds."""
    document = {
        "model": model,
        "id": record_id,
        "values": {name: _canonical_value(value) for name, value in values.items()},
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(model, record_id, values):
    """SHA-256 (hex) of the canonical content of one row."""
    return hashlib.sha256(canonical_content(model, record_id, values).encode()).hexdigest()


def chain_hash(previous_hash, row_content_hash):
    """The chained hash of a row: SHA-256 of the previous row's chained hash
    followed by the row's content hash."""
    return hashlib.sha256(f"{previous_hash}{row_content_hash}".encode()).hexdigest()


def seal(previous_hash, content_hashes):
    """Chain ``content_hashes`` (in order) after ``previous_hash``; return
    ``[(content hash, previous hash, chained hash)]``, one per row."""
    seals = []
    for row_hash in content_hashes:
        chained = chain_hash(previous_hash, row_hash)
        seals.append((row_hash, previous_hash, chained))
        previous_hash = chained
    return seals


def first_break(entries, previous_hash=GENESIS):
    """The first entry at which the chain no longer holds, or None.

    ``entries``: the seals in chain order, each a mapping with ``content_hash``,
    ``previous_hash`` and ``hash`` as stored at sealing, and ``current_hash``:
    the content hash of the row as it is now (None when the row is gone).
    Returns ``(index, reason)``, ``reason`` one of ``"missing"`` (the row was
    deleted), ``"changed"`` (its content differs from what was sealed) or
    ``"chain"`` (the seal itself was altered, removed or reordered).
    """
    for index, entry in enumerate(entries):
        if entry["previous_hash"] != previous_hash or entry["hash"] != chain_hash(
            previous_hash, entry["content_hash"]
        ):
            return index, "chain"
        if entry["current_hash"] is None:
            return index, "missing"
        if entry["current_hash"] != entry["content_hash"]:
            return index, "changed"
        previous_hash = entry["hash"]
    return None
