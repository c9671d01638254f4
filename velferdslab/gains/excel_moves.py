"""The workbook's sheets of issue 28: the lasting moves per quarter with their denominator, and
the way from gross to net with each step's parameter, value and source (velferdslab.gains.excel
lists them among the portfolio's sheets)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from velferdslab.formatting import format_percent
from velferdslab.gains.excel_table import Column, table_sheet
from velferdslab.gains.words import MOVE_STATUS_LABELS, WATERFALL_STEP_LABELS, grade_label

if TYPE_CHECKING:  # openpyxl is loaded by the first workbook, not with the app
    from openpyxl import Workbook


def _notes(report: Mapping[str, Any], *more: str) -> list[str]:
    notes = [grade_label(report["evidence_grade"]) + ".", *more]
    if report["suppression"]["applied"]:
        notes.append(
            str(
                _l(
                    "– : fewer than %(n)s families, or a figure that would reveal such a group: "
                    "not shown.",
                    n=report["suppression"]["threshold"],
                )
            )
        )
    return notes


def moves_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    moves = report["moves"]
    keys = moves["statuses"]
    table_sheet(
        book,
        str(_l("Lasting moves")),
        [
            Column(str(_l("Quarter end")), "date", 14),
            *(Column(str(MOVE_STATUS_LABELS[key]), "integer", 16) for key in keys),
            Column(str(_l("All enrolled")), "integer", 14),
        ],
        [
            (row["quarter_end"], *(row[key] for key in keys), row["denominator"])
            for row in moves["quarters"]
        ],
        language,
        _notes(
            report,
            str(
                _l(
                    "A move is lasting when the family has stayed at stable or better at every "
                    "assessment for at least %(months)s months since it reached stable. All "
                    "enrolled: every family ever enrolled by then, concluded and withdrawn "
                    "families included.",
                    months=moves["sustain_months"],
                )
            ),
        ),
    )


def _value(bar: Mapping[str, Any], language: str) -> str:
    value = bar["value"]
    if value is None:
        return "–"
    if bar["step"] == "discounting":
        return ", ".join(
            f"{_l('from year %(year)s', year=e['from_year'])}: "
            f"{format_percent(e['rate'], 1, language)}"
            for e in value
        )
    if bar["step"] == "optimism_bias":
        return ", ".join(f"{g}: {format_percent(v, 0, language)}" for g, v in value.items())
    return format_percent(value, 1, language)


def waterfall_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    table_sheet(
        book,
        str(_l("From gross to net")),
        [
            Column(str(_l("Step")), width=22),
            Column(str(_l("Value")), width=34),
            Column(str(_l("Change of the socioeconomic NPV")), "money", 22),
            Column(str(_l("Socioeconomic NPV after it")), "money", 22),
            Column(str(_l("Fiscal NPV after it")), "money", 22),
            Column(str(_l("Source")), width=60),
        ],
        [
            (
                str(WATERFALL_STEP_LABELS.get(bar["step"], bar["step"])),
                _value(bar, language),
                bar["amount"],
                bar["socioeconomic_npv"],
                bar["fiscal_npv"],
                bar["source"] or "–",
            )
            for bar in report["waterfall"]
        ],
        language,
        _notes(
            report,
            str(
                _l(
                    "The gross value prices the change in the families' levels with no "
                    "adjustment; each row switches on one adjustment of the assumption set; the "
                    "last row is the net present value shown everywhere else."
                )
            )
            if report["waterfall"]
            else str(_l("Hidden: the net present value rests on too few families.")),
        ),
    )
