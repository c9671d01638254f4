"""The portfolio's quarter rows: families per level at each quarter end, with the two groups
(below stable; stable or better) in the same suppressed table, so that no view of a quarter —
the four levels, the groups, the share at stable or better — gives away what another hides.

Where a group's count is hidden but the quarter's families are shown, the count is told as the
range it lies in ("1–4 of 21") and the share as a band (issue 22): the range says only what the
rule itself says (fewer than the threshold), never more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from typing import Any

from velferdslab.benefits.suppression import Suppression, suppress_table

LEVEL_GROUPS = ((0, 1), (2, 3))  # below stable (unsustainable, exposed); stable or better


def level_table(
    counts: list[list[int]], quarters: Sequence[dt.date], suppression: Suppression, key: Hashable
) -> dict[str, Any]:
    """Quarters as rows, the four levels as columns, each row's total and its two groups."""
    if not counts:
        return {"cells": []}
    if not suppression.applied:
        table = suppress_table(counts, 0, col_totals=False, groups=LEVEL_GROUPS)
    else:
        table = suppression.table(counts, key, row_keys=quarters, col_totals=False,
                                  groups=LEVEL_GROUPS, grand_total=False)  # fmt: skip
    return {**table, "counts": counts, "key": key}


def grouped_rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    """Each quarter in the four levels when none of them is hidden, else in the two groups."""
    rows = []
    for r, cells in enumerate(table["cells"]):
        fine = not any(cell["suppressed"] for cell in cells)
        rows.append(
            {
                "grouping": "levels" if fine else "groups",
                "cells": cells if fine else table["groups"][r],
                "total": table["row_totals"][r],
            }
        )
    return rows


def stable_share(
    quarters: Sequence[dt.date], table: dict[str, Any], suppression: Suppression
) -> list[dict[str, Any]]:
    """Per quarter end: the families assessed, how many are at stable or sustainable, and the
    share; a hidden count of stable or better beside a shown number of families is given as the
    range it lies in, and the share as a band."""
    rows = []
    for r, quarter in enumerate(quarters):
        families, stable = table["row_totals"][r], dict(table["groups"][r][1])
        if families["suppressed"]:  # "0 of a hidden few" still says something of each of them
            stable = {"value": None, "suppressed": True}
        total, count = sum(table["counts"][r]), sum(table["counts"][r][2:])
        shown = not families["suppressed"] and not stable["suppressed"]
        span = None
        if stable["suppressed"] and not families["suppressed"]:
            span = _range(count, total, suppression, (table["key"], "group", quarter, 1))
        rows.append(
            {
                "quarter_end": quarter,
                "families": families,
                "stable_or_better": stable,
                "stable_or_better_range": list(span) if span else None,
                "share": round(count / total, 4) if shown and total else None,
                "share_range": [round(span[0] / total, 4), round(span[1] / total, 4)]
                if span
                else None,
            }
        )
    return rows


def _range(
    count: int, total: int, suppression: Suppression, key: Hashable
) -> tuple[int, int] | None:
    """What the rule already tells: a count under the threshold lies in 1 … threshold − 1, and
    one whose complement does lies in total − threshold + 1 … total − 1. A figure hidden because
    another view hides it (a region's, for its municipalities) gets the sum of what those views
    tell, or none: the rule's own range beside theirs could pin it down."""
    if key in suppression.elsewhere:
        return suppression.spans.get(key)
    if suppression.small(count):
        return 1, suppression.threshold - 1
    if suppression.small(total - count):
        return total - suppression.threshold + 1, total - 1
    return None
