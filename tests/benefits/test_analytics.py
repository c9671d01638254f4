"""Portfolio analytics against hand-counted cases."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from tests.benefits.test_cases import NO_SPENDING, ONE_ITEM, frame
from velferdslab.benefits.analytics import (
    goals_met,
    level_distribution,
    sensitivity,
    time_at_level,
    transition_matrix,
)
from velferdslab.benefits.engine import prepare


def two_families() -> pd.DataFrame:
    first = frame((1, "2025-01-15", {"housing": 0, "work": 1}), (2, "2025-05-10", {"housing": 2}))
    second = frame((3, "2025-02-01", {"housing": 1}), (4, "2025-08-01", {"housing": 0}))
    second["family_id"] = 2
    return pd.concat([first, second], ignore_index=True)


def test_transitions_from_baseline_to_now() -> None:
    prepared = prepare(two_families(), NO_SPENDING, dt.date(2025, 12, 31))
    matrix = transition_matrix(prepared, "lowest")
    # family 1: lowest(0, 1) = 0 → lowest(2, 1) = 1; family 2: 1 → 0
    assert matrix[0][1] == 1 and matrix[1][0] == 1 and sum(map(sum, matrix)) == 2


def test_levels_per_quarter_carry_forward() -> None:
    rows = level_distribution(two_families(), dt.date(2025, 9, 30), "lowest", [1, 2])
    by_quarter = {row["quarter_end"]: row["counts"] for row in rows}
    # 31 March: family 1 at 0 (housing 0), family 2 at 1 (housing 1)
    assert by_quarter[dt.date(2025, 3, 31)] == {
        "unsustainable": 1,
        "exposed": 1,
        "stable": 0,
        "sustainable": 0,
    }
    # 30 September: family 1 at 1 (work 1 carried forward), family 2 at 0
    assert by_quarter[dt.date(2025, 9, 30)]["unsustainable"] == 1
    assert by_quarter[dt.date(2025, 9, 30)]["exposed"] == 1


def test_goals_met_and_time_at_level() -> None:
    prepared = prepare(two_families(), NO_SPENDING, dt.date(2025, 12, 31))
    goals = pd.DataFrame(
        {
            "family_id": [1, 2],
            "domain": ["housing", "housing"],
            "target_level": [2, 2],
            "target_date": [None, None],
        }
    )
    assert goals_met(prepared, goals) == {"goals": 2, "met": 1}
    years = time_at_level(prepared)
    # family 1 housing: 115 days at 0 (15 Jan → 10 May), 235 at 2; work: 350 at 1;
    # family 2 housing: 181 days at 1, 152 at 0
    assert round(years["unsustainable"] * 365) == 115 + 152
    assert round(years["exposed"] * 365) == 350 + 181
    assert round(years["stable"] * 365) == 235


def test_the_tornado_is_ordered_by_swing_and_moves_the_right_way() -> None:
    prepared = prepare(two_families(), NO_SPENDING, dt.date(2025, 12, 31))
    rows = sensitivity(prepared, ONE_ITEM)
    swings = [row["swing"] for row in rows]
    assert swings == sorted(swings, reverse=True)
    deadweight = next(row for row in rows if row["parameter"] == "deadweight")
    success = next(row for row in rows if row["parameter"] == "success_rate")
    # Net benefits are positive here (family 1 gains 80 000 a year in housing, family 2 loses
    # 40 000): more deadweight lowers the NPV, a higher success rate raises it.
    assert deadweight["high"] < deadweight["base"] < deadweight["low"]
    assert success["low"] < success["base"] < success["high"]


def counted_one_quarter_at_a_time(
    readings: list[tuple[int, int, dt.date, dict[str, int]]], as_of: dt.date, rule: str
) -> dict[dt.date, tuple[dict[str, int], dict[str, dict[str, int]]]]:
    """The levels per quarter end the plain way: for each quarter end and each family, carry
    the levels forward through its readings up to that day."""
    from velferdslab.benefits.analytics import quarter_ends
    from velferdslab.vocabulary import DOMAINS, LEVELS

    first = min(on for _, _, on, _ in readings if on <= as_of)
    result = {}
    for end in quarter_ends(first, as_of):
        day = min(end, as_of)
        overall = dict.fromkeys(LEVELS, 0)
        by_domain = {d: dict.fromkeys(LEVELS, 0) for d in DOMAINS}
        for family in sorted({r[0] for r in readings}):
            mine = sorted((on, i, lv) for f, i, on, lv in readings if f == family and on <= day)
            if not mine:
                continue
            levels: dict[str, int] = {}
            for _, _, given in mine:
                levels.update(given)
            for domain, level in levels.items():
                by_domain[domain][LEVELS[level]] += 1
            known = sorted(levels.values())
            if known:
                at = known[0] if rule == "lowest" else known[(len(known) - 1) // 2]
                overall[LEVELS[at]] += 1
        result[day] = (overall, by_domain)
    return result


def test_levels_per_quarter_match_a_plain_count_for_many_families() -> None:
    import random

    from tests.benefits.test_cases import frame as one_family
    from velferdslab.vocabulary import DOMAINS

    rng = random.Random(18)
    readings = []
    for family in range(1, 41):
        on = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(400))
        for _ in range(rng.randrange(1, 8)):
            levels = {d: rng.randrange(4) for d in rng.sample(DOMAINS, rng.randrange(0, 4))}
            readings.append((family, len(readings) + 1, on, levels))
            on += dt.timedelta(days=rng.choice([0, 0, 30, 91, 200]))  # same-day readings too
    frames = []
    for family, number, on, levels in readings:
        row = one_family((number, on.isoformat(), levels))
        row["family_id"] = family
        frames.append(row)
    assessments = pd.concat(frames, ignore_index=True)
    for as_of in (dt.date(2023, 2, 14), dt.date(2024, 12, 31), dt.date(2025, 6, 1)):
        for rule in ("lowest", "median"):
            rows = level_distribution(assessments, as_of, rule, list(range(1, 41)))
            got = {r["quarter_end"]: (r["counts"], r["by_domain"]) for r in rows}
            assert got == counted_one_quarter_at_a_time(readings, as_of, rule)
            assert all(r["total"] == sum(r["counts"].values()) for r in rows)
