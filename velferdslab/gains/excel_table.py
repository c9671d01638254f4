"""One table on one Excel sheet: the cells every workbook of the service is made of (the
portfolio workbook, the plan sheet, the auditor's expenditure export).

Numbers and dates are stored as numbers and dates, with a number format, so the reader's Excel
shows them with its own separators and can compute with them. Every text cell is stored as text:
a name that begins with `=` stays a name, never a formula. A suppressed cell holds a dash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from velferdslab.formatting import DASH, excel_datetime, excel_format

if TYPE_CHECKING:  # openpyxl (with lxml and PIL, some 12 MB) is loaded by the first workbook
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_COLOUR = "EEF2F6"


def new_workbook() -> Workbook:
    """An empty workbook (openpyxl, loaded by the first one made), its default sheet removed."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    return book


def align(cell: Cell, **alignment: Any) -> None:
    from openpyxl.styles import Alignment

    cell.alignment = Alignment(**alignment)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # a kind of velferdslab.formatting.excel_format
    width: float = 16


def _hidden(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value.get("suppressed"))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping) and "suppressed" in value:
        return None if value["suppressed"] else value["value"]
    return value


def write_cell(cell: Cell, value: Any, kind: str, language: str) -> None:
    """One value into one cell: a dash for a suppressed or missing value, text as text."""
    from openpyxl.styles import Alignment

    if _hidden(value) or _plain(value) is None:
        cell.value = DASH
        cell.data_type = "s"
        cell.alignment = Alignment(horizontal="right")
        return
    value = _plain(value)
    if isinstance(value, str) and not value:
        return  # a column this row does not use
    if isinstance(value, bool):
        value = str(_l("yes") if value else _l("no"))
    if isinstance(value, str) or kind == "text":
        cell.value = str(value)
        cell.data_type = "s"  # never a formula, whatever the text begins with
        return
    if isinstance(value, dt.datetime):
        cell.value = excel_datetime(value)
    else:
        cell.value = value
    cell.number_format = excel_format(kind, language)


def table_sheet(
    book: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    language: str,
    notes: Sequence[str] = (),
    *,
    autofilter: bool = False,
) -> Worksheet:
    """A sheet with a bold, frozen header row, set widths, typed cells and notes below; with
    `autofilter`, Excel's filter buttons on the header over the table's rows."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill = PatternFill("solid", start_color=HEADER_COLOUR, end_color=HEADER_COLOUR)
    sheet = book.create_sheet(title[:31])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        write_cell(cell, column.header, "text", language)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    number = 1
    for number, row in enumerate(rows, start=2):
        for index, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            write_cell(sheet.cell(row=number, column=index), value, column.kind, language)
    sheet.freeze_panes = "A2"
    if autofilter:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{number}"
    for offset, note in enumerate(notes, start=2):
        write_cell(sheet.cell(row=number + offset, column=1), note, "text", language)
    return sheet
