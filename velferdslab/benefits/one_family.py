"""One family's engine tables straight from its records, without pandas: the lead's family page
computes one family at a time, where building and sorting frames cost more than the pricing.

`family_tables` gives exactly what `paths.prepare_with_path` gives for that family from the
frames (a property test checks every array): the same path, cut at T by the same `settle`, and
the spending summed in the same order, so `engine.evaluate` prices them to the same bit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import numpy as np

from velferdslab.benefits.engine import Prepared
from velferdslab.benefits.paths import Path, settle
from velferdslab.benefits.spending import is_approved_by
from velferdslab.vocabulary import DOMAINS

EPOCH = dt.date(1970, 1, 1)

# (assessed on, record order, the level of each domain in DOMAINS order or None)
Reading = tuple[dt.date, int, Sequence[int | None]]
# (spent on, status, amount)
Spending = tuple[dt.date, str, float]


def family_path(family_id: int, readings: Iterable[Reading], as_of: dt.date) -> Path:
    """paths.actual_path of one family: per domain, of two readings on one date the later
    recorded wins, and a reading that repeats the level before it is no change."""
    upto = sorted((r for r in readings if r[0] <= as_of), key=lambda r: (r[0], r[1]))
    domain: list[int] = []
    start: list[int] = []
    level: list[int] = []
    for column in range(len(DOMAINS)):
        by_date: dict[dt.date, int] = {}
        for on, _order, levels in upto:  # date and record order: the later one stays
            value = levels[column]
            if value is not None:
                by_date[on] = int(value)
        previous = None
        for on, value in by_date.items():  # insertion order is date order
            if value != previous:
                domain.append(column)
                start.append((on - EPOCH).days)
                level.append(value)
                previous = value
    count = len(domain)
    return Path(
        family_ids=np.array([family_id], dtype=np.int64),
        row=np.zeros(count, dtype=np.int64),
        domain=np.array(domain, dtype=np.int64),
        start=np.array(start, dtype=np.int64),
        level=np.array(level, dtype=np.int8),
    )


def approved_spending(spending: Iterable[Spending], as_of: dt.date) -> float:
    """K: approved spending dated on or before T, added in the order given (as the engine's
    np.add.at adds the rows of its frame)."""
    total = 0.0
    for on, status, amount in spending:
        if is_approved_by(status, on, as_of):
            total += float(amount)
    return total


def family_tables(
    family_id: int, readings: Iterable[Reading], spending: Iterable[Spending], as_of: dt.date
) -> tuple[Prepared, Path]:
    """prepare_with_path(…, as_of, [family_id]) from plain records: (the engine's tables at T,
    the actual path)."""
    path = family_path(family_id, readings, as_of)
    ends = np.array([(as_of - EPOCH).days], dtype=np.int64)
    total = np.array([approved_spending(spending, as_of)])
    return settle(path, ends, total, as_of), path
