"""The overall level, written once: the same answer for a reading given as a mapping (what the
assessments store and the page shows), as one row, and as a row of a table (the engine, the
analytics and the reports)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from velferdslab.benefits.levels import overall, overall_rows
from velferdslab.vocabulary import DOMAINS

reading = st.fixed_dictionaries({d: st.one_of(st.none(), st.integers(0, 3)) for d in DOMAINS})


def test_lowest_and_median_by_hand() -> None:
    levels = {"housing": 3, "work": 1, "school": None, "health": 2}
    assert overall(levels, "lowest") == 1
    assert overall(levels, "median") == 2  # 1, 2, 3: the middle one
    assert overall({"housing": 3, "work": 0, "health": 2, "network": 1}, "median") == 1  # lower
    assert overall({"housing": None}, "lowest") is None
    assert overall(np.array([-1, -1]), "median") is None


@given(st.lists(reading, min_size=1, max_size=8), st.sampled_from(["lowest", "median"]))
def test_a_mapping_a_row_and_a_table_agree(
    readings: list[dict[str, int | None]], rule: str
) -> None:
    table = np.array([[-1 if r[d] is None else r[d] for d in DOMAINS] for r in readings])
    rows = overall_rows(table, rule)
    for one, row, level in zip(readings, table, rows, strict=True):
        assessed = sorted(v for v in one.values() if v is not None)
        expected = None
        if assessed:
            expected = assessed[(len(assessed) - 1) // 2] if rule == "median" else assessed[0]
        assert overall(one, rule) == expected
        assert overall(row, rule) == expected
        assert (None if level == -1 else int(level)) == expected
