"""The overall level of a reading, written once: the engine, the assessments (what is stored
and shown), the analytics and the reports all derive it here, so the API, the page and a
report cannot disagree when the rule changes.

`lowest`: the worst domain in force; `median`: the lower median of the assessed domains.
Levels are numbers 0–3; an unassessed domain is None in a mapping and −1 in an array."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from velferdslab.vocabulary import OverallRule

UNASSESSED = -1
_ABSENT = 99  # sorts after every level


def overall_rows(levels: np.ndarray, rule: str) -> np.ndarray:
    """Row-wise overall level of a [family, domain] array, −1 where a row has no level."""
    masked = np.where(levels >= 0, levels, _ABSENT)
    if rule == OverallRule.MEDIAN:
        ordered = np.sort(masked, axis=1)
        count = (levels >= 0).sum(axis=1)
        result = ordered[np.arange(len(levels)), np.maximum(count - 1, 0) // 2]
    else:
        result = masked.min(axis=1, initial=_ABSENT)
    return np.where(result >= _ABSENT, UNASSESSED, result).astype(int)


def overall(levels: Mapping[str, int | None] | np.ndarray, rule: str) -> int | None:
    """The overall level of one reading (a domain → level mapping, or one row of levels)."""
    if isinstance(levels, Mapping):
        row = [UNASSESSED if v is None else int(v) for v in levels.values()]
    else:
        row = [int(v) for v in levels]
    level = int(overall_rows(np.asarray([row], dtype=int).reshape(1, -1), rule)[0])
    return None if level == UNASSESSED else level
