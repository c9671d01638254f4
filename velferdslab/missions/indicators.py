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

from velferdslab.benefits.moves import lasting_moves_at, move_spells, overall_readings
from velferdslab.benefits.paths import (
    NEVER,
    actual_path,
    day_number,
    forecast_path,
    goal_arrays,
    path_first_days,
    settle,
)
from velferdslab.vocabulary import DOMAINS

STABLE = 2
# Until the assumption set carries `sustain_months` (benefit-model.md, "Lasting moves"), the
# spec's default.
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


def count_at_quarters(
    families: pd.DataFrame,
    assessments: pd.DataFrame,
    rule: str,
    quarters: Sequence[dt.date],
    municipality_ids: Sequence[int],
) -> Counts:
    """`families`: family_id (sorted or not), municipality_id, enrolled_on."""
    families = families.sort_values("family_id")
    ids = families["family_id"].to_numpy(np.int64)
    towns = _municipality_rows(families, municipality_ids)
    enrolled_day = _enrolled_days(families)
    shape = (len(municipality_ids), len(quarters))
    enrolled, assessed, stable = (np.zeros(shape, dtype=np.int64) for _ in range(3))
    if not len(quarters) or not len(ids):
        return Counts(list(municipality_ids), list(quarters), enrolled, assessed, stable)
    row, day, overall = overall_readings(assessments, rule, ids)
    days = np.array([day_number(q) for q in quarters], dtype=np.int64)
    # The reading in force at each quarter end: the family's last one on or before it.
    span = int(max(days.max(), day.max(initial=0))) + 2
    keys = row * span + day
    family_rows = np.arange(len(ids))
    for column, q in enumerate(days):
        level = np.full(len(ids), -1, dtype=np.int64)
        if len(row):
            at = np.searchsorted(keys, family_rows * span + q, side="right") - 1
            own = (at >= 0) & (row[np.maximum(at, 0)] == family_rows)
            level[own] = overall[at[own]]
        counted_in = enrolled_day <= q
        counted = counted_in & (level >= 0)
        enrolled[:, column] = np.bincount(towns[counted_in], minlength=shape[0])
        assessed[:, column] = np.bincount(towns[counted], minlength=shape[0])
        stable[:, column] = np.bincount(towns[counted & (level >= STABLE)], minlength=shape[0])
    return Counts(list(municipality_ids), list(quarters), enrolled, assessed, stable)


def count_at_deadline(
    families: pd.DataFrame,
    assessments: pd.DataFrame,
    goals: pd.DataFrame,
    rule: str,
    as_of: dt.date,
    deadline: dt.date,
    municipality_ids: Sequence[int],
    with_moves: bool = False,
) -> Promise:
    """The counts at `deadline` on the plans' readings (plan_readings), of the families enrolled
    by T (see the module's note)."""
    enrolled = pd.to_datetime(families["enrolled_on"]) <= pd.Timestamp(as_of)
    families = families[enrolled.to_numpy()]
    ids = np.sort(families["family_id"].to_numpy(np.int64))
    readings = plan_readings(assessments, goals, ids, as_of, deadline)
    counts = count_at_quarters(families, readings, rule, [deadline], municipality_ids)
    lasting = None
    if with_moves:
        lasting = lasting_moves(families, readings, rule, [deadline], municipality_ids)[:, 0]
    return Promise(
        deadline, counts.enrolled[:, 0], counts.assessed[:, 0], counts.stable[:, 0], lasting
    )


def _enrolment(families: pd.DataFrame) -> dict[int, dt.date | None]:
    dates = pd.to_datetime(families["enrolled_on"])
    return {
        int(f): (None if pd.isna(d) else d.date())
        for f, d in zip(families["family_id"], dates, strict=True)
    }


def lasting_moves(
    families: pd.DataFrame,
    assessments: pd.DataFrame,
    rule: str,
    dates: Sequence[dt.date],
    municipality_ids: Sequence[int],
    sustain_months: int = SUSTAIN_MONTHS,
) -> np.ndarray:
    """[municipality, date] the lasting moves of each municipality's families at each date
    (velferdslab.benefits.moves: the rule is written there once)."""
    families = families.sort_values("family_id")
    ids = families["family_id"].to_numpy(np.int64)
    towns = _municipality_rows(families, municipality_ids)
    out = np.zeros((len(municipality_ids), len(dates)), dtype=np.int64)
    if not len(ids) or not len(dates):
        return out
    moves = move_spells(assessments, ids, rule, sustain_months, _enrolment(families))
    spell_town = towns[moves.row]
    for index in range(len(municipality_ids)):
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
