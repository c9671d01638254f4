"""Overall level rules and carry-forward, against hand-worked cases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, make_family, make_lab
from velferdslab.assessments.levels import UnknownLevel, carry_forward, level_number, overall_level
from velferdslab.assessments.models import Assessment


def test_lowest_is_the_worst_domain_in_force() -> None:
    assert overall_level({"housing": 2, "work": 0, "school": None}) == 0
    assert overall_level({"housing": None}) is None


def test_median_is_the_lower_median_of_the_assessed_domains() -> None:
    # sorted 0, 1, 2, 3 → lower median is the second: 1
    assert overall_level({"housing": 3, "work": 0, "health": 2, "network": 1}, "median") == 1
    # sorted 1, 2, 3 → 2
    assert overall_level({"housing": 3, "work": 1, "health": 2}, "median") == 2


def test_unassessed_domains_carry_forward_and_the_later_reading_of_a_day_wins() -> None:
    jan, apr = dt.date(2025, 1, 6), dt.date(2025, 4, 7)
    points = carry_forward(
        [
            (apr, 3, {"housing": 2}),
            (jan, 1, {"housing": 0, "work": 1}),
            (apr, 4, {"housing": 3}),
        ]
    )
    assert [p.on for p in points] == [jan, apr]
    assert points[0].levels["housing"] == 0 and points[0].overall == 0
    # April: housing 3 (the later reading of the day), work 1 carried from January
    assert points[1].levels["housing"] == 3 and points[1].levels["work"] == 1
    assert points[1].overall == 1


def test_level_names() -> None:
    assert level_number("stable") == 2
    with pytest.raises(UnknownLevel, match="unknown"):
        level_number("unknown")


def test_the_effective_overall_level_is_one_rule_for_a_record_and_a_query(
    db: scoped_session,  # type: ignore[type-arg]
) -> None:
    """What the family list sorts and filters by (SQL) is what the family page shows (Python)."""
    lab = make_lab(db)
    family = make_family(db, lab)
    derived = add_assessment(db, family, dt.date(2025, 1, 10), housing=1, work=2)
    overridden = add_assessment(db, family, dt.date(2025, 2, 10), housing=1, work=2)
    overridden.overall_override, overridden.override_reason = 3, "Stabil bolig, ny jobb"
    db.flush()
    assert (derived.effective_overall, overridden.effective_overall) == (1, 3)
    in_sql = dict(
        db.execute(
            select(Assessment.id, Assessment.effective_overall).where(
                Assessment.family_id == family.id
            )
        ).all()
    )
    assert in_sql == {derived.id: 1, overridden.id: 3}
