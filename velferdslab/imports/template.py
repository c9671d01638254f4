"""The import template as an .xlsx, made from import.md's sheets (spec.py): headers (required
ones marked ` *`), a help row, drop-down lists, ID columns formatted as text, and an example
family on a sheet of its own. The reader skips the help row, the example and the lists."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from velferdslab.imports.spec import HELP_MARK, LIST_WORDS, SHEETS, Column, Sheet

TEXT_KINDS = ("national_id",)
TEXT_KEYS = ("reference", "municipality_number", "national_id")
ROWS_PREPARED = 500  # rows below the help row that carry the text format and the lists
LISTS_SHEET = ("Lister", "Lists")
EXAMPLE_SHEET = ("Eksempel", "Example")
HEAD = Font(bold=True)
HELP = Font(italic=True, color="555555")
HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")

HELP_TEXTS: dict[str, tuple[str, str]] = {
    "text": ("tekst", "text"),
    "date": ("dato: 31.12.2024", "date: 31.12.2024"),
    "money": ("kroner: 1 234,50", "kroner: 1 234,50"),
    "year": ("år: 2025", "year: 2025"),
    "level": ("nivå fra listen", "level from the list"),
    "national_id": ("11 sifre, som tekst", "11 digits, as text"),
    "username": ("brukernavn fra listen", "username from the list"),
    "agency": ("etat fra listen", "agency from the list"),
}


def _help(column: Column, english: bool) -> str:
    words = HELP_TEXTS.get(column.kind) or ("verdi fra listen", "value from the list")
    text = words[1] if english else words[0]
    if column.key == "reference":
        text = "labbens egen id" if not english else "the lab's own id"
    return f"{HELP_MARK} {text}"


def _example(english: bool) -> dict[str, list[object]]:
    def say(bokmal: str, other: str) -> str:
        return other if english else bokmal

    return {
        "families": ["EKS-1", "", say("aktiv", "active"), "02.01.2024", "15.01.2024"],
        "members": ["EKS-1", "Kari Nordmann", "", "", say("forelder", "parent")],
        "assessments": [
            "EKS-1",
            "15.01.2024",
            say("utsatt", "exposed"),
            say("uholdbar", "unsustainable"),
        ],
        "budgets": ["EKS-1", "2024", "", "100 000"],
        "expenditures": ["EKS-1", "01.02.2024", "4 500", say("Husleiegaranti", "Rent deposit")],
        "goals": ["EKS-1", say("Bolig", "Housing"), say("stabil", "stable"), "31.12.2025"],
    }


def build(language: str, agencies: list[str], users: list[str]) -> bytes:
    english = language.startswith("en")
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    lists = _lists_sheet(workbook, english, agencies, users)
    for sheet in SHEETS:
        _data_sheet(workbook.create_sheet(sheet.en if english else sheet.nb), sheet, english, lists)
    _example_sheet(workbook.create_sheet(EXAMPLE_SHEET[english]), english)
    workbook.move_sheet(lists, offset=len(workbook.worksheets))
    lists.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _lists_sheet(
    workbook: Workbook, english: bool, agencies: list[str], users: list[str]
) -> Worksheet:
    sheet = workbook.create_sheet(LISTS_SHEET[english])
    columns = {kind: words[english] for kind, words in LIST_WORDS.items()}
    columns["agency"] = tuple(agencies) or ("",)
    columns["username"] = tuple(users) or ("",)
    for index, (kind, words) in enumerate(columns.items(), start=1):
        sheet.cell(1, index, kind)
        for row, word in enumerate(words, start=2):
            sheet.cell(row, index, word)
    sheet.sheet_properties.tabColor = "999999"
    return sheet


def _list_range(lists: Worksheet, kind: str) -> str | None:
    for cell in lists[1]:
        if cell.value == kind:
            letter = get_column_letter(cell.column)
            last = max(lists.max_row, 2)
            while last > 2 and lists.cell(last, cell.column).value in (None, ""):
                last -= 1
            return f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${last}"
    return None


def _data_sheet(ws: Worksheet, sheet: Sheet, english: bool, lists: Worksheet) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        header = (column.en if english else column.nb) + (" *" if column.required else "")
        head = ws.cell(1, index, header)
        head.font, head.fill = HEAD, HEAD_FILL
        ws.cell(2, index, _help(column, english)).font = HELP
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(14, len(header) + 4)
        if column.key in TEXT_KEYS:
            for row in range(3, ROWS_PREPARED + 3):
                ws.cell(row, index).number_format = "@"
        kind = column.kind if column.kind != "family_status" or sheet.key == "families" else None
        source = _list_range(lists, kind) if kind else None
        if source is not None:
            validation = DataValidation(type="list", formula1=source, allow_blank=True)
            validation.add(f"{letter}3:{letter}{ROWS_PREPARED + 2}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A3"


def _example_sheet(ws: Worksheet, english: bool) -> None:
    rows = _example(english)
    line = 1
    for sheet in SHEETS:
        ws.cell(line, 1, sheet.en if english else sheet.nb).font = Font(bold=True, size=12)
        for index, column in enumerate(sheet.columns, start=1):
            ws.cell(line + 1, index, column.en if english else column.nb).font = HEAD
        for index, value in enumerate(rows[sheet.key], start=1):
            ws.cell(line + 2, index, value).number_format = "@"
        line += 4
