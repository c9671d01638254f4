"""A mission's indicator counted per family set at quarter ends, and at the deadline on the
families' plans (benefit-model.md, "Missions"): plain arrays in, counts per municipality out.

The counts at a quarter end q, per municipality:
- `enrolled`: families enrolled on or before q;
- `assessed`: of those, the ones with an assessment on or before q (concluded and withdrawn
  families keep their last reading);
- `stable`: of those, the ones whose overall level at q (each domain's latest reading carried
  forward) is stable or better.

The forecast at the deadline reads each family's forecast path (velferdslab.benefits.paths, the
machinery of the family forecast) at `by` in each domain the plan has a goal in; a domain
without goals, and a family without any, keeps its last reading. Families counted are those
enrolled and assessed by the valuation date T: a plan promises levels, not new families."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from velferdslab.benefits.levels import overall_rows
from velferdslab.benefits.moves import lasting_moves_at, move_spells
from velferdslab.benefits.paths import (
    NEVER,
    Path,
    actual_path,
    day_number,
    forecast_path,
    goal_arrays,
    path_first_days,
    settle,
)
from velferdslab.vocabulary import DOMAINS

STABLE = 2
# The spec's default of `sustain_months` (benefit-model.md, "Lasting moves"); the mission's
# figures take the assumption set's own (velferdslab/missions/data.py).
SUSTAIN_MONTHS = 6


@dataclass(frozen=True)
class Counts:
    """[municipality, quarter] counts, municipalities in `municipality_ids` order."""

    municipality_ids: list[int]
    quarters: list[dt.date]
    enrolled: np.ndarray
    assessed: np.ndarray
    stable: np.ndarray
    lasting: np.ndarray | None = None  # counted only for the lasting_moves indicator


@dataclass(frozen=True)
class Promise:
    """[municipality] counts at the deadline on the families' plans."""

    deadline: dt.date
    enrolled: np.ndarray
    assessed: np.ndarray
    stable: np.ndarray
    lasting: np.ndarray | None = None


def quarter_ends_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The quarter ends q with first ≤ q ≤ last."""
    if last < first:
        return []
    ends = pd.date_range(first, last, freq="QE")
    return [d.date() for d in ends]


def _municipality_rows(families: pd.DataFrame, municipality_ids: Sequence[int]) -> np.ndarray:
    lookup = {m: i for i, m in enumerate(municipality_ids)}
    return np.array([lookup[int(m)] for m in families["municipality_id"]], dtype=np.int64)


def _enrolled_days(families: pd.DataFrame) -> np.ndarray:
    days = pd.to_datetime(families["enrolled_on"]).to_numpy(dtype="datetime64[D]")
    out: np.ndarray = days.astype(np.int64)
    out[np.isnat(days)] = NEVER
    return out


@dataclass(frozen=True)
class FamilySet:
    """A mission's families in family-id order: their municipality (as its index), the day
    each was enrolled, and their actual level path up to T (velferdslab.benefits.paths)."""

    ids: np.ndarray
    towns: np.ndarray
    enrolled_day: np.ndarray
    path: Path
    municipality_ids: list[int]
    as_of: dt.date


def family_set(
    families: pd.DataFrame,
    assessments: pd.DataFrame,
    as_of: dt.date,
    municipality_ids: Sequence[int],
) -> FamilySet:
    """`families`: family_id, municipality_id, enrolled_on; the readings after T play no part."""
    families = families.sort_values("family_id")
    ids = families["family_id"].to_numpy(np.int64)
    return FamilySet(
        ids,
        _municipality_rows(families, municipality_ids),
        _enrolled_days(families),
        actual_path(assessments, as_of, ids),
        list(municipality_ids),
        as_of,
    )


def levels_at(path: Path, families: int, days: np.ndarray) -> np.ndarray:
    """[day, family, domain] the level in force on each day (−1 before the first reading):
    the last segment of each family and domain starting on or before it."""
    out = np.full((len(days), families, len(DOMAINS)), -1, dtype=np.int8)
    if not len(path.row) or not len(days):
        return out
    span = int(max(int(days.max()), int(path.start.max()))) + 2
    # Family by family, domain by domain, in start order (a path may hold its domains apart).
    keys = (path.row * len(DOMAINS) + path.domain) * span + path.start
    order = np.argsort(keys, kind="stable")
    keys, level = keys[order], path.level[order]
    group = keys // span
    groups = np.arange(families * len(DOMAINS), dtype=np.int64)
    for index, day in enumerate(days):
        at = np.searchsorted(keys, groups * span + day, side="right") - 1
        own = (at >= 0) & (group[np.maximum(at, 0)] == groups)
        flat = out[index].reshape(-1)
        flat[own] = level[at[own]]
    return out


def _count(fs: FamilySet, levels: np.ndarray, day: int, rule: str) -> tuple[np.ndarray, ...]:
    size = len(fs.municipality_ids)
    overall = overall_rows(levels.astype(int), rule) if len(levels) else np.zeros(0, dtype=int)
    counted_in = fs.enrolled_day <= day
    counted = counted_in & (overall >= 0)
    return (
        np.bincount(fs.towns[counted_in], minlength=size),
        np.bincount(fs.towns[counted], minlength=size),
        np.bincount(fs.towns[counted & (overall >= STABLE)], minlength=size),
    )


def count_at_quarters(fs: FamilySet, rule: str, quarters: Sequence[dt.date]) -> Counts:
    """The counts at each quarter end (on or before T)."""
    days = np.array([day_number(q) for q in quarters], dtype=np.int64)
    shape = (len(fs.municipality_ids), len(quarters))
    enrolled, assessed, stable = (np.zeros(shape, dtype=np.int64) for _ in range(3))
    at_days = levels_at(fs.path, len(fs.ids), days)
    for column, day in enumerate(days):
        counts = _count(fs, at_days[column], int(day), rule)
        enrolled[:, column], assessed[:, column], stable[:, column] = counts
    return Counts(fs.municipality_ids, list(quarters), enrolled, assessed, stable)


def count_at_deadline(
    fs: FamilySet,
    goals: pd.DataFrame,
    rule: str,
    deadline: dt.date,
    assessments: pd.DataFrame | None = None,
    *,
    sustain_months: int = SUSTAIN_MONTHS,
) -> Promise:
    """The counts at `deadline` with the levels the plans promise, of the families enrolled and
    assessed by T (see the module's note); with `assessments`, the lasting moves too (on
    plan_readings)."""
    ids, path, as_of = fs.ids, fs.path, fs.as_of
    now = levels_at(path, len(ids), np.array([day_number(as_of)]))[0]
    first = path_first_days(path)
    baseline = np.full((len(ids), len(DOMAINS)), -1, dtype=np.int8)
    opens = np.ones(len(path.row), dtype=bool)
    opens[1:] = (path.row[1:] != path.row[:-1]) | (path.domain[1:] != path.domain[:-1])
    baseline[path.row[opens], path.domain[opens]] = path.level[opens]
    arrays = goal_arrays(goals, ids)
    planned = forecast_path(ids, baseline, first, arrays)
    promised = levels_at(planned, len(ids), np.array([day_number(deadline)]))[0]
    planned_domain = np.zeros((len(ids), len(DOMAINS)), dtype=bool)
    entered = first[arrays.row, arrays.domain] < NEVER
    planned_domain[arrays.row[entered], arrays.domain[entered]] = True
    levels = np.where(planned_domain & (now >= 0), promised, now)
    # Counted: enrolled by T and assessed by T (a plan promises levels, not new families).
    assessed_now = overall_rows(now.astype(int), rule) >= 0
    in_set = replace(fs, enrolled_day=np.where(assessed_now, fs.enrolled_day, NEVER))
    _, assessed, stable = _count(in_set, levels, day_number(as_of), rule)
    enrolled = np.bincount(
        fs.towns[fs.enrolled_day <= day_number(as_of)], minlength=len(fs.municipality_ids)
    )
    lasting = None
    if assessments is not None:
        counted = fs.enrolled_day <= day_number(as_of)
        readings = plan_readings(assessments, goals, ids[counted], as_of, deadline)
        kept = replace(fs, ids=ids[counted], towns=fs.towns[counted])
        lasting = _lasting(
            kept, readings, rule, [deadline], fs.enrolled_day[counted], sustain_months
        )[:, 0]
    return Promise(deadline, enrolled, assessed, stable, lasting)


def lasting_moves(
    fs: FamilySet,
    assessments: pd.DataFrame,
    rule: str,
    dates: Sequence[dt.date],
    *,
    sustain_months: int = SUSTAIN_MONTHS,
) -> np.ndarray:
    """[municipality, date] the lasting moves of each municipality's families at each date
    (velferdslab.benefits.moves: the rule is written there once)."""
    return _lasting(fs, assessments, rule, dates, fs.enrolled_day, sustain_months)


def _lasting(
    fs: FamilySet,
    assessments: pd.DataFrame,
    rule: str,
    dates: Sequence[dt.date],
    enrolled_day: np.ndarray,
    sustain_months: int,
) -> np.ndarray:
    out = np.zeros((len(fs.municipality_ids), len(dates)), dtype=np.int64)
    if not len(fs.ids) or not len(dates):
        return out
    enrolled = {
        int(f): (None if d >= NEVER else dt.date(1970, 1, 1) + dt.timedelta(days=int(d)))
        for f, d in zip(fs.ids, enrolled_day, strict=True)
    }
    moves = move_spells(assessments, fs.ids, rule, sustain_months, enrolled)
    spell_town = fs.towns[moves.row]
    for index in range(len(fs.municipality_ids)):
        mine = spell_town == index
        own = replace(
            moves,
            row=moves.row[mine],
            status=moves.status[mine],
            start=moves.start[mine],
            end=moves.end[mine],
            reached=moves.reached[mine],
            fell=moves.fell[mine],
        )
        out[index] = lasting_moves_at(own, dates)
    return out


def plan_readings(
    assessments: pd.DataFrame, goals: pd.DataFrame, ids: np.ndarray, as_of: dt.date,
    deadline: dt.date,
) -> pd.DataFrame:  # fmt: skip
    """The readings up to T, then the plans' as readings: in each domain with a goal, the
    forecast path's level from the day after T and each change of it up to the deadline
    (the other domains carried forward: their last reading)."""
    actual = assessments[pd.to_datetime(assessments["assessed_on"]) <= pd.Timestamp(as_of)]
    path = actual_path(actual, as_of, ids)
    now = settle(path, np.full(len(ids), day_number(as_of)), np.zeros(len(ids)), as_of)
    arrays = goal_arrays(goals, ids)
    first = path_first_days(path)
    planned = forecast_path(ids, now.baseline, first, arrays)
    entered = first[arrays.row, arrays.domain] < NEVER
    chosen = np.zeros((len(ids), len(DOMAINS)), dtype=bool)
    chosen[arrays.row[entered], arrays.domain[entered]] = True
    after = day_number(as_of) + 1
    opening = settle(planned, np.full(len(ids), after), np.zeros(len(ids)), as_of).current
    rows, columns = np.nonzero(chosen & (opening >= 0))
    keep = chosen[planned.row, planned.domain]
    keep &= (planned.start > after) & (planned.start <= day_number(deadline))
    row = np.concatenate([rows, planned.row[keep]])
    domain = np.concatenate([columns, planned.domain[keep]])
    day = np.concatenate([np.full(len(rows), after), planned.start[keep]])
    level = np.concatenate([opening[rows, columns], planned.level[keep]]).astype(float)
    grid = np.full((len(row), len(DOMAINS)), np.nan)
    grid[np.arange(len(row)), domain] = level
    extra = pd.DataFrame(grid, columns=list(DOMAINS))
    first_id = int(actual["assessment_id"].max()) + 1 if len(actual) else 1
    extra.insert(0, "assessed_on", pd.to_datetime(day.astype("datetime64[D]")))
    extra.insert(0, "assessment_id", np.arange(first_id, first_id + len(row)))
    extra.insert(0, "family_id", ids[row])
    return pd.concat([actual[extra.columns], extra], ignore_index=True)
