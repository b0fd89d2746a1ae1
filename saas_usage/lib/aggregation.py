# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Aggregation: a period's usage records of one meter and customer as the one
quantity that is rated (no ORM). Lago's billable metrics are the model:

``sum``
    the sum of the records' values;
``count``
    the number of records;
``max``
    the largest value;
``last``
    the value of the latest record (by timestamp; records of the same
    timestamp keep their given order, the later one wins);
``unique_count``
    the number of distinct values of one property (``unique_key``) among the
    records that carry it.

No record gives zero for every aggregation. Values are exact ``Decimal``.
The month-end SQL of ``saas.usage.record`` computes the same figures
set-based; this module is its reference.
"""

import json
from collections import namedtuple
from decimal import Decimal

from .rating import to_decimal

AGGREGATIONS = ("sum", "count", "max", "last", "unique_count")
ZERO = Decimal(0)

UsageRecord = namedtuple("UsageRecord", ["timestamp", "value", "properties"], defaults=(None,))


def _unique_value(value):
    """The value a unique count compares, as PostgreSQL compares ``jsonb``:
    by JSON kind first (the number 1, the string "1" and ``true`` are three
    values), numbers by their value (1 and 1.0 are one), lists and objects
    by their content."""
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, int | float | Decimal):
        return ("number", Decimal(str(value)).normalize())
    if isinstance(value, str):
        return ("string", value)
    return ("json", json.dumps(value, sort_keys=True, default=str))


def aggregate(aggregation, records, unique_key=None):
    """The ``aggregation`` (one of ``AGGREGATIONS``) of ``records``
    (``UsageRecord`` or tuples of timestamp, value, properties)."""
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {aggregation!r}: one of {', '.join(AGGREGATIONS)}")
    records = [UsageRecord(*record) for record in records]
    if aggregation == "count":
        return Decimal(len(records))
    if aggregation == "unique_count":
        if not unique_key:
            raise ValueError("a unique count needs the property to count")
        seen = {
            _unique_value((record.properties or {})[unique_key])
            for record in records
            if (record.properties or {}).get(unique_key) is not None
        }
        return Decimal(len(seen))
    values = [to_decimal(record.value, "usage value") for record in records]
    if not values:
        return ZERO
    if aggregation == "sum":
        return sum(values, ZERO)
    if aggregation == "max":
        return max(values)
    latest = max(range(len(records)), key=lambda index: (records[index].timestamp, index))
    return values[latest]
