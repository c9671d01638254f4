"""Level paths for the forecast (benefit-model.md, "Forecast"): a family's level history as
per-family, per-domain runs of segments (a start day and a level, lasting until the next segment
of the same family and domain). The actual path comes from the assessments, the forecast path
f_d from the baseline and the plan's goals; `settle` cuts a path at a per-family end date into
the engine's `Prepared` tables, which `engine.evaluate` prices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from velferdslab.benefits.engine import Prepared, _family_index, _spending
from velferdslab.vocabulary import DOMAINS


def day_number(value: dt.date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


NEVER = np.iinfo(np.int64).max // 4


@dataclass(frozen=True)
class Path:
    """Segments grouped by (family row, domain), each group's segments in start order; a
    segment lasts until the next one of its group starts (the last one without end)."""

    family_ids: np.ndarray  # sorted, as Prepared.family_ids
    row: np.ndarray  # [segment] family row
    domain: np.ndarray  # [segment] domain column
    start: np.ndarray  # [segment] first day (days since 1970-01-01)
    level: np.ndarray  # [segment] level 0–3

    @property
    def next_start(self) -> np.ndarray:
        same = (self.row[1:] == self.row[:-1]) & (self.domain[1:] == self.domain[:-1])
        following = np.append(self.start[1:], NEVER).astype(np.int64)
        following[:-1][~same] = NEVER
        return following


def _make_path(
    ids: np.ndarray,
    row: np.ndarray,
    domain: np.ndarray,
    start: np.ndarray,
    level: np.ndarray,
    *,
    presorted: bool = False,
) -> Path:
    """Group the segments by (family, domain) in start order (a stable sort: of segments on the
    same day the one given last stays last) and keep only the last of each day."""
    row, domain = row.astype(np.int64), domain.astype(np.int64)
    start = start.astype(np.int64)
    if not presorted and len(row):
        offset = start - start.min()
        order = np.argsort(((row * 8 + domain) << 24) | offset, kind="stable")
        row, domain, start, level = row[order], domain[order], start[order], level[order]
    if len(row):
        key_change = (row[1:] != row[:-1]) | (domain[1:] != domain[:-1]) | (start[1:] != start[:-1])
        keep = np.append(key_change, True)
        row, domain, start, level = row[keep], domain[keep], start[keep], level[keep]
        # A reading that repeats the level before it changes nothing: one segment per change.
        change = np.ones(len(row), dtype=bool)
        change[1:] = (row[1:] != row[:-1]) | (domain[1:] != domain[:-1]) | (level[1:] != level[:-1])
        row, domain, start, level = row[change], domain[change], start[change], level[change]
    return Path(ids, row, domain, start, level.astype(np.int8))


def _positions(ids: np.ndarray, family: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row of each family id in ids, and whether it is there at all."""
    if not len(ids):
        return np.zeros(len(family), dtype=np.int64), np.zeros(len(family), dtype=bool)
    position = np.searchsorted(ids, family)
    clipped = np.minimum(position, len(ids) - 1)
    return clipped, (position < len(ids)) & (ids[clipped] == family)


def actual_path(assessments: pd.DataFrame, as_of: dt.date, family_ids: Iterable[int]) -> Path:
    """ℓ_d from the assessments on or before T (two on one date: the later recorded wins)."""
    ids = np.unique(np.asarray(list(family_ids), dtype=np.int64))
    dates = pd.to_datetime(assessments["assessed_on"]).to_numpy(dtype="datetime64[D]")
    upto = dates <= np.datetime64(as_of, "D")
    family = assessments["family_id"].to_numpy(np.int64)[upto]
    dates = dates.astype(np.int64)[upto]
    # Family, date and record order: of two readings on one date the later recorded wins.
    order = np.lexsort((assessments["assessment_id"].to_numpy(np.int64)[upto], dates, family))
    family, dates = family[order], dates[order]
    levels = assessments[list(DOMAINS)].to_numpy(dtype=float)[upto][order]
    position, known = _positions(ids, family)
    parts: list[tuple[np.ndarray, ...]] = []
    for column in range(len(DOMAINS)):
        chosen = known & ~np.isnan(levels[:, column])
        row, day = position[chosen], dates[chosen]
        level = levels[chosen, column].astype(np.int64)
        # Of two readings on one date the later recorded wins; a repeated level is no change.
        last_of_date = np.ones(len(row), dtype=bool)
        last_of_date[:-1] = (row[1:] != row[:-1]) | (day[1:] != day[:-1])
        row, day, level = row[last_of_date], day[last_of_date], level[last_of_date]
        change = np.ones(len(row), dtype=bool)
        change[1:] = (row[1:] != row[:-1]) | (level[1:] != level[:-1])
        parts.append((row[change], np.full(int(change.sum()), column), day[change], level[change]))
    # Domain after domain, each already in family and date order: grouped, sorted and clean.
    row, domain, start, level = (np.concatenate([p[i] for p in parts]) for i in range(4))
    return Path(ids, row, domain, start, level.astype(np.int8))


def first_days(assessments: pd.DataFrame, as_of: dt.date, ids: np.ndarray) -> np.ndarray:
    """[family, domain] the day of the first assessment of each domain up to T, else NEVER."""
    first = np.full((len(ids), len(DOMAINS)), NEVER, dtype=np.int64)
    if assessments.empty or not len(ids):
        return first
    dates = pd.to_datetime(assessments["assessed_on"]).to_numpy(dtype="datetime64[D]")
    position, known = _positions(ids, assessments["family_id"].to_numpy(np.int64))
    known &= dates <= np.datetime64(as_of, "D")
    days = dates.astype(np.int64)
    levels = assessments[list(DOMAINS)].to_numpy(dtype=float)
    for column in range(len(DOMAINS)):
        chosen = known & ~np.isnan(levels[:, column])
        np.minimum.at(first[:, column], position[chosen], days[chosen])
    return first


def path_first_days(path: Path) -> np.ndarray:
    """[family, domain] the start of each group's first segment (its first assessment)."""
    first = np.full((len(path.family_ids), len(DOMAINS)), NEVER, dtype=np.int64)
    opens = np.ones(len(path.row), dtype=bool)
    opens[1:] = (path.row[1:] != path.row[:-1]) | (path.domain[1:] != path.domain[:-1])
    first[path.row[opens], path.domain[opens]] = path.start[opens]
    return first


def prepare_with_path(
    assessments: pd.DataFrame,
    expenditures: pd.DataFrame,
    as_of: dt.date,
    family_ids: Iterable[int] | None = None,
) -> tuple[Prepared, Path]:
    """engine.prepare's tables, made by cutting the actual path at T (a property test checks
    they are the same), and the path, which the forecast's series then needs not read again."""
    ids = _family_index(assessments, expenditures, family_ids)
    path = actual_path(assessments, as_of, ids)
    ends = np.full(len(ids), day_number(as_of), dtype=np.int64)
    return settle(path, ends, _spending(expenditures, ids, as_of), as_of), path


@dataclass(frozen=True)
class Goals:
    """The goals as arrays against the family rows: those with a date and a known family."""

    row: np.ndarray
    domain: np.ndarray
    target_day: np.ndarray
    level: np.ndarray
    creation: np.ndarray
    frame_index: np.ndarray  # position of each in the goals frame given


def goal_arrays(goals: pd.DataFrame, ids: np.ndarray) -> Goals:
    if goals.empty:
        empty = np.zeros(0, dtype=np.int64)
        return Goals(empty, empty, empty, empty, empty, empty)
    dated = goals["target_date"].notna().to_numpy()
    position, known = _positions(ids, goals["family_id"].to_numpy(np.int64))
    chosen = dated & known
    target = pd.to_datetime(goals["target_date"][chosen]).to_numpy(dtype="datetime64[D]")
    creation = (
        goals["goal_id"].to_numpy(np.int64)
        if "goal_id" in goals.columns
        else np.arange(len(goals), dtype=np.int64)
    )
    return Goals(
        row=position[chosen],
        domain=pd.Categorical(goals["domain"], categories=DOMAINS).codes.astype(np.int64)[chosen],
        target_day=target.astype(np.int64),
        level=goals["target_level"].to_numpy(np.int64)[chosen],
        creation=creation[chosen],
        frame_index=np.flatnonzero(chosen),
    )


def forecast_path(ids: np.ndarray, baseline: np.ndarray, first: np.ndarray, goals: Goals) -> Path:
    """f_d: b_d from the first assessment of d, then each goal's target level from its target
    date (goals dated on or before the first assessment: from the day after it). Goals without a
    date or in a domain never assessed are left out."""
    assessed_rows, assessed_columns = np.nonzero(baseline >= 0)
    goal_first = first[goals.row, goals.domain]
    entered = goal_first < NEVER
    # In target-date order, then creation order: _make_path keeps the last of a start day.
    order = np.lexsort((goals.creation[entered], goals.target_day[entered]))
    return _make_path(
        ids,
        np.concatenate([assessed_rows, goals.row[entered][order]]),
        np.concatenate([assessed_columns, goals.domain[entered][order]]),
        np.concatenate(
            [
                first[assessed_rows, assessed_columns],
                np.maximum(goals.target_day, goal_first + 1)[entered][order],
            ]
        ),
        np.concatenate(
            [baseline[assessed_rows, assessed_columns], goals.level[entered][order]]
        ).astype(np.int64),
    )


def settle(
    path: Path,
    ends: np.ndarray,
    spending: np.ndarray,
    as_of: dt.date,
    following: np.ndarray | None = None,
) -> Prepared:
    """The path cut at each family's end day (ends: [family] day numbers) as the engine's tables:
    the baseline, the level at the end (−1 before the first assessment) and days at each level.
    `following`: path.next_start, when the caller settles the same path twice."""
    n = len(path.family_ids)
    end = ends[path.row]
    started = path.start <= end
    until = np.minimum(path.next_start if following is None else following, end)
    # Each cell's days summed in segment order, as np.add.at sums them (the same floats).
    cell = (path.row[started] * len(DOMAINS) + path.domain[started]) * 4 + path.level[started]
    days = np.bincount(
        cell, (until - path.start)[started].astype(float), minlength=n * len(DOMAINS) * 4
    ).reshape(n, len(DOMAINS), 4)
    index = np.arange(len(path.row))
    opens = np.ones(len(path.row), dtype=bool)
    opens[1:] = (path.row[1:] != path.row[:-1]) | (path.domain[1:] != path.domain[:-1])
    baseline = np.full((n, len(DOMAINS)), -1, dtype=np.int8)
    first_started = opens & started
    baseline[path.row[first_started], path.domain[first_started]] = path.level[first_started]
    # The level at the end: the last started segment of each group.
    last = np.full((n, len(DOMAINS)), -1, dtype=np.int64)
    np.maximum.at(last, (path.row[started], path.domain[started]), index[started])
    level = path.level[np.maximum(last, 0)] if len(index) else np.zeros_like(last)
    current = np.where(last >= 0, level, -1).astype(np.int8)
    return Prepared(path.family_ids, baseline, current, days, spending, as_of)
