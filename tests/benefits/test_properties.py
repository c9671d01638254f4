"""Invariants over random portfolios: the engine agrees with the plain loop, sums add up,
and without any change attributable to the team there is no benefit."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from velferdslab.benefits.engine import compute
from velferdslab.benefits.params import load_toml
from velferdslab.benefits.reference import portfolio_gains
from velferdslab.benefits.results import summarise
from velferdslab.settings import DEFAULTS_DIR
from velferdslab.vocabulary import DOMAINS

PARAMS = load_toml(DEFAULTS_DIR / "assumptions" / "velferdslab-standard.toml")
AS_OF = dt.date(2026, 6, 30)
START = dt.date(2023, 1, 1)

level = st.one_of(st.none(), st.integers(min_value=0, max_value=3))
reading = st.tuples(
    st.integers(min_value=1, max_value=6),  # family
    st.integers(min_value=0, max_value=1400),  # day offset from START (some after AS_OF)
    st.fixed_dictionaries({d: level for d in DOMAINS}),
)
spend = st.tuples(
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=0, max_value=1400),
    st.floats(min_value=1, max_value=50_000, allow_nan=False),
    st.sampled_from(["approved", "pending", "rejected"]),
)


def frames(readings: list, spending: list) -> tuple[pd.DataFrame, pd.DataFrame]:  # type: ignore[type-arg]
    rows = [
        {
            "family_id": f,
            "assessment_id": i,
            "assessed_on": START + dt.timedelta(days=d),
            **{k: (np.nan if v is None else v) for k, v in levels.items()},
        }
        for i, (f, d, levels) in enumerate(readings)
    ]
    assessments = pd.DataFrame(
        rows, columns=["family_id", "assessment_id", "assessed_on", *DOMAINS]
    )
    expenditures = pd.DataFrame(
        [
            {
                "family_id": f,
                "spent_on": START + dt.timedelta(days=d),
                "amount": a,
                "status": s,
                "paying_agency_id": 1,
            }
            for f, d, a, s in spending
        ],
        columns=["family_id", "spent_on", "amount", "status", "paying_agency_id"],
    )
    return assessments, expenditures


def by_family(readings: list) -> dict[int, list]:  # type: ignore[type-arg]
    grouped: dict[int, list] = {}  # type: ignore[type-arg]
    for i, (f, d, levels) in enumerate(readings):
        grouped.setdefault(f, []).append((START + dt.timedelta(days=d), i, levels))
    return grouped


@settings(max_examples=60, deadline=None)
@given(st.lists(reading, max_size=40), st.lists(spend, max_size=15))
def test_the_engine_agrees_with_the_plain_loop(readings: list, spending: list) -> None:  # type: ignore[type-arg]
    assessments, expenditures = frames(readings, spending)
    engine = summarise(compute(assessments, expenditures, PARAMS, AS_OF))
    spent = {}
    for f, d, amount, status in spending:
        if status == "approved" and START + dt.timedelta(days=d) <= AS_OF:
            spent[f] = spent.get(f, 0.0) + amount
    loop = portfolio_gains(by_family(readings), spent, PARAMS, AS_OF)
    fiscal = engine["realised"]["fiscal"] + engine["projected_pv"]["fiscal"]
    assert fiscal == pytest.approx(loop["fiscal"], abs=0.01)
    assert engine["spending"] == pytest.approx(loop["spending"], abs=0.01)
    assert engine["socioeconomic_npv"] == pytest.approx(loop["socioeconomic_npv"], abs=0.01)


@settings(max_examples=40, deadline=None)
@given(st.lists(reading, min_size=1, max_size=40), st.lists(spend, max_size=10))
def test_the_portfolio_is_the_sum_of_its_families(readings: list, spending: list) -> None:  # type: ignore[type-arg]
    priced = compute(*frames(readings, spending), PARAMS, AS_OF)
    total = summarise(priced)
    parts = [summarise(priced, [f]) for f in priced.prepared.family_ids]
    for key in ("fiscal_npv", "socioeconomic_npv", "spending"):
        assert total[key] == pytest.approx(sum(p[key] for p in parts), abs=0.01)


@settings(max_examples=30, deadline=None)
@given(st.lists(reading, min_size=1, max_size=30))
def test_with_full_deadweight_nothing_is_gained(readings: list) -> None:  # type: ignore[type-arg]
    priced = compute(*frames(readings, []), PARAMS.with_changes(deadweight=1.0), AS_OF)
    total = summarise(priced)
    assert total["realised"]["total"] == 0 and total["projected_pv"]["total"] == 0
