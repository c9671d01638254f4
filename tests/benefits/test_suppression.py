"""Small-cell suppression: nothing under five is shown, and nothing hidden can be worked out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from velferdslab.benefits.suppression import hidden_cells, suppress_table


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


def recoverable(counts: list[list[int]], threshold: int) -> bool:
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
    assert not recoverable(counts, 5)


@settings(max_examples=300, deadline=None)
@given(tables(12, (0, 18)), st.booleans())
def test_tables_without_column_totals_hide_what_the_general_rule_hides(
    counts: list[list[int]], row_totals: bool
) -> None:
    """The dashboard's quarter rows take a one-pass path; it hides exactly the same cells and
    totals as the rule that checks every line again until nothing changes."""
    from velferdslab.benefits.suppression import _hidden_in_lines

    assert hidden_cells(counts, 5, row_totals=row_totals, col_totals=False) == _hidden_in_lines(
        counts, 5, row_totals=row_totals, col_totals=False
    )
    table = suppress_table(counts, 5, row_totals=row_totals, col_totals=False)
    for r, row in enumerate(table.get("row_totals", [])):
        if not row["suppressed"]:  # a shown row total never gives away one hidden cell
            assert sum(cell["suppressed"] for cell in table["cells"][r]) != 1
