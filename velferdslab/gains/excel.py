"""The portfolio report as an Excel workbook (openpyxl), in the reader's language.

Each sheet is written by a function that takes the workbook, the report and the language
(`SheetWriter`); `PORTFOLIO_SHEETS` lists them in order and another part of the service adds its
own sheet by passing one more writer to `portfolio_workbook` (or appending to the list).

The cells and the table of each sheet are velferdslab.gains.excel_table's; a suppressed cell
holds a dash, and the sheet says why.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from velferdslab.assumptions.wording import in_language
from velferdslab.gains.excel_charts import charts_sheet
from velferdslab.gains.excel_moves import moves_sheet, waterfall_sheet
from velferdslab.gains.excel_table import Column, align, new_workbook, table_sheet, write_cell
from velferdslab.gains.plan_sheet import add_plan_sheet
from velferdslab.gains.words import grade_label
from velferdslab.web.labels import LEVEL_LABELS, PARAMETER_LABELS, PAYER_LABELS

if TYPE_CHECKING:  # openpyxl is loaded by the first workbook, not with the app
    from openpyxl import Workbook

SheetWriter = Callable[["Workbook", Mapping[str, Any], str], None]
GROUP_LABELS = (_l("below stable (unsustainable or exposed)"), _l("stable or sustainable"))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _suppression_note(report: Mapping[str, Any]) -> list[str]:
    if not report["suppression"]["applied"]:
        return []
    return [
        str(
            _l(
                "– : fewer than %(n)s families, or a figure that would reveal such a group: "
                "not shown.",
                n=report["suppression"]["threshold"],
            )
        )
    ]


def region_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    """A regional portfolio's municipalities side by side (no sheet for one municipality)."""
    if not report.get("by_municipality"):
        return
    table_sheet(
        book,
        str(_l("Municipalities")),
        [
            Column(str(_l("Municipality")), width=28),
            Column(str(_l("Families")), "integer", 12),
            Column(str(_l("At stable or sustainable now")), "integer", 18),
            Column(str(_l("Share")), "percent", 10),
            Column(str(_l("Spending")), "money", 18),
            Column(str(_l("Socioeconomic NPV per family")), "money", 22),
        ],
        [
            (
                r["municipality"],
                r["families"],
                r["stable_or_better"],
                r["share_stable_or_better"],
                r["spending"],
                r["socioeconomic_npv_per_family"],
            )
            for r in report["by_municipality"]
        ],
        language,
        _suppression_note(report),
    )


def key_figures_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    gains = report["gains"]
    reaching = report["reaching_stable"]
    spread = report.get("sensitivity_range")
    rows: list[tuple[str, Any, str]] = [
        (str(_l("Valuation date")), report["as_of"], "date"),
        (str(_l("Families")), report["family_count"], "integer"),
        (str(_l("At stable or sustainable now")), reaching["stable_or_sustainable"], "integer"),
        (str(_l("Goals met")), report["goals"]["met"], "integer"),
        (str(_l("Goals set")), report["goals"]["goals"], "integer"),
        (str(_l("Spending")), gains["spending"], "money"),
        (str(_l("Realised gains")), gains["realised"]["total"], "money"),
        (str(_l("Projected gains (present value)")), gains["projected_pv"]["total"], "money"),
        (str(_l("Fiscal net present value")), gains["fiscal_npv"], "money"),
        (str(_l("Socioeconomic net present value")), gains["socioeconomic_npv"], "money"),
        (
            str(_l("Socioeconomic NPV, lowest with one assumption moved ±20 %")),
            spread["low"] if spread else None,
            "money",
        ),
        (
            str(_l("Socioeconomic NPV, highest with one assumption moved ±20 %")),
            spread["high"] if spread else None,
            "money",
        ),
        (str(_l("Fiscal benefit-cost ratio")), gains["fiscal_bcr"], "ratio"),
        (str(_l("Socioeconomic benefit-cost ratio")), gains["socioeconomic_bcr"], "ratio"),
        (str(_l("Payback (years)")), gains["payback_years"], "integer"),
        (str(_l("Evidence behind the gains")), grade_label(report["evidence_grade"]), "text"),
    ]
    sheet = table_sheet(
        book,
        str(_l("Key figures")),
        [Column(str(_l("Figure")), width=58), Column(str(_l("Value")), width=20)],
        [(name, value) for name, value, _kind in rows],
        language,
        _suppression_note(report),
    )
    for number, (_name, value, kind) in enumerate(rows, start=2):
        write_cell(sheet.cell(row=number, column=2), value, kind, language)


def stable_share_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    table_sheet(
        book,
        str(_l("Stable or better")),
        [
            Column(str(_l("Quarter end")), "date", 14),
            Column(str(_l("Families assessed")), "integer", 18),
            Column(str(_l("At stable or sustainable")), "integer", 22),
            Column(str(_l("Share")), "percent", 12),
        ],
        [
            (row["quarter_end"], row["families"], row["stable_or_better"], row["share"])
            for row in report.get("stable_share_over_time", [])
        ],
        language,
        _suppression_note(report),
    )


def _level_columns(first: Column) -> list[Column]:
    return [
        first,
        *(Column(str(label), "integer", 14) for label in LEVEL_LABELS),
        *(Column(str(label), "integer", 22) for label in GROUP_LABELS),
        Column(str(_l("Total")), "integer", 12),
    ]


def _grouped_cells(row: Mapping[str, Any]) -> list[Any]:
    """Four level cells and two group cells; the ones a row does not use are left empty."""
    empty = {"value": "", "suppressed": False}
    if row["grouping"] == "levels":
        return [*row["cells"], empty, empty]
    return [empty] * 4 + list(row["cells"])


def _grouping_note() -> str:
    return str(
        _l(
            "Where a level has too few families to be shown, the row gives the two groups "
            "(below stable; stable or sustainable) instead of the four levels."
        )
    )


def levels_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    quarters = report["level_distribution"].get("quarters", [])
    table_sheet(
        book,
        str(_l("Levels per quarter")),
        _level_columns(Column(str(_l("Quarter end")), "date", 14)),
        [
            (quarter, *_grouped_cells(row), row["total"])
            for quarter, row in zip(quarters, report["level_distribution_grouped"], strict=True)
        ],
        language,
        [_grouping_note(), *_suppression_note(report)],
    )


def transitions_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    matrix = report["transition_matrix_grouped"]
    names = LEVEL_LABELS if matrix["grouping"] == "levels" else GROUP_LABELS
    corner = f"{_l('Baseline')} \\ {_l('Now')}"
    table_sheet(
        book,
        str(_l("From baseline to now")),
        [
            Column(corner, width=34),
            *(Column(str(n), "integer", 18) for n in names),
            Column(str(_l("Total")), "integer", 12),
        ],
        [(str(names[i]), *row, matrix["row_totals"][i]) for i, row in enumerate(matrix["cells"])],
        language,
        [_grouping_note(), *_suppression_note(report)],
    )


def who_gains_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    table_sheet(
        book,
        str(_l("Who gains")),
        [
            Column(str(_l("Gains to")), width=24),
            Column(str(_l("Public")), width=10),
            Column(str(_l("Realised")), "money", 18),
            Column(str(_l("Projected (PV)")), "money", 18),
        ],
        [
            (
                str(PAYER_LABELS.get(r["payer"], r["payer"])),
                bool(r["public"]),
                r["realised"],
                r["projected_pv"],
            )
            for r in report["who_gains"]
        ],
        language,
        _suppression_note(report),
    )


def who_invests_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    from velferdslab.web.labels import GOVERNMENT_LEVEL_LABELS

    table_sheet(
        book,
        str(_l("Who invests")),
        [
            Column(str(_l("Agency")), width=36),
            Column(str(_l("Government level")), width=18),
            Column(str(_l("Contributed")), "money", 18),
            Column(str(_l("Spent")), "money", 18),
        ],
        [
            (
                r["agency"],
                str(GOVERNMENT_LEVEL_LABELS.get(r["government_level"], r["government_level"])),
                r["contributed"],
                r["spent"],
            )
            for r in report["who_invests"]
        ],
        language,
        _suppression_note(report),
    )


def budget_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    table_sheet(
        book,
        str(_l("Budget and spending")),
        [
            Column(str(_l("Year")), "year", 10),
            Column(str(_l("Families")), "integer", 12),
            Column(str(_l("Budget")), "money", 18),
            Column(str(_l("Approved spending")), "money", 20),
        ],
        [
            (r["year"], r["families"], r["budget"], r["approved_spending"])
            for r in report["budget_use"]
        ],
        language,
        _suppression_note(report),
    )


def sensitivity_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    table_sheet(
        book,
        str(_l("Sensitivity")),
        [
            Column(str(_l("Assumption")), width=28),
            Column(str(_l("Moved −20 %")), "money", 18),
            Column(str(_l("As assumed")), "money", 18),
            Column(str(_l("Moved +20 %")), "money", 18),
            Column(str(_l("Swing")), "money", 18),
        ],
        [
            (
                str(PARAMETER_LABELS.get(r["parameter"], r["parameter"])),
                r["low"],
                r["base"],
                r["high"],
                r["swing"],
            )
            for r in report["sensitivity"]
        ],
        language,
        [str(_l("The socioeconomic net present value when one assumption at a time is moved."))],
    )


def about_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    """What the figures rest on: the assumption set, its version, the valuation date, the
    suppression rule and the values that are only illustrative."""
    assumption_set = report["assumption_set"]
    suppression = report["suppression"]
    illustrative = assumption_set.get("illustrative") or []
    rows: list[tuple[str, Any, str]] = [
        (str(_l("Assumption set")), assumption_set["name"], "text"),
        (str(_l("Version")), assumption_set["version"], "integer"),
        (str(_l("Valuation date")), report["as_of"], "date"),
        (
            str(_l("Suppression")),
            str(
                _l(
                    "Every count or sum over fewer than %(n)s families is hidden (–), and so is "
                    "any figure that would reveal one.",
                    n=suppression["threshold"],
                )
            )
            if suppression["applied"]
            else str(_l("None: the auditor's figures are complete.")),
            "text",
        ),
        (
            str(_l("Illustrative values")),
            ", ".join(
                str(PARAMETER_LABELS[n]) if n in PARAMETER_LABELS else in_language(n, language)
                for n in illustrative
            )
            if illustrative
            else str(_l("none")),
            "text",
        ),
        (
            str(_l("Made")),
            dt.datetime.now(dt.UTC),
            "datetime",
        ),
    ]
    notes = []
    if illustrative:
        notes.append(
            str(
                _l(
                    "Some assumptions are illustrative, not measured: the gains are estimates for "
                    "learning and steering, not accounts."
                )
            )
        )
    sheet = table_sheet(
        book,
        str(_l("About the figures")),
        [Column(str(_l("What")), width=26), Column(str(_l("Value")), width=90)],
        [(name, value) for name, value, _kind in rows],
        language,
        notes,
    )
    for number, (_name, value, kind) in enumerate(rows, start=2):
        cell = sheet.cell(row=number, column=2)
        write_cell(cell, value, kind, language)
        align(cell, wrap_text=True, vertical="top", horizontal="left")


def plan_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    """The gevinstrealiseringsplan per domain (velferdslab.gains.plan_sheet)."""
    add_plan_sheet(book, language, portfolio_plan=report["forecast"]["plan"])


PORTFOLIO_SHEETS: list[SheetWriter] = [
    key_figures_sheet,
    region_sheet,
    stable_share_sheet,
    levels_sheet,
    transitions_sheet,
    who_invests_sheet,
    who_gains_sheet,
    budget_sheet,
    moves_sheet,
    waterfall_sheet,
    sensitivity_sheet,
    plan_sheet,
    charts_sheet,
    about_sheet,
]


def portfolio_workbook(
    report: Mapping[str, Any],
    language: str | None = None,
    extra_sheets: Sequence[SheetWriter] = (),
) -> bytes:
    """The report as .xlsx bytes; `language` defaults to the request's."""
    language = language or str(get_locale() or "nb")
    book = new_workbook()
    with force_locale(language):
        for writer in (*PORTFOLIO_SHEETS, *extra_sheets):
            writer(book, report, language)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
