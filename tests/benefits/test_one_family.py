"""The lead's family page prices one family from its records without frames
(velferdslab.benefits.one_family); the tables must be exactly the frames' (forecast.
prepare_with_path), array by array, so every figure is the same to the last bit."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.benefits.test_properties import AS_OF, PARAMS, START, frames, level, spend
from velferdslab.benefits.engine import compute, evaluate
from velferdslab.benefits.one_family import family_tables
from velferdslab.benefits.paths import prepare_with_path
from velferdslab.benefits.results import family_summary
from velferdslab.vocabulary import DOMAINS

FAMILY = 3
# One family's readings: many on few dates, so that two on one date and repeated levels occur.
reading = st.tuples(
    st.just(FAMILY),
    st.integers(min_value=0, max_value=1400).map(lambda d: d - d % 45),
    st.fixed_dictionaries({d: level for d in DOMAINS}),
)
# Of one family, amounts in whole øre as the database holds them.
money = st.integers(min_value=1, max_value=5_000_000).map(lambda ore: ore / 100)
own_spend = spend.map(lambda s: (FAMILY, s[1], s[2], s[3]))


def records(readings: list, spending: list) -> tuple[list, list]:  # type: ignore[type-arg]
    """The same data as tests.benefits.test_properties.frames, as one_family takes it."""
    plain_readings = [
        (START + dt.timedelta(days=day), order, tuple(levels[d] for d in DOMAINS))
        for order, (_family, day, levels) in enumerate(readings)
    ]
    plain_spending = [
        (START + dt.timedelta(days=day), status, amount)
        for _family, day, amount, status in spending
    ]
    return plain_readings, plain_spending


@settings(max_examples=60, deadline=None)
@given(
    st.lists(reading, max_size=30),
    st.lists(st.tuples(st.just(FAMILY), st.integers(0, 1400), money, spend.map(lambda s: s[3]))),
    st.integers(min_value=-100, max_value=1500),
)
def test_one_familys_tables_are_exactly_the_frames(
    readings: list,  # type: ignore[type-arg]
    spending: list,  # type: ignore[type-arg]
    as_of_offset: int,
) -> None:
    as_of = START + dt.timedelta(days=as_of_offset)
    assessments, expenditures = frames(readings, spending)
    expected, expected_path = prepare_with_path(assessments, expenditures, as_of, [FAMILY])
    prepared, path = family_tables(FAMILY, *records(readings, spending), as_of)
    for name in ("family_ids", "row", "domain", "start", "level"):
        ours, theirs = getattr(path, name), getattr(expected_path, name)
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), name
    for name in ("family_ids", "baseline", "current", "days", "spending"):
        ours, theirs = getattr(prepared, name), getattr(expected, name)
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), name
    # and so what the engine prepares the slow way prices the same, bit for bit
    assert family_summary(evaluate(prepared, PARAMS), FAMILY) == family_summary(
        compute(assessments, expenditures, PARAMS, as_of, [FAMILY]), FAMILY
    )


@settings(max_examples=20, deadline=None)
@given(st.lists(reading, min_size=1, max_size=30), st.lists(own_spend, max_size=8))
def test_the_figures_at_the_usual_valuation_date_are_the_frames(
    readings: list,  # type: ignore[type-arg]
    spending: list,  # type: ignore[type-arg]
) -> None:
    assessments, expenditures = frames(readings, spending)
    prepared, _path = family_tables(FAMILY, *records(readings, spending), AS_OF)
    ours = family_summary(evaluate(prepared, PARAMS), FAMILY)
    theirs = family_summary(compute(assessments, expenditures, PARAMS, AS_OF, [FAMILY]), FAMILY)
    assert ours == theirs


def test_a_family_without_readings_or_spending_has_empty_tables() -> None:
    prepared, path = family_tables(FAMILY, [], [], AS_OF)
    assert len(path.row) == 0
    assert (prepared.baseline == -1).all() and (prepared.current == -1).all()
    assert prepared.days.sum() == 0 and prepared.spending.tolist() == [0.0]
    assert family_summary(evaluate(prepared, PARAMS), FAMILY)["fiscal_npv"] == 0
