"""Small-cell suppression: nothing under five is shown, and nothing hidden can be worked out."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from velferdslab.benefits.disclosure import Line, recoverable
from velferdslab.benefits.line_rule import _hidden_by_rows, _hidden_in_lines
from velferdslab.benefits.suppression import (
    Suppression,
    hidden_cells,
    suppress_table,
)
from velferdslab.gains.region import elsewhere, hidden_together


def test_a_small_cell_and_its_complement_are_hidden() -> None:
    # row 0: 3 is primary; its row total (15) is shown, so the smallest other cell (5) goes too.
    # column 0: 3 and 5? 5 is in column 1. Column 0 = 3 + 20: one hidden → hide 20 as well, etc.
    table = suppress_table([[3, 5, 7], [20, 30, 40]])
    hidden = [[c["suppressed"] for c in row] for row in table["cells"]]
    assert hidden[0][0] is True and table["cells"][0][0]["value"] is None
    assert sum(map(sum, hidden)) >= 4  # at least two per line that hides one
    assert table["total"] == {"value": 105, "suppressed": False}


def test_big_cells_are_shown_as_they_are() -> None:
    table = suppress_table([[10, 0], [6, 50]])
    assert [[c["value"] for c in row] for row in table["cells"]] == [[10, 0], [6, 50]]


def recoverable_by_a_line(counts: list[list[int]], threshold: int) -> bool:
    cells, rows, cols, _grand = hidden_cells(counts, threshold)
    for r, row in enumerate(counts):
        if r not in rows and sum(1 for c in range(len(row)) if (r, c) in cells) == 1:
            return True
    for c in range(len(counts[0])):
        if c not in cols and sum(1 for r in range(len(counts)) if (r, c) in cells) == 1:
            return True
    return False


def tables(largest: int, rows: tuple[int, int]) -> st.SearchStrategy[list[list[int]]]:
    """Tables of counts from 0 to `largest`, 1–5 columns wide, rows[0]–rows[1] rows long."""
    return st.integers(min_value=1, max_value=5).flatmap(
        lambda width: st.lists(
            st.lists(st.integers(min_value=0, max_value=largest), min_size=width, max_size=width),
            min_size=rows[0],
            max_size=rows[1],
        )
    )


@settings(max_examples=200, deadline=None)
@given(tables(30, (1, 6)))
def test_no_hidden_cell_can_be_recovered_from_a_shown_total(counts: list[list[int]]) -> None:
    cells, _rows, _cols, _grand = hidden_cells(counts, 5)
    assert all(
        not 0 < counts[r][c] < 5
        for r in range(len(counts))
        for c in range(len(counts[0]))
        if (r, c) not in cells
    )
    assert not recoverable_by_a_line(counts, 5)


@settings(max_examples=300, deadline=None)
@given(tables(12, (0, 18)), st.booleans())
def test_tables_without_column_totals_hide_what_the_general_rule_hides(
    counts: list[list[int]], row_totals: bool
) -> None:
    """The dashboard's quarter rows take a one-pass line rule; it hides exactly the same cells
    and totals as the line rule that checks every line again until nothing changes."""
    assert _hidden_by_rows(counts, 5, row_totals) == _hidden_in_lines(
        counts, 5, row_totals=row_totals, col_totals=False
    )
    table = suppress_table(counts, 5, row_totals=row_totals, col_totals=False)
    for r, row in enumerate(table.get("row_totals", [])):
        if not row["suppressed"]:  # a shown row total never gives away one hidden cell
            assert sum(cell["suppressed"] for cell in table["cells"][r]) != 1


def table_lines(
    rows: int, cols: int, *, row_totals: bool, col_totals: bool, groups: tuple[tuple[int, ...], ...]
) -> list[Line]:
    """The sums a reader of a suppressed table knows, written out independently of the rule."""
    cell = [[("cell", r, c) for c in range(cols)] for r in range(rows)]
    lines: list[Line] = []
    if row_totals:
        lines += [(cell[r], ("row", r)) for r in range(rows)]
        lines.append(([("row", r) for r in range(rows)], ("total",)))
    if col_totals:
        lines += [([cell[r][c] for r in range(rows)], ("column", c)) for c in range(cols)]
        lines.append(([("column", c) for c in range(cols)], ("total",)))
    if not row_totals and not col_totals:
        lines.append(([k for row in cell for k in row], ("total",)))
    for r in range(rows):
        lines += [([cell[r][c] for c in g], ("group", r, i)) for i, g in enumerate(groups)]
    return lines


@settings(max_examples=300, deadline=None)
@given(tables(9, (1, 8)), st.booleans(), st.booleans())
def test_no_hidden_figure_can_be_worked_out_from_the_tables_sums(
    counts: list[list[int]], row_totals: bool, col_totals: bool
) -> None:
    """Not one line at a time: every combination of the table's sums (rows, columns, the grand
    total). Before, a quarter of 1–4 families hid its total and one other quarter's total, but
    that other quarter's cells stayed shown: grand total − its cells' sum − the rest = the
    hidden quarter."""
    cells, rows, cols, grand = hidden_cells(counts, 5, row_totals=row_totals, col_totals=col_totals)
    hidden = {("cell", r, c) for r, c in cells} | {("row", r) for r in rows}
    hidden |= {("column", c) for c in cols} | ({("total",)} if grand else set())
    lines = table_lines(len(counts), len(counts[0]), row_totals=row_totals,
                        col_totals=col_totals, groups=())  # fmt: skip
    assert not recoverable(lines, hidden)
    assert all(
        (r, c) in cells for r, row in enumerate(counts) for c, v in enumerate(row) if 0 < v < 5
    )


def test_a_small_quarter_cannot_be_worked_out_from_the_grand_total() -> None:
    # The quarter of 3 families is hidden; the other quarter's total too, and with it one of
    # its cells, or 33 − (10 + 20) would give the 3 back.
    table = suppress_table([[3, 0], [10, 20]], 5, col_totals=False)
    assert table["row_totals"][0]["suppressed"] and table["total"] == {
        "value": 33,
        "suppressed": False,
    }
    assert table["cells"][1][0]["suppressed"] or table["cells"][1][1]["suppressed"]


LEVEL_GROUPS = ((0, 1), (2, 3))  # below stable; stable or better


def quarter_tables(municipalities: int) -> st.SearchStrategy[list[list[list[int]]]]:
    """Each municipality's families per level (4 columns) at 1–3 quarter ends."""
    return st.integers(min_value=1, max_value=3).flatmap(
        lambda quarters: st.lists(
            st.lists(
                st.lists(st.integers(min_value=0, max_value=7), min_size=4, max_size=4),
                min_size=quarters,
                max_size=quarters,
            ),
            min_size=municipalities,
            max_size=municipalities,
        )
    )


def region_views(
    tables_by_municipality: list[list[list[int]]], grand_total: bool = True
) -> tuple[list[set[tuple[object, ...]]], set[tuple[object, ...]]]:
    """What a regional leader may ask for: each municipality's table, then the region's, made
    as velferdslab.gains.region makes it: told what its municipalities hide, then checked
    with them together and made again with what more that asks for."""
    rule = Suppression(applied=True, threshold=5)
    options: dict[str, Any] = {
        "col_totals": False,
        "groups": LEVEL_GROUPS,
        "grand_total": grand_total,
    }
    owns = []
    for counts in tables_by_municipality:
        own = Suppression(applied=True, threshold=5)
        own.table(counts, "levels", **options)
        owns.append(own)
    region_counts = [
        [sum(t[q][c] for t in tables_by_municipality) for c in range(4)]
        for q in range(len(tables_by_municipality[0]))
    ]
    hidden, pinned = elsewhere(owns)
    region = rule.beside(hidden, pinned)
    region.table(region_counts, "levels", **options)
    more = hidden_together(region, owns)
    if more:
        region = rule.beside(hidden | region.hidden | more, pinned)
        region.table(region_counts, "levels", **options)
    return [set(own.hidden) for own in owns], set(region.hidden)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=3).flatmap(quarter_tables), st.booleans())
def test_no_combination_of_the_region_and_its_municipalities_reveals_a_hidden_figure(
    tables_by_municipality: list[list[list[int]]], grand_total: bool
) -> None:
    """The region's cell is the sum of its municipalities' cells: every view's sums, the region
    = the sum of the municipalities for each figure, all at once, fix no hidden figure (with
    the table's grand total, or without it as the dashboard's quarters are: a sum over
    quarters counts no one, and a leader never gets it)."""
    municipal, region = region_views(tables_by_municipality, grand_total)
    quarters = len(tables_by_municipality[0])

    def view_lines(view: object) -> list[Line]:
        return [
            ([(view, *part) for part in parts], (view, *total))
            for parts, total in table_lines(
                quarters, 4, row_totals=True, col_totals=False, groups=LEVEL_GROUPS
            )
        ]

    names = [f"m{i}" for i in range(len(municipal))]
    lines = [line for view in [*names, "region"] for line in view_lines(view)]
    if not grand_total:
        lines = [(parts, total) for parts, total in lines if total[1:] != ("total",)]
    figures = {total for _, total in view_lines("region")} | {
        part for parts, _ in view_lines("region") for part in parts
    }
    lines += [([(name, *figure[1:]) for name in names], figure) for figure in figures]
    hidden = {(name, *key[1:]) for name, keys in zip(names, municipal, strict=True) for key in keys}
    hidden |= {("region", *key[1:]) for key in region}
    if not grand_total:
        hidden = {key for key in hidden if key[1:] != ("total",)}
    assert not recoverable(lines, hidden)
