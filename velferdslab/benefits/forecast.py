"""The forecast of benefit-model.md ("Forecast: what the plan promises"), vectorised over families.

A family's level history is held as a **path**: per family and domain a run of segments, each a
start day and a level, the segment lasting until the next one of the same family and domain
starts. The actual path comes from the assessments; the forecast path f_d from the baseline and
the plan's goals. `settle` cuts a path at a per-family end date into the engine's `Prepared`
tables (baseline, level at the end, days at each level), and `engine.evaluate` prices them: the
forecast is the same pricing functions run on a second path, never a copy of them.

Choices where the spec is silent (docs/benefit-model.md, "Forecast"):
- goals are ordered by target date and then by creation (the goal id); several goals dated on or
  before the first assessment all take effect the day after it, and of those the last in that
  order wins;
- the promise at T* reads the data known at T: the baseline and first assessments from
  assessments up to T, and K = approved spending up to T; only the path runs on to T*;
- a domain's status compares its level at T with f_d(T); a goal's status is its domain's status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from velferdslab.benefits.analytics import quarter_ends
from velferdslab.benefits.engine import (
    CATEGORIES,
    Prepared,
    Priced,
    _readings_up_to,
    evaluate,
    prepare,
    rows_of,
)
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.results import summarise
from velferdslab.vocabulary import DOMAINS, LEVELS, Category

FISCAL = CATEGORIES.index(Category.FISCAL)
AHEAD, ON_TRACK, BEHIND = "ahead", "on_track", "behind"


def _day(value: dt.date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


@dataclass(frozen=True)
class Path:
    """Segments sorted by family row, domain and start day; each lasts until the next segment of
    its family and domain starts (the last one without end)."""

    family_ids: np.ndarray  # sorted, as Prepared.family_ids
    row: np.ndarray  # [segment] family row
    domain: np.ndarray  # [segment] domain column
    start: np.ndarray  # [segment] first day (days since 1970-01-01)
    level: np.ndarray  # [segment] level 0–3
    baseline: np.ndarray  # [family, domain] level of the first assessment, or -1
    first: np.ndarray  # [family, domain] day of the first assessment, or a huge number

    @property
    def next_start(self) -> np.ndarray:
        same = (self.row[1:] == self.row[:-1]) & (self.domain[1:] == self.domain[:-1])
        following = np.append(self.start[1:], np.iinfo(np.int64).max).astype(np.int64)
        following[:-1][~same] = np.iinfo(np.int64).max
        return following


NEVER = np.iinfo(np.int64).max // 4


def _make_path(
    ids: np.ndarray, row: np.ndarray, domain: np.ndarray, start: np.ndarray, level: np.ndarray
) -> Path:
    """Sort the segments, keep the last of each (family, domain, start day) as given, and read
    the baseline and first day from each run's first segment."""
    order = np.lexsort((np.arange(len(row)), start, domain, row))
    row, domain, start, level = row[order], domain[order], start[order], level[order]
    if len(row):
        key_change = (row[1:] != row[:-1]) | (domain[1:] != domain[:-1]) | (start[1:] != start[:-1])
        keep = np.append(key_change, True)
        row, domain, start, level = row[keep], domain[keep], start[keep], level[keep]
    baseline = np.full((len(ids), len(DOMAINS)), -1, dtype=np.int8)
    first = np.full((len(ids), len(DOMAINS)), NEVER, dtype=np.int64)
    if len(row):
        opens = np.insert((row[1:] != row[:-1]) | (domain[1:] != domain[:-1]), 0, True)
        baseline[row[opens], domain[opens]] = level[opens]
        first[row[opens], domain[opens]] = start[opens]
    return Path(ids, row, domain, start.astype(np.int64), level.astype(np.int8), baseline, first)


def actual_path(assessments: pd.DataFrame, as_of: dt.date, family_ids: Iterable[int]) -> Path:
    """ℓ_d from the assessments on or before T (two on one date: the later recorded wins)."""
    ids = np.unique(np.asarray(list(family_ids), dtype=np.int64))
    readings = _readings_up_to(assessments, as_of)
    family = readings["family_id"].to_numpy(np.int64)
    dates = readings["assessed_on"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    levels = readings[list(DOMAINS)].to_numpy(dtype=float)
    position = np.searchsorted(ids, family)
    known = (position < len(ids)) & (ids[np.minimum(position, max(len(ids) - 1, 0))] == family)
    known &= len(ids) > 0
    rows, columns = np.nonzero(known[:, None] & ~np.isnan(levels))
    return _make_path(
        ids, position[rows], columns, dates[rows], levels[rows, columns].astype(np.int64)
    )


def forecast_path(actual: Path, goals: pd.DataFrame) -> Path:
    """f_d: b_d from the first assessment of d, then each goal's target level from its target
    date (goals dated on or before the first assessment: from the day after it). Goals without a
    date or in a domain never assessed are left out."""
    ids = actual.family_ids
    assessed_rows, assessed_columns = np.nonzero(actual.baseline >= 0)
    row = [assessed_rows]
    domain = [assessed_columns]
    start = [actual.first[assessed_rows, assessed_columns]]
    level = [actual.baseline[assessed_rows, assessed_columns].astype(np.int64)]
    dated = goals[goals["target_date"].notna()] if len(goals) else goals
    if len(dated) and len(ids):
        family = dated["family_id"].to_numpy(np.int64)
        position = np.searchsorted(ids, family)
        known = (position < len(ids)) & (ids[np.minimum(position, len(ids) - 1)] == family)
        columns = np.array([DOMAINS.index(d) for d in dated["domain"]], dtype=np.int64)
        position, columns = position[known], columns[known]
        target = pd.to_datetime(dated["target_date"]).to_numpy(dtype="datetime64[D]")
        target = target.astype(np.int64)[known]
        creation = _creation_order(dated)[known]
        first = actual.first[position, columns]
        entered = first < NEVER
        # In target-date order, then creation order; _make_path keeps the last of a start day.
        order = np.lexsort((creation[entered], target[entered]))
        row.append(position[entered][order])
        domain.append(columns[entered][order])
        start.append(np.maximum(target[entered], first[entered] + 1)[order])
        level.append(dated["target_level"].to_numpy(np.int64)[known][entered][order])
    return _make_path(
        ids, np.concatenate(row), np.concatenate(domain), np.concatenate(start),
        np.concatenate(level),
    )  # fmt: skip


def _creation_order(goals: pd.DataFrame) -> np.ndarray:
    if "goal_id" in goals.columns:
        order: np.ndarray = goals["goal_id"].to_numpy(np.int64)
        return order
    return np.arange(len(goals), dtype=np.int64)


def settle(path: Path, ends: np.ndarray, spending: np.ndarray, as_of: dt.date) -> Prepared:
    """The path cut at each family's end day (ends: [family] day numbers) as the engine's tables:
    the baseline, the level at the end (−1 before the first assessment) and days at each level."""
    n = len(path.family_ids)
    end = ends[path.row] if len(path.row) else np.zeros(0, dtype=np.int64)
    started = path.start <= end
    until = np.minimum(path.next_start, end)
    days = np.zeros((n, len(DOMAINS), 4))
    np.add.at(
        days,
        (path.row[started], path.domain[started], path.level[started]),
        (until - path.start)[started].astype(float),
    )
    # The level at the end: the last started segment of each run.
    index = np.arange(len(path.row))
    last = np.full((n, len(DOMAINS)), -1, dtype=np.int64)
    np.maximum.at(last, (path.row[started], path.domain[started]), index[started])
    current = np.where(last >= 0, path.level[np.maximum(last, 0)] if len(index) else -1, -1)
    baseline = np.where(last >= 0, path.baseline, -1).astype(np.int8)
    return Prepared(path.family_ids, baseline, current.astype(np.int8), days, spending, as_of)


@dataclass(frozen=True)
class Forecast:
    """Actual and forecast figures of a set of families at T, and the plan's promise at T*."""

    actual: Priced
    forecast: Priced
    promise: Priced
    promise_dates: np.ndarray  # [family] T* as datetime64[D]
    actual_path: Path
    forecast_path: Path
    goals: pd.DataFrame  # the goals given, with family row, domain column and status
    as_of: dt.date


def compute_forecast(
    assessments: pd.DataFrame,
    expenditures: pd.DataFrame,
    goals: pd.DataFrame,
    params: AssumptionParams,
    as_of: dt.date,
    family_ids: Iterable[int] | None = None,
    prepared: Prepared | None = None,
) -> Forecast:
    """`prepared`: the engine's tables of the same data at T when the caller has them already."""
    prepared = prepared or prepare(assessments, expenditures, as_of, family_ids)
    ids = prepared.family_ids
    actual = actual_path(assessments, as_of, ids)
    planned = forecast_path(actual, goals)
    at_t = np.full(len(ids), _day(as_of), dtype=np.int64)
    forecast = settle(planned, at_t, prepared.spending, as_of)
    promise_day = np.maximum(at_t, _latest_target(goals, ids))
    promise = settle(planned, promise_day, prepared.spending, as_of)
    return Forecast(
        actual=evaluate(prepared, params),
        forecast=evaluate(forecast, params),
        promise=evaluate(promise, params),
        promise_dates=promise_day.astype("datetime64[D]"),
        actual_path=actual,
        forecast_path=planned,
        goals=_goal_status(goals, prepared, forecast),
        as_of=as_of,
    )


def _latest_target(goals: pd.DataFrame, ids: np.ndarray) -> np.ndarray:
    """[family] the latest target date of the family's goals (day number), or the minimum."""
    latest = np.full(len(ids), np.iinfo(np.int64).min, dtype=np.int64)
    dated = goals[goals["target_date"].notna()] if len(goals) else goals
    if len(dated) and len(ids):
        family = dated["family_id"].to_numpy(np.int64)
        position = np.searchsorted(ids, family)
        known = (position < len(ids)) & (ids[np.minimum(position, len(ids) - 1)] == family)
        days = pd.to_datetime(dated["target_date"]).to_numpy(dtype="datetime64[D]")
        np.maximum.at(latest, position[known], days.astype(np.int64)[known])
    return latest


def status_of(level: np.ndarray, forecast_level: np.ndarray) -> np.ndarray:
    """'ahead' | 'on_track' | 'behind' of the level at T against f_d(T); '' where unassessed."""
    out = np.where(
        level > forecast_level, AHEAD, np.where(level < forecast_level, BEHIND, ON_TRACK)
    )
    return np.where((level >= 0) & (forecast_level >= 0), out, "")


def _goal_status(goals: pd.DataFrame, actual: Prepared, forecast: Prepared) -> pd.DataFrame:
    """Each goal with its domain's status at T ('' when it does not enter the forecast)."""
    frame = goals.copy()
    ids = actual.family_ids
    if frame.empty or not len(ids):
        return frame.assign(status=pd.Series(dtype=str))
    family = frame["family_id"].to_numpy(np.int64)
    position = np.searchsorted(ids, family)
    known = (position < len(ids)) & (ids[np.minimum(position, len(ids) - 1)] == family)
    position = np.minimum(position, len(ids) - 1)
    columns = np.array([DOMAINS.index(d) for d in frame["domain"]], dtype=np.int64)
    status = status_of(
        actual.current[position, columns].astype(int),
        forecast.current[position, columns].astype(int),
    )
    entered = known & frame["target_date"].notna().to_numpy()
    return frame.assign(status=np.where(entered, status, ""))


def goals_on_track(forecast: Forecast, family_ids: Sequence[int] | None = None) -> dict[str, int]:
    """Goals that enter the forecast, and of those the ones whose domain is on track or ahead."""
    goals = forecast.goals
    if family_ids is not None and len(goals):
        goals = goals[goals["family_id"].isin(list(family_ids))]
    counted = goals[goals["status"] != ""] if len(goals) else goals
    good = int(counted["status"].isin([AHEAD, ON_TRACK]).sum()) if len(counted) else 0
    return {"goals": len(counted), "on_track_or_ahead": good}


# -- figures ---------------------------------------------------------------------------------

_VARIANCE_KEYS = (
    "spending",
    "fiscal_npv",
    "socioeconomic_npv",
    "fiscal_bcr",
    "socioeconomic_bcr",
    "payback_years",
)


def variance(actual: dict[str, Any], forecast: dict[str, Any]) -> dict[str, Any]:
    """actual − forecast for every figure of summarise(); null where either side is null."""

    def minus(a: Any, b: Any) -> Any:
        if isinstance(a, dict):
            return {key: minus(a[key], b[key]) for key in a}
        if a is None or b is None:
            return None
        return a - b

    out = {key: minus(actual[key], forecast[key]) for key in _VARIANCE_KEYS}
    for key in ("realised", "projected_pv", "by_payer"):
        out[key] = minus(actual[key], forecast[key])
    return out


def domains(forecast: Forecast, family_id: int) -> dict[str, dict[str, Any]]:
    """Per domain of one family: the level at T, f_d(T) and the status (null when unassessed)."""
    rows = rows_of(forecast.actual, [family_id])
    out: dict[str, dict[str, Any]] = {}
    for column, domain in enumerate(DOMAINS):
        level = int(forecast.actual.prepared.current[rows[0], column]) if len(rows) else -1
        planned = int(forecast.forecast.prepared.current[rows[0], column]) if len(rows) else -1
        status = str(status_of(np.array(level), np.array(planned))) if level >= 0 else ""
        out[domain] = {
            "level": LEVELS[level] if level >= 0 else None,
            "forecast_level": LEVELS[planned] if planned >= 0 else None,
            "status": status or None,
        }
    return out


def series(
    forecast: Forecast, params: AssumptionParams, family_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Per quarter end from the first assessment to T (the last one is T itself): realised
    savings to that day, undiscounted, on the actual and on the forecast path, fiscal and total;
    `families`: how many of the families had been assessed by then."""
    rows = rows_of(forecast.actual, family_ids)
    ids = forecast.actual.prepared.family_ids
    chosen = np.zeros(len(ids), dtype=bool)
    chosen[rows] = True
    first = forecast.actual_path.first[chosen]
    assessed = first < NEVER
    if not assessed.any():
        return []
    start = dt.date(1970, 1, 1) + dt.timedelta(days=int(first[assessed].min()))
    spending = np.zeros(len(ids))
    out = []
    for quarter in quarter_ends(start, forecast.as_of):
        day = min(quarter, forecast.as_of)
        ends = np.full(len(ids), _day(day), dtype=np.int64)
        figures = {}
        for name, path in (("actual", forecast.actual_path), ("forecast", forecast.forecast_path)):
            realised = evaluate(settle(path, ends, spending, day), params).realised[rows]
            figures[name] = realised.sum(axis=0)
        families = int(((forecast.actual_path.first[rows] <= _day(day)).any(axis=1)).sum())
        out.append(
            {
                "quarter_end": day,
                "families": families,
                "actual_realised": {
                    "fiscal": float(figures["actual"][FISCAL].sum()),
                    "total": float(figures["actual"].sum()),
                },
                "forecast_realised": {
                    "fiscal": float(figures["forecast"][FISCAL].sum()),
                    "total": float(figures["forecast"].sum()),
                },
            }
        )
    return out


def family_figures(forecast: Forecast, family_id: int) -> dict[str, Any]:
    """The forecast, the promise (with its date), the variance and the domains of one family,
    unrounded; the series is separate (series())."""
    actual = summarise(forecast.actual, [family_id])
    planned = summarise(forecast.forecast, [family_id])
    promise = summarise(forecast.promise, [family_id])
    rows = rows_of(forecast.actual, [family_id])
    promise_date = forecast.promise_dates[rows[0]].astype(dt.date) if len(rows) else forecast.as_of
    return {
        "actual": actual,
        "forecast": planned,
        "promise": {**promise, "promise_date": promise_date},
        "variance": variance(actual, planned),
        "domains": domains(forecast, family_id),
    }


def portfolio_figures(
    forecast: Forecast, family_ids: Sequence[int] | None = None
) -> dict[str, Any]:
    """Summed over the families: actual, forecast-to-date and promised figures, and goals."""
    return {
        "actual": summarise(forecast.actual, family_ids),
        "forecast": summarise(forecast.forecast, family_ids),
        "promise": summarise(forecast.promise, family_ids),
        "goals": goals_on_track(forecast, family_ids),
    }
