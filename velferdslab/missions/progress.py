"""A mission's progress from its counts: per quarter end the value, the required path and the
gap; the forecast at the deadline; and each municipality's line — suppressed by the
portfolio's rule and made as a region's report is made (velferdslab.gains.region): each
municipality's table first, then the mission's, told what they hide, then checked with them
together so that no sum of the views gives a hidden count away. A hidden count is told as the
range it lies in, never left blank. Pure: plain counts in, plain data out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from velferdslab.benefits.suppression import Suppression
from velferdslab.gains.region import elsewhere, hidden_together
from velferdslab.missions.indicators import Counts, Promise

SHARE, LASTING, FAMILIES = "share_stable_or_better", "lasting_moves", "families"
# A mission's quarter table is the portfolio's level table in its two groups (below stable,
# stable or better), and adds up over municipalities as that one does: the region's rule
# (gains.region) treats it as additive by its name.
KEY: Hashable = ("levels", "mission")
FORECAST = "forecast"
AHEAD, ON_TRACK, BEHIND = "ahead", "on_track", "behind"


@dataclass(frozen=True)
class Target:
    indicator: str
    baseline_value: float
    baseline_on: dt.date
    target_value: float
    target_by: dt.date


def required(target: Target, on: dt.date) -> float:
    """The straight line from the baseline to the target, read on a day (the target after)."""
    span = (target.target_by - target.baseline_on).days
    done = min(max((on - target.baseline_on).days, 0), span) / span
    return target.baseline_value + (target.target_value - target.baseline_value) * done


def tolerance(target: Target) -> float:
    """How far from the path still counts as on it: a percentage point of a share, else 2 % of
    the target (at least one family or move)."""
    if target.indicator == SHARE:
        return 0.01
    return max(1.0, round(0.02 * abs(target.target_value)))


def status(
    gap: float | None, target: Target, gap_range: Sequence[float] | None = None
) -> str | None:
    """ahead / on_track / behind; from a range only when all of it says the same."""
    low, high = (gap, gap) if gap is not None else (gap_range or (None, None))
    if low is None or high is None:
        return None
    limit = tolerance(target)
    if low > limit:
        return AHEAD
    if high < -limit:
        return BEHIND
    if -limit <= low and high <= limit:
        return ON_TRACK
    return None


def _rows(counts: Counts, promise: Promise, indicator: str, index: int | None) -> list[list[int]]:
    """One row per quarter end (and the deadline's promise last): [below, stable] for a share,
    [families] for a count. `index`: a municipality's, else all summed."""

    def pick(values: np.ndarray) -> np.ndarray:
        picked: np.ndarray = values[index] if index is not None else values.sum(axis=0)
        return picked

    if indicator == SHARE:
        stable = [*pick(counts.stable).tolist(), int(pick(promise.stable))]
        assessed = [*pick(counts.assessed).tolist(), int(pick(promise.assessed))]
        return [[a - s, s] for a, s in zip(assessed, stable, strict=True)]
    if indicator == LASTING:
        assert counts.lasting is not None and promise.lasting is not None
        return [[n] for n in [*pick(counts.lasting).tolist(), int(pick(promise.lasting))]]
    return [[n] for n in [*pick(counts.enrolled).tolist(), int(pick(promise.enrolled))]]


def _table(rows: list[list[int]], names: list[Any], suppression: Suppression) -> dict[str, Any]:
    share = len(rows[0]) == 2 if rows else True
    return suppression.table(rows, KEY, row_keys=names, row_totals=share, col_totals=False,
                             grand_total=False)  # fmt: skip


@dataclass(frozen=True)
class Views:
    """The mission's rows and each municipality's (counts, denominators, ranges), and the
    rules that decided them, holding what each hid (the property tests read them)."""

    mission: dict[str, Any]
    municipalities: list[dict[str, Any]]
    mission_rule: Suppression
    municipality_rules: list[Suppression]


def suppressed_views(counts: Counts, promise: Promise, indicator: str, rule: Suppression) -> Views:
    """The mission's table and each municipality's, each with its rows' counts and ranges."""
    names: list[Any] = [*counts.quarters, (FORECAST, promise.deadline)]
    parts, owns = [], []
    for index in range(len(counts.municipality_ids)):
        own = Suppression(rule.applied, rule.threshold)
        rows = _rows(counts, promise, indicator, index)
        parts.append(_told(rows, _table(rows, names, own), names, own))
        owns.append(own)
    rows = _rows(counts, promise, indicator, None)
    if len(owns) < 2:
        region = Suppression(rule.applied, rule.threshold)
        return Views(_told(rows, _table(rows, names, region), names, region), parts, region, owns)
    hidden, pinned = elsewhere(owns)
    spans = _spans(parts, names)
    first = rule.beside(hidden, pinned, spans)
    table = _table(rows, names, first)
    more = hidden_together(first, owns) if rule.applied else set()
    if more:
        first = rule.beside(hidden | first.hidden | more, pinned, spans)
        table = _table(rows, names, first)
    return Views(_told(rows, table, names, first), parts, first, owns)


def _count_cell(table: dict[str, Any], r: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The row's counted figure (stable or better; the families) and its denominator."""
    if "row_totals" in table:
        return table["cells"][r][1], table["row_totals"][r]
    return table["cells"][r][0], None


def _told(
    rows: list[list[int]], table: dict[str, Any], names: list[Any], rule: Suppression
) -> dict[str, Any]:
    """Per row: the count, its denominator and, where the count is hidden, its range."""
    out = []
    for r, counts in enumerate(rows):
        count, total = _count_cell(table, r)
        span = None
        if count["suppressed"]:
            span = _range(counts, total, rule, (KEY, "cell", names[r], len(counts) - 1))
        out.append({"count": count, "denominator": total, "range": span, "true": counts})
    return {"rows": out}


def _range(
    counts: list[int], total: dict[str, Any] | None, rule: Suppression, key: Hashable
) -> list[int] | None:
    """What the rule tells anyway: a small count lies in 1 … threshold − 1; a count whose
    complement is small in total − threshold + 1 … total − 1; one hidden because a
    municipality hides it, the sum of what they tell; otherwise 0 … total (nothing more)."""
    if key in rule.elsewhere:
        told = rule.spans.get(key)
        return list(told) if told else None
    count, whole = counts[-1], sum(counts)
    if rule.small(count):
        return [1, rule.threshold - 1]
    if total is not None and not total["suppressed"]:
        if rule.small(whole - count):
            return [whole - rule.threshold + 1, whole - 1]
        return [0, whole]
    if total is not None and rule.small(whole):  # "of a hidden few": no more than the rule says
        return [0, rule.threshold - 1]
    return None


def _spans(parts: list[dict[str, Any]], names: list[Any]) -> dict[Any, tuple[int, int]]:
    """Per row, the range the mission's count lies in as its municipalities tell it."""
    spans = {}
    for r, name in enumerate(names):
        low = high = 0
        for part in parts:
            row = part["rows"][r]
            if not row["count"]["suppressed"]:
                low, high = low + row["count"]["value"], high + row["count"]["value"]
            elif row["range"] is not None:
                low, high = low + row["range"][0], high + row["range"][1]
            else:
                break
        else:
            spans[(KEY, "cell", name, len(parts[0]["rows"][r]["true"]) - 1)] = (low, high)
    return spans


def _value(row: dict[str, Any], indicator: str) -> tuple[float | None, list[float] | None]:
    """The indicator of a row as shown: a share of the assessed or a count, or its range."""
    count, total, span = row["count"], row["denominator"], row["range"]
    if indicator != SHARE:
        return count["value"], span
    if total is None or total["suppressed"]:
        return None, None
    whole = total["value"]
    if not count["suppressed"]:
        return (round(count["value"] / whole, 4) if whole else None), None
    if span is None or not whole:
        return None, None
    return None, [round(span[0] / whole, 4), round(span[1] / whole, 4)]


def _gap(value: float | None, span: list[float] | None, path: float) -> tuple[Any, Any]:
    if value is not None:
        return round(value - path, 4), None
    if span is not None:
        return None, [round(span[0] - path, 4), round(span[1] - path, 4)]
    return None, None


def _point(row: dict[str, Any], indicator: str, target: Target, on: dt.date) -> dict[str, Any]:
    value, span = _value(row, indicator)
    path = round(required(target, on), 4)
    gap, gap_range = _gap(value, span, path)
    families = row["denominator"] if indicator == SHARE else row["count"]
    return {
        "value": value,
        "value_range": span,
        "required": path,
        "gap": gap,
        "gap_range": gap_range,
        "families": families,
        "count": row["count"],
        "count_range": row["range"],
        "status": status(gap, target, gap_range),
    }


def progress(counts: Counts, promise: Promise, target: Target, rule: Suppression) -> dict[str, Any]:
    """The mission's series, gap, forecast and lines per municipality (see the module's note).
    The valuation date is the last quarter end in `counts` (none before the first)."""
    views = suppressed_views(counts, promise, target.indicator, rule)
    mission, parts = views.mission, views.municipalities
    indicator = target.indicator
    series = [
        {"quarter_end": q, **_point(mission["rows"][r], indicator, target, q)}
        for r, q in enumerate(counts.quarters)
    ]
    forecast = _point(mission["rows"][-1], indicator, target, promise.deadline)
    now = series[-1] if series else None
    lines = []
    for index, municipality_id in enumerate(counts.municipality_ids):
        rows = parts[index]["rows"]
        at = _point(rows[-2], indicator, target, counts.quarters[-1]) if series else None
        lines.append(
            {
                "municipality_id": municipality_id,
                "now": at,
                "forecast": _point(rows[-1], indicator, target, promise.deadline),
            }
        )
    return {
        "as_of": counts.quarters[-1] if counts.quarters else None,
        "series": series,
        "gap": now["gap"] if now else None,
        "gap_range": now["gap_range"] if now else None,
        "status": now["status"] if now else None,
        "forecast_at_deadline": forecast["value"],
        "forecast": {"on": promise.deadline, **forecast},
        "by_municipality": lines,
        "suppression": rule.described(),
    }
