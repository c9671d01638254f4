"""The dashboard's four charts as Excel's own charts (openpyxl), on the workbook's "Charts" sheet.

Native charts, not pictures: a leader can restyle them, copy them into a council presentation
and read their figures, and making them costs milliseconds (matplotlib's four pictures took a
second, issue 18). Each chart reads a small table written beside it on the same sheet: the
figures of the dashboard's chart, a hidden figure left empty (a gap, never a zero), with the
same names, colours and — for print without colour — patterns as the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from velferdslab.charts.journey import LEVEL_COLOURS
from velferdslab.charts.portfolio import GROUP_COLOURS, STABLE_LINE, TORNADO_COLOURS
from velferdslab.formatting import excel_format, format_date
from velferdslab.gains.charts import chart_labels
from velferdslab.vocabulary import DOMAINS
from velferdslab.web.labels import DOMAIN_LABELS, PARAMETER_LABELS

if TYPE_CHECKING:  # openpyxl is loaded by the first workbook (velferdslab/gains/excel_table.py)
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

# Excel's preset patterns closest to the page's: crossed, striped, dotted; the best level solid.
LEVEL_PATTERNS = ("smCheck", "wdUpDiag", "pct20", None)
GROUP_PATTERNS = ("wdUpDiag", "pct20")
CHART_COLUMN = 10  # the charts stand to the right of their tables (column J)
ROWS_PER_CHART = 22  # a chart 11 cm high covers some 21 rows of 0.5 cm


def _fill(series: Any, colour: str, pattern: str | None) -> None:
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.fill import ColorChoice, PatternFillProperties

    properties = series.graphicalProperties or GraphicalProperties()
    colour = colour.lstrip("#").upper()
    if pattern:
        properties.pattFill = PatternFillProperties(
            prst=pattern, fgClr=ColorChoice(srgbClr="FFFFFF"), bgClr=ColorChoice(srgbClr=colour)
        )
    else:
        properties.solidFill = colour
    properties.line.solidFill = "FFFFFF"
    series.graphicalProperties = properties


def _table(
    sheet: Worksheet, top: int, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
    kind: str, language: str,
) -> int:  # fmt: skip
    """A title, a header and the rows from `top`; numbers formatted as `kind`, None left
    empty. Returns the row after the table."""
    from openpyxl.styles import Font

    sheet.cell(row=top, column=1, value=title).font = Font(bold=True)
    for index, name in enumerate(header, start=1):
        sheet.cell(row=top + 1, column=index, value=name).font = Font(bold=True)
    for offset, row in enumerate(rows, start=2):
        for index, value in enumerate(row, start=1):
            cell = sheet.cell(row=top + offset, column=index)
            if value is None:
                continue
            cell.value = value
            if index > 1:
                cell.number_format = excel_format(kind, language)
            else:
                cell.data_type = "s"
    return top + len(rows) + 2


def _figure(value: Mapping[str, Any]) -> Any:
    return None if value["suppressed"] else value["value"]


def _grouped(row: Mapping[str, Any]) -> list[Any]:
    """Four level cells and two group cells, the ones the row does not use empty."""
    cells = [_figure(cell) for cell in row["cells"]]
    return [*cells, None, None] if row["grouping"] == "levels" else [None] * 4 + cells


def _place(sheet: Worksheet, chart: Any, top: int, height: float = 10.5) -> None:
    from openpyxl.utils import get_column_letter

    chart.width, chart.height = 18.0, height
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False  # openpyxl 3.1 hides the axes unless told
    sheet.add_chart(chart, f"{get_column_letter(CHART_COLUMN)}{top}")


def _stacked(
    sheet: Worksheet, top: int, title: str, names: Sequence[str],
    rows: Sequence[Mapping[str, Any]], horizontal: bool, language: str,
) -> int:  # fmt: skip
    from openpyxl.chart import BarChart, Reference

    labels = chart_labels()
    header = ["", *labels.levels, *labels.groups]
    end = _table(sheet, top, title, header,
                 [[name, *_grouped(row)] for name, row in zip(names, rows, strict=True)],
                 "integer", language)  # fmt: skip
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.grouping, chart.overlap = "stacked", 100
    chart.title = title
    chart.y_axis.number_format = excel_format("integer", language)
    data = Reference(sheet, min_col=2, max_col=7, min_row=top + 1, max_row=end - 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=top + 2, max_row=end - 1))
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first area on top, as on the page
    for series, colour, pattern in zip(
        chart.series, (*LEVEL_COLOURS, *GROUP_COLOURS), (*LEVEL_PATTERNS, *GROUP_PATTERNS),
        strict=True,
    ):  # fmt: skip
        _fill(series, colour, pattern)
    _place(sheet, chart, top)
    return max(end + 1, top + ROWS_PER_CHART)


def charts_sheet(book: Workbook, report: Mapping[str, Any], language: str) -> None:
    """The share at stable or better, families per level by quarter and by area, and the
    sensitivity, each a chart beside its figures; nothing when there is nothing to draw."""
    from openpyxl.chart import BarChart, LineChart, Reference

    quarters = [format_date(q, language) for q in report["level_distribution"].get("quarters", [])]
    if not quarters and not report["sensitivity"]:
        return
    labels = chart_labels()
    sheet = book.create_sheet(str(_l("Charts")))
    sheet.column_dimensions["A"].width = 26
    top = 1
    if quarters:
        shares = [row["share"] for row in report["stable_share_over_time"]]
        end = _table(sheet, top, labels.share_title, ["", labels.share_legend],
                     [[q, s] for q, s in zip(quarters, shares, strict=True)],
                     "percent", language)  # fmt: skip
        line = LineChart()
        line.title = labels.share_title
        line.y_axis.number_format = excel_format("percent", language).replace(".0", "")
        line.y_axis.scaling.min, line.y_axis.scaling.max = 0.0, 1.0
        line.add_data(
            Reference(sheet, min_col=2, min_row=top + 1, max_row=end - 1), titles_from_data=True
        )
        line.set_categories(Reference(sheet, min_col=1, min_row=top + 2, max_row=end - 1))
        line.series[0].graphicalProperties.line.solidFill = STABLE_LINE.lstrip("#").upper()
        line.series[0].graphicalProperties.line.width = 28000  # EMU: 2.2 pt
        line.series[0].marker.symbol = "circle"
        _place(sheet, line, top)
        top = max(end + 1, top + ROWS_PER_CHART)
        top = _stacked(sheet, top, labels.levels_title, quarters,
                       report["level_distribution_grouped"], False, language)  # fmt: skip
        by_domain = report["level_distribution_by_domain_grouped"]
        top = _stacked(sheet, top, labels.domains_title, [str(DOMAIN_LABELS[d]) for d in DOMAINS],
                       [by_domain[d][-1] for d in DOMAINS], True, language)  # fmt: skip
    if report["sensitivity"]:
        rows = [
            [
                str(PARAMETER_LABELS.get(r["parameter"], r["parameter"])),
                (r["low"] - r["base"]) / 1e6,
                (r["high"] - r["base"]) / 1e6,
            ]
            for r in report["sensitivity"][:12]
        ]
        title = str(_l("Change in the socioeconomic NPV, mill. kr"))
        end = _table(sheet, top, title, ["", labels.low, labels.high], rows, "decimal", language)
        bars = BarChart()
        bars.type, bars.grouping, bars.overlap = "bar", "clustered", 100
        bars.title = labels.tornado_title
        bars.y_axis.number_format = excel_format("decimal", language)
        bars.y_axis.title = title
        bars.add_data(
            Reference(sheet, min_col=2, max_col=3, min_row=top + 1, max_row=end - 1),
            titles_from_data=True,
        )
        bars.set_categories(Reference(sheet, min_col=1, min_row=top + 2, max_row=end - 1))
        bars.x_axis.scaling.orientation = "maxMin"  # the widest swing on top
        bars.x_axis.tickLblPos = "low"  # names at the left edge, not across the bars
        for series, colour, pattern in zip(
            bars.series, TORNADO_COLOURS, ("wdUpDiag", None), strict=True
        ):
            _fill(series, colour, pattern)
        _place(sheet, bars, top)
    if report["suppression"]["applied"]:
        sheet.cell(
            row=max(sheet.max_row + 2, top + ROWS_PER_CHART),
            column=1,
            value=str(
                _l(
                    "An empty cell is a figure not shown: fewer than %(n)s families, or a figure "
                    "that would reveal such a group.",
                    n=report["suppression"]["threshold"],
                )
            ),
        )
