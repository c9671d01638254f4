"""The first pass of small-cell suppression, quick on the tables the dashboard draws: every line
(row or column) whose total is shown hides none or at least two of its parts. The rest of the
rule (velferdslab.benefits.suppression) then hides whatever more the table's sums need."""

from __future__ import annotations

Figures = tuple[set[tuple[int, int]], set[int], set[int], bool]


def line_rule(
    counts: list[list[int]],
    threshold: int = 5,
    *,
    row_totals: bool = True,
    col_totals: bool = True,
    grand_hidden: bool = False,
) -> Figures:
    """The first pass, quick on the tables the dashboard draws: every line (row or column)
    whose total is shown hides none or at least two of its parts."""
    if not col_totals:
        return _hidden_by_rows(counts, threshold, row_totals, grand_hidden)
    return _hidden_in_lines(counts, threshold, row_totals=row_totals, col_totals=col_totals,
                            grand_hidden=grand_hidden)  # fmt: skip


def _hidden_in_lines(
    counts: list[list[int]],
    threshold: int,
    *,
    row_totals: bool,
    col_totals: bool,
    grand_hidden: bool = False,
) -> tuple[set[tuple[int, int]], set[int], set[int], bool]:
    """The general rule: lines (rows and columns) are checked again until nothing changes."""
    rows, cols = len(counts), len(counts[0]) if counts else 0
    cells = {(r, c) for r in range(rows) for c in range(cols) if 0 < counts[r][c] < threshold}
    row_sum = [sum(row) for row in counts]
    col_sum = [sum(counts[r][c] for r in range(rows)) for c in range(cols)]
    hidden_rows = {r for r in range(rows) if row_totals and 0 < row_sum[r] < threshold}
    hidden_cols = {c for c in range(cols) if col_totals and 0 < col_sum[c] < threshold}
    grand = grand_hidden or 0 < sum(row_sum) < threshold
    changed = True
    while changed:
        changed = False
        lines: list[list[tuple[int, int]]] = []
        if row_totals:
            lines += [[(r, c) for c in range(cols)] for r in range(rows) if r not in hidden_rows]
        if col_totals:
            lines += [[(r, c) for r in range(rows)] for c in range(cols) if c not in hidden_cols]
        if not row_totals and not col_totals:
            lines = []
        for line in lines:
            if sum(1 for cell in line if cell in cells) == 1:
                shown = [cell for cell in line if cell not in cells]
                if shown:
                    cells.add(
                        min(
                            shown,
                            key=lambda cell: (
                                counts[cell[0]][cell[1]] == 0,
                                counts[cell[0]][cell[1]],
                            ),
                        )
                    )
                    changed = True
        changed |= _protect_totals(row_sum, hidden_rows, grand) | _protect_totals(
            col_sum, hidden_cols, grand
        )
    return cells, hidden_rows, hidden_cols, grand


def _hidden_by_rows(
    counts: list[list[int]], threshold: int, row_totals: bool, grand_hidden: bool = False
) -> tuple[set[tuple[int, int]], set[int], set[int], bool]:
    """The same rule when only rows have totals (a quarter per row, the dashboard's most common
    table): rows do not share cells, so one pass per row and one protection of the row totals
    reach what _hidden_in_lines reaches by repeating (tests/benefits/test_suppression.py)."""
    cells: set[tuple[int, int]] = set()
    hidden_rows: set[int] = set()
    row_sum = [sum(row) for row in counts]
    grand = grand_hidden or 0 < sum(row_sum) < threshold
    for r, row in enumerate(counts):
        hidden = [c for c, value in enumerate(row) if 0 < value < threshold]
        if row_totals and 0 < row_sum[r] < threshold:
            hidden_rows.add(r)
        elif row_totals and len(hidden) == 1:
            shown = [c for c in range(len(row)) if c != hidden[0]]
            if shown:
                hidden.append(min(shown, key=lambda c: (row[c] == 0, row[c])))
        cells.update((r, c) for c in hidden)
    if row_totals:
        _protect_totals(row_sum, hidden_rows, grand)
    return cells, hidden_rows, set(), grand


def _protect_totals(sums: list[int], hidden: set[int], grand: bool) -> bool:
    # The totals are a line of their own against the grand total.
    if grand or len(hidden) != 1:
        return False
    shown = [i for i in range(len(sums)) if i not in hidden]
    if not shown:
        return False
    hidden.add(min(shown, key=lambda i: (sums[i] == 0, sums[i])))
    return True
