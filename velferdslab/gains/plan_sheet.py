"""The gevinstrealiseringsplan as an Excel sheet (issue 15), for a family or for the portfolio.

A separate function so that it can be hooked into any workbook writer with one call:
`add_plan_sheet(book, family_plan=…)` or `add_plan_sheet(book, portfolio_plan=…)`. Headers and
level names are in the reader's language; money and dates stay numbers and dates, shown through
the formats of velferdslab.formatting; a suppressed cell is a dash, as everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from velferdslab.formatting import DASH, EXCEL_DATE_FORMAT, EXCEL_MONEY_FORMAT
from velferdslab.web.labels import DOMAIN_LABELS, LEVEL_LABELS

SHEET_TITLE = _l("Benefits realisation plan")
STATUS = {"ahead": _l("ahead"), "on_track": _l("on track"), "behind": _l("behind")}


def _level(value: int | None) -> str:
    return DASH if value is None else str(LEVEL_LABELS[value])


def _cell(value: Any) -> Any:
    if isinstance(value, dict) and "suppressed" in value:
        return DASH if value["suppressed"] or value["value"] is None else value["value"]
    return DASH if value is None else value


def add_plan_sheet(
    book: Workbook,
    *,
    family_plan: dict[str, Any] | None = None,
    portfolio_plan: Sequence[dict[str, Any]] | None = None,
) -> None:
    """Add the sheet: per goal and assessment for a family, per domain for the portfolio."""
    sheet = book.create_sheet(str(SHEET_TITLE)[:31])
    if family_plan is not None:
        header, money, dates, rows = _family_rows(family_plan)
    else:
        header, money, dates, rows = _portfolio_rows(portfolio_plan or [])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
        for column in money:
            if isinstance(sheet.cell(sheet.max_row, column + 1).value, int | float):
                sheet.cell(sheet.max_row, column + 1).number_format = EXCEL_MONEY_FORMAT
        for column in dates:
            if isinstance(sheet.cell(sheet.max_row, column + 1).value, dt.date):
                sheet.cell(sheet.max_row, column + 1).number_format = EXCEL_DATE_FORMAT
    for index, title in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, len(title) + 2)
    sheet.append([])
    sheet.append(
        [
            str(
                _l(
                    "Gains are yearly savings after deadweight, attribution and optimism bias, "
                    "at the level against the baseline."
                )
            )
        ]
    )
    if portfolio_plan is not None:
        sheet.append(
            [str(_l("– : fewer than 5 families, or would reveal such a cell (suppressed)"))]
        )


def _family_rows(plan: dict[str, Any]) -> tuple[list[str], set[int], set[int], list[list[Any]]]:
    header = [
        str(_l("Owner")),
        str(_l("Domain")),
        str(_l("Baseline level")),
        str(_l("Baseline date")),
        str(_l("Target level")),
        str(_l("Target date")),
        str(_l("Expected gain per year")),
        str(_l("Measured on")),
        str(_l("Measured level")),
        str(_l("Measured gain per year")),
        str(_l("Difference per year")),
        str(_l("Against the plan")),
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
    return header, {6, 9, 10}, {3, 5, 7}, rows


def _portfolio_rows(
    plan: Sequence[dict[str, Any]],
) -> tuple[list[str], set[int], set[int], list[list[Any]]]:
    header = [
        str(_l("Domain")),
        str(_l("Goals")),
        str(_l("Families")),
        str(_l("Expected gain per year")),
        str(_l("Measured gain per year")),
        str(_l("Difference per year")),
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
    return header, {3, 4, 5}, set(), rows
