"""Lasting moves against a hand-computed fixture of eight families (benefit-model.md, "Lasting
moves …"): every rule of the spec, each family's dates worked out by hand below."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from velferdslab.benefits.moves import (
    add_months,
    counts_at,
    family_moves,
    lasting_moves_at,
    move_spells,
    status_at,
)
from velferdslab.vocabulary import DOMAINS

D = dt.date.fromisoformat
T = D("2025-06-30")

# (family, assessment id (record order), date, levels); the overall rule is "lowest".
READINGS = [
    # 1 reaches stable 15.06.2024 (housing 2, work 2 carried) and holds it: lasting from
    #   15.12.2024; the reading of 01.10.2024 assesses housing only (3), work 2 stays in force.
    (1, 10, "2024-01-10", {"housing": 1, "work": 2}),
    (1, 11, "2024-06-15", {"housing": 2}),
    (1, 12, "2024-10-01", {"housing": 3}),
    # 2 reaches stable 31.03.2025: six months end 30.09.2025, after T: not yet lasting.
    (2, 20, "2025-01-01", {"housing": 0}),
    (2, 21, "2025-03-31", {"housing": 2}),
    # 3 reaches 31.08.2023, falls back 15.01.2024 (before six months: 29.02.2024), reaches
    #   again 31.08.2024, a new start: lasting from 28.02.2025 (31 August + 6 months).
    (3, 30, "2023-05-01", {"housing": 1}),
    (3, 31, "2023-08-31", {"housing": 2}),
    (3, 32, "2024-01-15", {"housing": 1}),
    (3, 33, "2024-08-31", {"housing": 2}),
    # 4 reaches 01.05.2024, falls back 01.09.2024 and is concluded: keeps its last reading.
    (4, 40, "2024-02-01", {"housing": 1}),
    (4, 41, "2024-05-01", {"housing": 3}),
    (4, 42, "2024-09-01", {"housing": 0}),
    # 5 never reaches (withdrawn): on 01.06.2024 housing 3, but work 1 is still in force.
    (5, 50, "2024-03-01", {"housing": 0, "work": 1}),
    (5, 51, "2024-06-01", {"housing": 3}),
    # 6 starts at stable (enrolled 15.03.2024) and is counted apart even after falling.
    (6, 60, "2024-04-01", {"housing": 2}),
    (6, 61, "2024-10-01", {"housing": 1}),
    # 7 is enrolled 01.05.2025; its first reading comes after T: counted, not assessed.
    (7, 70, "2025-08-01", {"housing": 0}),
    # 8: of two readings on 30.12.2024 the later recorded (exposed) wins; reaches 31.12.2024,
    #   lasting exactly at T (31.12 + 6 months = 30.06).
    (8, 80, "2024-10-15", {"housing": 0}),
    (8, 82, "2024-12-30", {"housing": 1}),
    (8, 81, "2024-12-30", {"housing": 2}),
    (8, 83, "2024-12-31", {"housing": 2}),
]
ENROLLED = {6: D("2024-03-15"), 7: D("2025-05-01")}


def readings() -> pd.DataFrame:
    records = []
    for family, assessment, on, levels in READINGS:
        record = {"family_id": family, "assessment_id": assessment, "assessed_on": on}
        record.update({d: levels.get(d, np.nan) for d in DOMAINS})
        records.append(record)
    return pd.DataFrame(records).sample(frac=1, random_state=3)  # order must not matter


def spells(sustain_months: int = 6):  # type: ignore[no-untyped-def]
    return move_spells(readings(), range(1, 9), "lowest", sustain_months, ENROLLED)


def test_each_family_at_t() -> None:
    table = status_at(spells(), T).set_index("family_id")
    expected = {
        1: ("lasting", D("2024-06-15"), D("2024-12-15"), None),
        2: ("not_yet_lasting", D("2025-03-31"), None, None),
        3: ("lasting", D("2024-08-31"), D("2025-02-28"), None),
        4: ("fell_back", D("2024-05-01"), None, D("2024-09-01")),
        5: ("never_reached", None, None, None),
        6: ("started_stable", None, None, None),
        7: (None, None, None, None),
        8: ("lasting", D("2024-12-31"), D("2025-06-30"), None),
    }
    for family, (status, reached, since, fell) in expected.items():
        line = table.loc[family]
        found = (line["status"], line["reached_on"], line["lasting_since"], line["fell_back_on"])
        assert found == (status, reached, since, fell), family
    assert table["counted"].all()


def test_counts_with_the_intention_to_treat_denominator() -> None:
    (at_t,) = counts_at(spells(), [T])
    assert at_t == {
        "date": T,
        "lasting": 3,
        "not_yet_lasting": 1,
        "fell_back": 1,
        "never_reached": 1,
        "started_stable": 1,
        "not_assessed": 1,
        "denominator": 8,
    }


def test_an_earlier_date_sees_only_what_was_read_by_then() -> None:
    (early,) = counts_at(spells(), [D("2024-03-31")])
    # 1, 4, 5 below stable since their first reading, 3 fell back 15.01.2024, 6 enrolled but
    # not yet read; 2, 7, 8 not yet enrolled.
    assert early["denominator"] == 5
    assert (early["never_reached"], early["fell_back"], early["not_assessed"]) == (3, 1, 1)
    table = status_at(spells(), D("2024-03-31")).set_index("family_id")
    assert table.loc[3, "reached_on"] == D("2023-08-31")
    assert table.loc[3, "fell_back_on"] == D("2024-01-15")
    assert list(table["counted"]) == [True, False, True, True, True, True, False, False]


def test_the_day_before_six_months_is_not_yet_lasting() -> None:
    table = status_at(spells(), D("2025-06-29")).set_index("family_id")
    assert table.loc[8, "status"] == "not_yet_lasting"
    table = status_at(spells(), D("2025-02-27")).set_index("family_id")
    assert table.loc[3, "status"] == "not_yet_lasting"


def test_lasting_moves_at_quarter_ends() -> None:
    quarters = [D(q) for q in ("2023-12-31", "2024-06-30", "2024-12-31", "2025-03-31")]
    assert lasting_moves_at(spells(), [*quarters, T]) == [0, 0, 1, 2, 3]
    # With three months 3's first run lasts from 30.11.2023 until its fall; 2 lasts at T.
    assert lasting_moves_at(spells(3), [*quarters, T]) == [1, 0, 2, 3, 4]
    # dates in any order answer in that order
    assert lasting_moves_at(spells(), [T, quarters[0]]) == [3, 0]


def test_one_family_block() -> None:
    block = family_moves(spells(), 3, T)
    assert block == {
        "status": "lasting",
        "reached_on": D("2024-08-31"),
        "lasting_since": D("2025-02-28"),
        "fell_back_on": None,
        "sustain_months": 6,
    }
    assert family_moves(spells(), 99, T)["status"] is None


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2024-08-31", 6, "2025-02-28"),
        ("2023-08-31", 6, "2024-02-29"),
        ("2024-12-31", 6, "2025-06-30"),
        ("2024-01-15", 12, "2025-01-15"),
        ("2024-03-31", 0, "2024-03-31"),
    ],
)
def test_months_arithmetic(start: str, months: int, end: str) -> None:
    day = np.array([np.datetime64(start, "D").astype(np.int64)])
    assert add_months(day, months)[0] == np.datetime64(end, "D").astype(np.int64)


def test_no_readings_at_all() -> None:
    empty = readings().iloc[0:0]
    moves = move_spells(empty, [1, 2], "lowest", 6)
    assert counts_at(moves, [T])[0]["denominator"] == 2
    assert counts_at(moves, [T])[0]["not_assessed"] == 2
