"""The gevinstrealiseringsplan as an Excel sheet (issue 15), for a family or for the portfolio.

A separate function so that it can be hooked into any workbook writer with one call:
`add_plan_sheet(book, language, family_plan=…)` or `add_plan_sheet(book, language,
portfolio_plan=…)`. Headers and level names are in the reader's language; money and dates stay
numbers and dates in the formats every sheet uses (velferdslab.gains.excel_table); a suppressed
cell is a dash, as everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from velferdslab.gains.excel_table import Column, table_sheet
from velferdslab.web.labels import DOMAIN_LABELS, LEVEL_LABELS

if TYPE_CHECKING:  # openpyxl is loaded by the first workbook, not with the app
    from openpyxl import Workbook

SHEET_TITLE = _l("Benefits realisation plan")
STATUS = {"ahead": _l("ahead"), "on_track": _l("on track"), "behind": _l("behind")}


def _level(value: int | None) -> str | None:
    return None if value is None else str(LEVEL_LABELS[value])


def add_plan_sheet(
    book: Workbook,
    language: str,
    *,
    family_plan: dict[str, Any] | None = None,
    portfolio_plan: Sequence[dict[str, Any]] | None = None,
) -> None:
    """Add the sheet: per goal and assessment for a family, per domain for the portfolio. It is
    a table like every other sheet: a frozen header row, money in the workbooks' one format."""
    if family_plan is not None:
        columns, rows = _family_rows(family_plan)
    else:
        columns, rows = _portfolio_rows(portfolio_plan or [])
    notes = [
        str(
            _l(
                "Gains are yearly savings after deadweight, attribution and optimism bias, "
                "at the level against the baseline."
            )
        )
    ]
    if portfolio_plan is not None:
        notes.append(str(_l("– : fewer than 5 families, or would reveal such a cell (suppressed)")))
    table_sheet(book, str(SHEET_TITLE), columns, rows, language, notes)


def _family_rows(plan: dict[str, Any]) -> tuple[list[Column], list[list[Any]]]:
    columns = [
        Column(str(_l("Owner")), width=20),
        Column(str(_l("Domain")), width=14),
        Column(str(_l("Baseline level")), width=14),
        Column(str(_l("Baseline date")), "date", 13),
        Column(str(_l("Target level")), width=14),
        Column(str(_l("Target date")), "date", 13),
        Column(str(_l("Expected gain per year")), "money", 16),
        Column(str(_l("Measured on")), "date", 13),
        Column(str(_l("Measured level")), width=14),
        Column(str(_l("Measured gain per year")), "money", 16),
        Column(str(_l("Difference per year")), "money", 16),
        Column(str(_l("Against the plan")), width=14),
    ]
    rows = []
    for goal in plan["goals"]:
        first = [
            plan["owner"],
            str(DOMAIN_LABELS[goal["domain"]]),
            _level(goal["baseline_level"]),
            goal["baseline_date"],
            _level(goal["target_level"]),
            goal["target_date"],
            goal["expected_gain"],
        ]
        status = str(STATUS[goal["status"]]) if goal["status"] else None
        measured = goal["measurements"] or [None]
        for m in measured:
            if m is None:
                rows.append([*first, None, None, None, None, status])
            else:
                rows.append([*first, m["on"], _level(m["level"]), m["gain"], m["variance"], status])
    return columns, rows


def _portfolio_rows(plan: Sequence[dict[str, Any]]) -> tuple[list[Column], list[list[Any]]]:
    columns = [
        Column(str(_l("Domain")), width=16),
        Column(str(_l("Goals")), "integer", 10),
        Column(str(_l("Families")), "integer", 10),
        Column(str(_l("Expected gain per year")), "money", 18),
        Column(str(_l("Measured gain per year")), "money", 18),
        Column(str(_l("Difference per year")), "money", 18),
    ]
    rows = [
        [
            str(DOMAIN_LABELS[row["domain"]]),
            row["goals"],
            row["families"],
            row["expected_gain"],
            row["measured_gain"],
            row["variance"],
        ]
        for row in plan
    ]
    return columns, rows
