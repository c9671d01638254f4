"""Overall level rules and carry-forward, against hand-worked cases."""

from __future__ import annotations

import datetime as dt

import pytest

from velferdslab.assessments.levels import UnknownLevel, carry_forward, level_number, overall_level


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
