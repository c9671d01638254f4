"""The forecast's quarterly series (velferdslab/benefits/forecast.py: the quarter end of each
segment looked up in a table, the rates by flat index, a portfolio's segments without copies)
and its actual side taken from the report's own pricing give the same floats, bit for bit, as
the series and the pricing made the plain way — for random portfolios, for all their families,
for some of them and for one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.benefits.test_forecast_properties import goal, goal_frame
from tests.benefits.test_properties import AS_OF, PARAMS, frames, reading, spend
from velferdslab.benefits.analytics import quarter_ends
from velferdslab.benefits.engine import evaluate, rows_of
from velferdslab.benefits.forecast import (
    FISCAL,
    Forecast,
    _slot,
    compute_forecast,
    series,
    yearly_rates,
)
from velferdslab.benefits.paths import NEVER, day_number, prepare_with_path, settle
from velferdslab.benefits.plan import domain_plan


def plain_series(forecast: Forecast, family_ids: Any) -> list[dict[str, Any]]:
    """series() as it was written before: masks, a 3-d lookup, a binary search per segment."""
    rows = rows_of(forecast.actual, family_ids)
    prepared = forecast.actual.prepared
    chosen = np.zeros(len(prepared.family_ids), dtype=bool)
    chosen[rows] = True
    first = forecast.first[rows]
    if not (first < NEVER).any():
        return []
    rates = yearly_rates(PARAMS)
    fiscal_rate, total_rate = rates[..., FISCAL, :].sum(axis=-1), rates.sum(axis=(-1, -2))
    assert forecast.path is not None
    start = dt.date(1970, 1, 1) + dt.timedelta(days=int(first.min()))
    days = np.array(
        [day_number(min(q, forecast.as_of)) for q in quarter_ends(start, forecast.as_of)]
    )
    out: dict[str, np.ndarray] = {}
    for name, path in (("actual", forecast.path), ("forecast", forecast.forecast_path)):
        keep = chosen[path.row]
        row, domain, level = path.row[keep], path.domain[keep], path.level[keep]
        base = prepared.baseline[row, domain].astype(np.int64)
        each = np.stack([fiscal_rate[domain, base, level], total_rate[domain, base, level]])
        begin, until = path.start[keep], path.next_start[keep]
        ends = until < NEVER
        slots = len(days) + 1
        opening = np.searchsorted(days, begin, side="left")
        closing = np.searchsorted(days, until[ends], side="left")
        since_open = (begin - days[0]).astype(float)
        since_close = (until[ends] - days[0]).astype(float)
        values = np.zeros((2, len(days)))
        for index, per_year in enumerate(each):
            daily = per_year / 365.0
            closed = daily[ends]
            rate = np.bincount(opening, daily, minlength=slots) - np.bincount(
                closing, closed, minlength=slots
            )
            moment = np.bincount(opening, daily * since_open, minlength=slots) - np.bincount(
                closing, closed * since_close, minlength=slots
            )
            values[index] = (days - days[0]) * np.cumsum(rate[:-1]) - np.cumsum(moment[:-1])
        out[name] = values
    return [
        {
            f"{name}_realised": {"fiscal": float(v[0, i]), "total": float(v[1, i])}
            for name, v in out.items()
        }
        for i in range(len(days))
    ]


def bits(rows: list[dict[str, Any]]) -> list[bytes]:
    return [
        np.float64(row[side][part]).tobytes()
        for row in rows
        for side in ("actual_realised", "forecast_realised")
        for part in ("fiscal", "total")
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(reading, min_size=1, max_size=40),
    st.lists(spend, max_size=10),
    st.lists(goal, max_size=25),
    st.sets(st.integers(min_value=1, max_value=6), max_size=6),
)
def test_the_series_and_the_forecast_are_the_same_to_the_bit(
    readings: list,  # type: ignore[type-arg]
    spending: list,  # type: ignore[type-arg]
    goals: list,  # type: ignore[type-arg]
    some: set[int],
) -> None:
    assessments, expenditures = frames(readings, spending)
    prepared, path = prepare_with_path(assessments, expenditures, AS_OF)
    goals_frame = goal_frame(goals)
    priced = evaluate(prepared, PARAMS)
    kept = compute_forecast(
        None, None, goals_frame, PARAMS, AS_OF, prepared=prepared, path=path, actual=priced
    )
    plain = compute_forecast(None, None, goals_frame, PARAMS, AS_OF, prepared=prepared, path=path)
    assert kept.actual is priced
    for name in ("realised", "projected_pv", "fiscal_first_year"):
        assert getattr(kept.actual, name).tobytes() == getattr(plain.actual, name).tobytes()
    for ids in (None, sorted(some), [int(prepared.family_ids[0])]):
        mine = series(kept, PARAMS, ids)
        assert bits(mine) == bits(plain_series(plain, ids))
        assert [row["quarter_end"] for row in mine] == [
            row["quarter_end"] for row in series(plain, PARAMS, ids)
        ]


def test_a_quarter_end_is_found_as_a_binary_search_finds_it() -> None:
    days = np.array([100, 190, 281, 373], dtype=np.int64)
    when = np.array([5, 99, 100, 101, 190, 373, 374, NEVER, 10**9], dtype=np.int64)
    assert _slot(days, when).tolist() == np.searchsorted(days, when, side="left").tolist()
    after = np.array([374, 500, NEVER], dtype=np.int64)  # all after the last quarter end
    assert _slot(days, after).tolist() == np.searchsorted(days, after, side="left").tolist()
    assert _slot(days, after[:0]).tolist() == []
    # far apart: the plain search, the same answer
    far = np.array([-(10**7), 0, 10**7], dtype=np.int64)
    assert _slot(days, far).tolist() == np.searchsorted(days, far, side="left").tolist()


def plain_days(path: Any, ends: np.ndarray) -> np.ndarray:
    """settle()'s days as they were summed before: np.add.at in segment order."""
    end = ends[path.row]
    started = path.start <= end
    until = np.minimum(path.next_start, end)
    days = np.zeros((len(path.family_ids), 7, 4))
    np.add.at(
        days,
        (path.row[started], path.domain[started], path.level[started]),
        (until - path.start)[started].astype(float),
    )
    return days


def plain_plan(prepared: Any, goals: pd.DataFrame) -> list[dict[str, Any]]:
    """domain_plan as it was made before: over a copy of the dated goals' frame (given the
    frame already cut, its own mask keeps every row)."""
    dated = goals[goals["target_date"].notna()] if len(goals) else goals
    return domain_plan(prepared.baseline, prepared.current, prepared.family_ids, dated, PARAMS)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(reading, min_size=1, max_size=40),
    st.lists(spend, max_size=10),
    st.lists(goal, max_size=25),
)
def test_settled_days_and_the_plan_are_the_same_to_the_bit(
    readings: list,  # type: ignore[type-arg]
    spending: list,  # type: ignore[type-arg]
    goals: list,  # type: ignore[type-arg]
) -> None:
    assessments, expenditures = frames(readings, spending)
    prepared, path = prepare_with_path(assessments, expenditures, AS_OF)
    goals_frame = goal_frame(goals)
    forecast = compute_forecast(
        None, None, goals_frame, PARAMS, AS_OF, prepared=prepared, path=path
    )
    at_t = np.full(len(prepared.family_ids), day_number(AS_OF), dtype=np.int64)
    for cut, days in (
        (path, prepared.days),
        (forecast.forecast_path, forecast.forecast.prepared.days),
    ):
        assert days.tobytes() == plain_days(cut, at_t).tobytes()
    later = at_t + np.arange(len(at_t)) * 97
    settled = settle(forecast.forecast_path, later, prepared.spending, AS_OF)
    assert settled.days.tobytes() == plain_days(forecast.forecast_path, later).tobytes()
    mine = domain_plan(
        prepared.baseline, prepared.current, prepared.family_ids, goals_frame, PARAMS
    )
    assert [
        np.float64(row[k]).tobytes() for row in mine for k in ("expected_gain", "measured_gain")
    ] == [
        np.float64(row[k]).tobytes()
        for row in plain_plan(prepared, goals_frame)
        for k in ("expected_gain", "measured_gain")
    ]
    assert mine == plain_plan(prepared, goals_frame)
