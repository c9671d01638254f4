"""Invariants of the forecast over random portfolios (hypothesis): a plan that foresaw exactly
what happened has no variance, no plan promises nothing, and portfolio figures are sums."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.benefits.test_properties import AS_OF, PARAMS, START, frames, reading, spend
from velferdslab.benefits.engine import prepare
from velferdslab.benefits.forecast import (
    compute_forecast,
    family_figures,
    portfolio_figures,
    series,
)
from velferdslab.benefits.paths import actual_path, settle
from velferdslab.vocabulary import DOMAINS

GOAL_COLUMNS = ["goal_id", "family_id", "domain", "target_level", "target_date"]
goal = st.tuples(
    st.integers(min_value=1, max_value=6),
    st.sampled_from(DOMAINS),
    st.integers(min_value=0, max_value=3),
    st.one_of(st.none(), st.integers(min_value=-200, max_value=1600)),
)


def goals_as_readings(readings: list) -> pd.DataFrame:  # type: ignore[type-arg]
    """One goal per reading and domain: the reading's level on the reading's date, created in
    the order the readings were recorded."""
    rows = [
        (i * len(DOMAINS) + j, f, d, level, START + dt.timedelta(days=day))
        for i, (f, day, levels) in enumerate(readings)
        for j, (d, level) in enumerate(levels.items())
        if level is not None
    ]
    return pd.DataFrame(rows, columns=GOAL_COLUMNS)


def goal_frame(goals: list) -> pd.DataFrame:  # type: ignore[type-arg]
    rows = [
        (i, f, d, level, None if day is None else START + dt.timedelta(days=day))
        for i, (f, d, level, day) in enumerate(goals)
    ]
    return pd.DataFrame(rows, columns=GOAL_COLUMNS)


def _flat(figures: dict) -> list[float]:  # type: ignore[type-arg]
    out: list[float] = []
    for key in sorted(figures):
        value = figures[key]
        if isinstance(value, dict):
            out += _flat(value)
        elif isinstance(value, int | float):
            out.append(float(value))
    return out


@settings(max_examples=30, deadline=None)
@given(st.lists(reading, min_size=1, max_size=40), st.lists(spend, max_size=10))
def test_goals_equal_to_the_readings_leave_no_variance(readings: list, spending: list) -> None:  # type: ignore[type-arg]
    assessments, expenditures = frames(readings, spending)
    forecast = compute_forecast(
        assessments, expenditures, goals_as_readings(readings), PARAMS, AS_OF
    )
    for family_id in forecast.actual.prepared.family_ids:
        figures = family_figures(forecast, int(family_id))
        assert all(v == pytest.approx(0, abs=0.01) for v in _flat(figures["variance"]))
        assert all(d["status"] in (None, "on_track") for d in figures["domains"].values()), figures[
            "domains"
        ]
    for row in series(forecast, PARAMS):
        assert row["actual_realised"]["total"] == pytest.approx(
            row["forecast_realised"]["total"], abs=0.01
        )


@settings(max_examples=20, deadline=None)
@given(st.lists(reading, min_size=1, max_size=40), st.lists(spend, max_size=10))
def test_without_goals_the_forecast_realises_nothing(readings: list, spending: list) -> None:  # type: ignore[type-arg]
    assessments, expenditures = frames(readings, spending)
    forecast = compute_forecast(
        assessments, expenditures, pd.DataFrame(columns=GOAL_COLUMNS), PARAMS, AS_OF
    )
    total = portfolio_figures(forecast)
    for key in ("forecast", "promise"):
        assert total[key]["realised"]["total"] == 0
        assert total[key]["projected_pv"]["total"] == 0
    assert total["forecast"]["spending"] == total["actual"]["spending"]
    assert all(row["forecast_realised"]["total"] == 0 for row in series(forecast, PARAMS))


@settings(max_examples=20, deadline=None)
@given(
    st.lists(reading, min_size=1, max_size=40),
    st.lists(spend, max_size=10),
    st.lists(goal, max_size=20),
)
def test_the_portfolio_forecast_is_the_sum_of_the_families(
    readings: list,  # type: ignore[type-arg]
    spending: list,  # type: ignore[type-arg]
    goals: list,  # type: ignore[type-arg]
) -> None:
    assessments, expenditures = frames(readings, spending)
    forecast = compute_forecast(assessments, expenditures, goal_frame(goals), PARAMS, AS_OF)
    total = portfolio_figures(forecast)
    ids = [int(f) for f in forecast.actual.prepared.family_ids]
    parts = [family_figures(forecast, f) for f in ids]
    for block in ("forecast", "promise"):
        for key in ("fiscal_npv", "socioeconomic_npv", "spending"):
            assert total[block][key] == pytest.approx(sum(p[block][key] for p in parts), abs=0.01)
        for payer in total[block]["by_payer"]:
            assert total[block]["by_payer"][payer]["total"] == pytest.approx(
                sum(p[block]["by_payer"][payer]["total"] for p in parts), abs=0.01
            )
    whole = series(forecast, PARAMS)
    if whole:  # the series cut at T is the engine's realised at T, on either path
        assert whole[-1]["quarter_end"] == AS_OF
        for side, block in (("actual_realised", "actual"), ("forecast_realised", "forecast")):
            assert whole[-1][side]["total"] == pytest.approx(
                total[block]["realised"]["total"], abs=0.01
            )
            assert whole[-1][side]["fiscal"] == pytest.approx(
                total[block]["realised"]["fiscal"], abs=0.01
            )
    for row in whole:
        summed = sum(
            r["forecast_realised"]["total"]
            for f in ids
            for r in series(forecast, PARAMS, [f])
            if r["quarter_end"] == row["quarter_end"]
        )
        assert row["forecast_realised"]["total"] == pytest.approx(summed, abs=0.01)


@settings(max_examples=20, deadline=None)
@given(st.lists(reading, min_size=1, max_size=40))
def test_the_actual_path_cut_at_t_is_what_the_engine_prepares(readings: list) -> None:  # type: ignore[type-arg]
    assessments, expenditures = frames(readings, [])
    prepared = prepare(assessments, expenditures, AS_OF)
    path = actual_path(assessments, AS_OF, prepared.family_ids)
    ends = np.full(len(prepared.family_ids), np.datetime64(AS_OF, "D").astype(np.int64))
    settled = settle(path, ends, prepared.spending, AS_OF)
    assert np.array_equal(settled.baseline, prepared.baseline)
    assert np.array_equal(settled.current, prepared.current)
    assert np.allclose(settled.days, prepared.days)
