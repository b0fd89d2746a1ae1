# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import hashlib
from decimal import Decimal

import pytest

from odoo.addons.saas_sync.lib.audit_chain import (
    GENESIS,
    canonical_content,
    chain_hash,
    content_hash,
    first_break,
    seal,
)

ROW = {
    "amount": Decimal("12.50"),
    "date": datetime.date(2026, 2, 1),
    "received_at": datetime.datetime(2026, 2, 1, 9, 30, 5),
    "external_id": "evt_1",
    "note": None,
    "livemode": False,
    "count": 3,
}


def test_canonical_content_is_sorted_compact_json():
    assert canonical_content("saas.event", 7, ROW) == (
        '{"id":7,"model":"saas.event","values":{"amount":"12.5","count":3,'
        '"date":"2026-02-01","external_id":"evt_1","livemode":false,"note":null,'
        '"received_at":"2026-02-01 09:30:05"}}'
    )


def test_same_amount_same_hash_other_amount_other_hash():
    assert content_hash("m", 1, {"a": Decimal("12.50")}) == content_hash(
        "m", 1, {"a": Decimal("12.5")}
    )
    assert content_hash("m", 1, {"a": Decimal("0.00")}) == content_hash("m", 1, {"a": Decimal(0)})
    assert content_hash("m", 1, {"a": Decimal("100")}) != content_hash("m", 1, {"a": Decimal("1")})
    # the id and the model are part of the content
    assert content_hash("m", 1, ROW) != content_hash("m", 2, ROW)
    assert content_hash("m", 1, ROW) != content_hash("n", 1, ROW)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        content_hash("m", 1, {"amount": 12.5})


def test_chain_hash_is_sha256_of_previous_then_content():
    expected = hashlib.sha256((GENESIS + "ab").encode()).hexdigest()
    assert chain_hash(GENESIS, "ab") == expected


def test_seal_chains_each_row_to_the_one_before():
    hashes = [content_hash("m", i, {"v": i}) for i in range(3)]
    seals = seal(GENESIS, hashes)
    assert [s[0] for s in seals] == hashes
    assert seals[0][1] == GENESIS
    assert seals[1][1] == seals[0][2] and seals[2][1] == seals[1][2]
    # sealing in two steps gives the same chain as at once
    assert seal(GENESIS, hashes[:1]) + seal(seals[0][2], hashes[1:]) == seals


def _entries():
    hashes = [content_hash("m", i, {"v": i}) for i in range(4)]
    return [
        {"content_hash": c, "previous_hash": p, "hash": h, "current_hash": c}
        for c, p, h in seal(GENESIS, hashes)
    ]


def test_intact_chain_has_no_break():
    assert first_break(_entries()) is None
    assert first_break([]) is None


def test_changed_row_is_named():
    entries = _entries()
    entries[2]["current_hash"] = content_hash("m", 2, {"v": 99})
    assert first_break(entries) == (2, "changed")


def test_deleted_row_is_named():
    entries = _entries()
    entries[1]["current_hash"] = None
    assert first_break(entries) == (1, "missing")


def test_rewritten_seal_or_removed_seal_breaks_the_chain():
    entries = _entries()
    # a row changed and its content hash re-computed: the chained hash no longer matches
    entries[1]["content_hash"] = entries[1]["current_hash"] = "f" * 64
    assert first_break(entries) == (1, "chain")
    entries = _entries()
    del entries[1]
    assert first_break(entries) == (1, "chain")
    entries = _entries()
    entries[0], entries[1] = entries[1], entries[0]
    assert first_break(entries) == (0, "chain")
