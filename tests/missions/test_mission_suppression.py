"""The portfolio's secondary-suppression property, extended to missions (issue 29): a mission's
table beside its municipalities', every sum of every view taken together and the mission's
figure = the sum of its municipalities', fixes no hidden count; a hidden count always comes with
the range it lies in where its denominator is shown."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.benefits.test_suppression import table_lines
from velferdslab.benefits.disclosure import Line, recoverable
from velferdslab.benefits.suppression import Suppression
from velferdslab.missions.indicators import Counts, Promise
from velferdslab.missions.progress import FAMILIES, SHARE, suppressed_views

QUARTERS = [dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30)]
DEADLINE = dt.date(2030, 12, 31)


def counts_of(
    municipalities: list[list[tuple[int, int]]],
) -> tuple[Counts, Promise]:
    """Each municipality's (below stable, stable or better) per quarter end, the deadline last."""
    below = np.array([[row[0] for row in m] for m in municipalities])
    stable = np.array([[row[1] for row in m] for m in municipalities])
    assessed = below + stable
    quarters = QUARTERS[: below.shape[1] - 1]
    ids = list(range(1, len(municipalities) + 1))
    counts = Counts(ids, quarters, assessed[:, :-1], assessed[:, :-1], stable[:, :-1])
    return counts, Promise(DEADLINE, assessed[:, -1], assessed[:, -1], stable[:, -1])


views_of = st.integers(min_value=2, max_value=4).flatmap(
    lambda rows: st.lists(
        st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=rows, max_size=rows),
        min_size=2,
        max_size=4,
    )
)


def _lines(view: object, rows: int, columns: int) -> list[Line]:
    if columns == 1:
        return []
    return [
        ([(view, *p) for p in parts], (view, *total))
        for parts, total in table_lines(rows, 2, row_totals=True, col_totals=False, groups=())
        if total != ("total",)
    ]


@settings(max_examples=150, deadline=None)
@given(views_of, st.sampled_from([SHARE, FAMILIES]))
def test_no_combination_of_the_mission_and_its_municipalities_reveals_a_hidden_count(
    municipalities: list[list[tuple[int, int]]], indicator: str
) -> None:
    counts, promise = counts_of(municipalities)
    views = suppressed_views(counts, promise, indicator, Suppression(applied=True, threshold=5))
    rows = len(municipalities[0])
    names = [*counts.quarters, ("forecast", DEADLINE)]
    columns = 2 if indicator == SHARE else 1

    def local(key: tuple[object, ...]) -> tuple[object, ...]:
        """A table key (KEY, kind, row name, …) as (kind, row index, …)."""
        _, kind, *rest = key
        return (kind, names.index(rest[0]), *rest[1:]) if rest else (kind,)

    views_named = [(f"m{i}", rule) for i, rule in enumerate(views.municipality_rules)]
    views_named.append(("mission", views.mission_rule))
    lines: list[Line] = []
    hidden: set[object] = set()
    for view, rule in views_named:
        lines += _lines(view, rows, columns)
        hidden |= {(view, *local(key)) for key in rule.hidden}
    figures = [("cell", r, c) for r in range(rows) for c in range(columns)]
    if columns == 2:
        figures += [("row", r) for r in range(rows)]
    lines += [
        ([(f"m{i}", *f) for i in range(len(municipalities))], ("mission", *f)) for f in figures
    ]
    assert not recoverable(lines, hidden)
    # Every small count is hidden where it stands, and the mission's count is told as a range
    # wherever it is hidden beside a shown denominator: never a blank.
    for part, rows_of in zip(municipalities, views.municipalities, strict=True):
        for (below, stable), row in zip(part, rows_of["rows"], strict=True):
            count = stable if indicator == SHARE else below + stable
            if 0 < count < 5:
                assert row["count"]["suppressed"] and row["range"] == [1, 4]
    for row in views.mission["rows"]:
        shown = row["denominator"] is None or not row["denominator"]["suppressed"]
        if row["count"]["suppressed"] and shown:
            assert row["range"] is not None
            low, high = row["range"]
            assert low <= row["true"][-1] <= high
