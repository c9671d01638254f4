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
    evaluate,
    rows_of,
)
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.paths import (
    NEVER,
    Goals,
    Path,
    actual_path,
    day_number,
    first_days,
    forecast_path,
    goal_arrays,
    path_first_days,
    prepare_with_path,
    settle,
)
from velferdslab.benefits.results import summarise
from velferdslab.vocabulary import DOMAINS, LEVELS, Category

FISCAL = CATEGORIES.index(Category.FISCAL)
AHEAD, ON_TRACK, BEHIND = "ahead", "on_track", "behind"


@dataclass(frozen=True)
class Forecast:
    """Actual and forecast figures of a set of families at T, and the plan's promise at T*."""

    actual: Priced
    forecast: Priced
    promise: Priced
    promise_dates: np.ndarray  # [family] T* as datetime64[D]
    forecast_path: Path
    first: np.ndarray  # [family, domain] day of the first assessment up to T, or NEVER
    assessments: pd.DataFrame | None  # for the actual path of the series, built when asked for
    path: Path | None  # the actual path, when the caller made the engine's tables from it
    goals: pd.DataFrame  # the goals given, with their domain's status ('' when not counted)
    as_of: dt.date


def compute_forecast(
    assessments: pd.DataFrame | None,
    expenditures: pd.DataFrame | None,
    goals: pd.DataFrame,
    params: AssumptionParams,
    as_of: dt.date,
    family_ids: Iterable[int] | None = None,
    prepared: Prepared | None = None,
    path: Path | None = None,
    actual: Priced | None = None,
) -> Forecast:
    """`prepared`: the engine's tables of the same data at T when the caller has them already
    (and `path`, the actual path they were made from: prepare_with_path or
    one_family.family_tables); with both, the assessments and expenditures are not needed.
    `actual`: evaluate(prepared, params) when the caller has priced them already."""
    if prepared is None:
        if assessments is None or expenditures is None:
            raise ValueError("the assessments and expenditures, or the tables made of them")
        prepared, path = prepare_with_path(assessments, expenditures, as_of, family_ids)
    ids = prepared.family_ids
    if path is None:
        if assessments is None:
            raise ValueError("the assessments, or the actual path made of them")
        first = first_days(assessments, as_of, ids)
    else:
        first = path_first_days(path)
    arrays = goal_arrays(goals, ids)
    planned = forecast_path(ids, prepared.baseline, first, arrays)
    at_t = np.full(len(ids), day_number(as_of), dtype=np.int64)
    following = planned.next_start
    forecast = settle(planned, at_t, prepared.spending, as_of, following)
    latest = np.full(len(ids), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(latest, arrays.row, arrays.target_day)
    promise_day = np.maximum(at_t, latest)
    promise = settle(planned, promise_day, prepared.spending, as_of, following)
    if actual is None or actual.prepared is not prepared or actual.params != params:
        actual = evaluate(prepared, params)
    return Forecast(
        actual=actual,
        forecast=evaluate(forecast, params),
        promise=evaluate(promise, params),
        promise_dates=promise_day.astype("datetime64[D]"),
        forecast_path=planned,
        first=first,
        assessments=assessments,
        path=path,
        goals=_goal_status(goals, arrays, prepared, forecast),
        as_of=as_of,
    )


def status_of(level: np.ndarray, forecast_level: np.ndarray) -> np.ndarray:
    """'ahead' | 'on_track' | 'behind' of the level at T against f_d(T); '' where unassessed."""
    out = np.where(
        level > forecast_level, AHEAD, np.where(level < forecast_level, BEHIND, ON_TRACK)
    )
    return np.where((level >= 0) & (forecast_level >= 0), out, "")


def _goal_status(
    goals: pd.DataFrame, arrays: Goals, actual: Prepared, forecast: Prepared
) -> pd.DataFrame:
    """Each goal with its domain's status at T ('' when it does not enter the forecast)."""
    status = np.full(len(goals), "", dtype=object)
    status[arrays.frame_index] = status_of(
        actual.current[arrays.row, arrays.domain].astype(int),
        forecast.current[arrays.row, arrays.domain].astype(int),
    )
    return goals.assign(status=status) if len(goals) else goals.assign(status=pd.Series(dtype=str))


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


def yearly_rates(params: AssumptionParams) -> np.ndarray:
    """[domain, baseline level, level, category, payer]: the realised saving of one year at
    `level` against the baseline, priced by engine.evaluate itself on one synthetic family per
    (domain, baseline, level) — so the series below is the engine's pricing, cut by quarter."""
    n = len(DOMAINS) * 16
    domain, base, level = np.unravel_index(np.arange(n), (len(DOMAINS), 4, 4))
    baseline = np.full((n, len(DOMAINS)), -1, dtype=np.int8)
    current = np.full((n, len(DOMAINS)), -1, dtype=np.int8)
    days = np.zeros((n, len(DOMAINS), 4))
    baseline[np.arange(n), domain] = base
    current[np.arange(n), domain] = level
    days[np.arange(n), domain, level] = 365.0
    synthetic = Prepared(np.arange(n), baseline, current, days, np.zeros(n), dt.date(1970, 1, 1))
    realised = evaluate(synthetic, params).realised
    return realised.reshape(len(DOMAINS), 4, 4, *realised.shape[1:])


def series(
    forecast: Forecast, params: AssumptionParams, family_ids: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Per quarter end from the first assessment to T (the last one is T itself): realised
    savings to that day, undiscounted, on the actual and on the forecast path, fiscal and total;
    `families`: how many of the families had been assessed by then.

    Realised savings are linear in the days spent at each level, so each path segment carries
    its yearly rate (yearly_rates) and each quarter end takes the days of each segment up to it."""
    rows = rows_of(forecast.actual, family_ids)
    prepared = forecast.actual.prepared
    chosen = np.zeros(len(prepared.family_ids), dtype=bool)
    chosen[rows] = True
    first = forecast.first[rows]
    if not (first < NEVER).any():
        return []
    rates = yearly_rates(params)
    fiscal_rate, total_rate = rates[..., FISCAL, :].sum(axis=-1), rates.sum(axis=(-1, -2))
    actual = forecast.path
    if actual is None:
        assert forecast.assessments is not None  # compute_forecast keeps one or the other
        actual = actual_path(forecast.assessments, forecast.as_of, prepared.family_ids)
    paths = {"actual": actual, "forecast": forecast.forecast_path}
    start = dt.date(1970, 1, 1) + dt.timedelta(days=int(first.min()))
    days = np.array(
        [day_number(min(q, forecast.as_of)) for q in quarter_ends(start, forecast.as_of)]
    )
    cumulative = {}
    every = bool(chosen.all())  # a portfolio: every segment, without copying them first
    for name, path in paths.items():
        keep = slice(None) if every else chosen[path.row]
        row, domain, level = path.row[keep], path.domain[keep], path.level[keep]
        base = prepared.baseline[row, domain].astype(np.int64)
        # the rates' [domain, baseline, level] cell of each segment, by its flat index (a
        # baseline of -1 wraps to the last level, as the index [domain, base, level] did)
        cell = (domain.astype(np.int64) * 4 + base % 4) * 4 + level
        each = np.stack([fiscal_rate.ravel()[cell], total_rate.ravel()[cell]])
        cumulative[name] = _realised_to(path.start[keep], path.next_start[keep], each, days)
    earliest = first.min(axis=1)
    out = []
    for index, day in enumerate(days):
        out.append(
            {
                "quarter_end": dt.date(1970, 1, 1) + dt.timedelta(days=int(day)),
                "families": int((earliest <= day).sum()),
                **{
                    f"{name}_realised": {
                        "fiscal": float(values[0, index]),
                        "total": float(values[1, index]),
                    }
                    for name, values in cumulative.items()
                },
            }
        )
    return out


def _realised_to(
    start: np.ndarray, until: np.ndarray, yearly: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """[rate, day] Σ over segments of yearly/365 · the segment's days up to each of `days`
    (ascending). A segment adds its daily rate from its start and takes it away from its end, so
    the sum to day q is Σ_events rate · (q − t) over the events t ≤ q: two cumulative sums."""
    ends = until < NEVER
    origin = days[0]
    # Event e counts for every day from the first one on or after it; events after the last
    # day count for none.
    opening = _slot(days, start)
    closing = _slot(days, until[ends])
    since_open = (start - origin).astype(float)
    since_close = (until[ends] - origin).astype(float)
    slots = len(days) + 1
    out = np.zeros((len(yearly), len(days)))
    for index, per_year in enumerate(yearly):
        daily = per_year / 365.0
        closed = daily[ends]
        rate = np.bincount(opening, daily, minlength=slots) - np.bincount(
            closing, closed, minlength=slots
        )
        moment = np.bincount(opening, daily * since_open, minlength=slots) - np.bincount(
            closing, closed * since_close, minlength=slots
        )
        rate, moment = rate[:-1], moment[:-1]
        out[index] = (days - origin) * np.cumsum(rate) - np.cumsum(moment)
    return out


def _slot(days: np.ndarray, when: np.ndarray) -> np.ndarray:
    """np.searchsorted(days, when, side="left") for ascending day numbers: looked up in a table
    of every day from the earliest asked for to the last of `days` (a region's path has some
    400 000 segments and a few dozen quarter ends; a binary search each is the slower way)."""
    if not len(when) or not len(days):
        return np.searchsorted(days, when, side="left")
    low, high = int(when.min()), int(days[-1])
    if low > high:  # every one after the last quarter end
        return np.full(len(when), len(days), dtype=np.intp)
    if high - low > 4 * len(when) + 4096:  # a table longer than the search: not worth it
        return np.searchsorted(days, when, side="left")
    # day low + i → its slot; every day after the last quarter end → len(days)
    table = np.searchsorted(days, np.arange(low, high + 2, dtype=np.int64), side="left")
    slots: np.ndarray = table[np.minimum(when - low, high + 1 - low)]
    return slots


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
