"""The portfolio report as an Excel workbook (openpyxl): one sheet per table, suppressed cells
written as a dash with a note, never as a number."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from velferdslab.gains.plan_sheet import add_plan_sheet

HIDDEN = "–"
NOTE = "– : fewer than 5 families, or would reveal such a cell (suppressed)"


def _value(cell: Any) -> Any:
    if isinstance(cell, dict) and "suppressed" in cell:
        return HIDDEN if cell["suppressed"] else cell["value"]
    return cell


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_value(v) for v in row])
    sheet.append([])
    sheet.append([NOTE])


def portfolio_workbook(report: dict[str, Any]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    levels = report["levels"]
    gains = report["gains"]
    _sheet(
        book,
        "Summary",
        ["figure", "value"],
        [
            ["as_of", str(report["as_of"])],
            ["families", report["family_count"]],
            *[
                [key, gains[key]]
                for key in (
                    "spending",
                    "fiscal_npv",
                    "socioeconomic_npv",
                    "fiscal_bcr",
                    "socioeconomic_bcr",
                    "payback_years",
                )
            ],
        ],
    )
    distribution = report["level_distribution"]
    _sheet(
        book,
        "Levels per quarter",
        ["quarter end", *levels, "total"],
        [
            [str(q), *cells, total]
            for q, cells, total in zip(
                distribution.get("quarters", []),
                distribution.get("cells", []),
                distribution.get("row_totals", []),
                strict=False,
            )
        ],
    )
    matrix = report["transition_matrix"]
    _sheet(
        book,
        "Transitions",
        ["baseline \\ now", *levels, "total"],
        [[levels[i], *row, matrix["row_totals"][i]] for i, row in enumerate(matrix["cells"])],
    )
    _sheet(
        book,
        "Who gains",
        ["payer", "public", "realised", "projected PV"],
        [[r["payer"], r["public"], r["realised"], r["projected_pv"]] for r in report["who_gains"]],
    )
    _sheet(
        book,
        "Who invests",
        ["agency", "government level", "contributed", "spent"],
        [
            [r["agency"], r["government_level"], r["contributed"], r["spent"]]
            for r in report["who_invests"]
        ],
    )
    _sheet(
        book,
        "Budget use",
        ["year", "families", "budget", "approved spending"],
        [
            [r["year"], r["families"], r["budget"], r["approved_spending"]]
            for r in report["budget_use"]
        ],
    )
    _sheet(
        book,
        "Sensitivity",
        ["parameter", "−20 %", "base", "+20 %", "swing"],
        [
            [r["parameter"], r["low"], r["base"], r["high"], r["swing"]]
            for r in report["sensitivity"]
        ],
    )
    add_plan_sheet(book, portfolio_plan=report["forecast"]["plan"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
