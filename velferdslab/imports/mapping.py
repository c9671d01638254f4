"""From raw sheets to parsed rows grouped by family: headers matched (bokmål or English), each
cell parsed by its column's kind, and every problem noted with Excel's row number."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from velferdslab.imports import values as parsers
from velferdslab.imports.messages import message
from velferdslab.imports.reading import Cell, RawSheet
from velferdslab.imports.spec import (
    HELP_MARK,
    REASON_HEADERS,
    TEMPLATE_SHEETS,
    Column,
    Sheet,
    header_key,
    sheet_named,
)


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    value: str
    severity: str  # error | warning
    code: str
    reference: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    # Messages made from a service's refusal: {en, nb}, already in both languages.
    texts: dict[str, str] | None = None

    def as_dict(self) -> dict[str, Any]:
        texts = self.texts or {
            lang: message(self.code, lang, **self.values) for lang in ("en", "nb")
        }
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "severity": self.severity,
            "code": self.code,
            "reference": self.reference,
            "message": texts,
        }


@dataclass(slots=True)
class Row:
    """A data row, parsed. Slotted and without a copy of its text: a national lab's file is a
    million rows, all held until its families are written."""

    sheet: Sheet
    sheet_name: str
    number: int
    reference: str
    values: dict[str, Any]
    headers: dict[str, str]  # the sheet's, shared by its rows
    # The row's cells as typed, for the refused rows' download (national ids masked there).
    cells: list[Cell] = field(default_factory=list)
    keys: dict[int, str] = field(default_factory=dict)  # cell index -> column key, the sheet's

    @property
    def raw(self) -> dict[str, str]:
        """Each column's cell as the user sees it, national ids masked: for the report."""
        return {
            key: _shown(self.sheet.column(key), self.cells, index)
            for index, key in self.keys.items()
        }

    def header(self, key: str) -> str:
        return self.headers.get(key) or self.sheet.column(key).nb


def _shown(column: Column, cells: list[Cell], index: int) -> str:
    shown = parsers.as_text(cells[index] if index < len(cells) else None)
    return parsers.mask(shown) if column.kind == "national_id" and shown else shown


@dataclass
class Mapped:
    """Rows by family reference and sheet key, and the problems found while reading them."""

    families: dict[str, dict[str, list[Row]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    problems: list[Problem] = field(default_factory=list)
    # Per sheet as named in the file: its header row, and the columns holding national ids.
    headers: dict[str, list[str]] = field(default_factory=dict)
    id_columns: dict[str, set[int]] = field(default_factory=dict)

    @property
    def refused(self) -> set[str]:
        return {p.reference for p in self.problems if p.severity == "error" and p.reference}


def map_sheets(sheets: list[RawSheet]) -> Mapped:
    mapped = Mapped()
    for raw in sheets:
        sheet = sheet_named(raw.name)
        if sheet is None and raw.name.strip().casefold() in TEMPLATE_SHEETS:
            continue
        if sheet is None:
            mapped.problems.append(Problem(raw.name, None, "", "", "warning", "unknown_sheet"))
            continue
        _map_sheet(sheet, raw, mapped)
    return mapped


def _map_sheet(sheet: Sheet, raw: RawSheet, mapped: Mapped) -> None:
    keys: dict[int, str] = {}
    mapped.headers[raw.name] = raw.headers
    for index, header in enumerate(raw.headers):
        key = header_key(sheet, header) if header else None
        if key is None:
            if header and header.casefold() not in {h.casefold() for h in REASON_HEADERS}:
                mapped.problems.append(
                    Problem(raw.name, 1, header, "", "warning", "unknown_column")
                )
            continue
        keys[index] = key
    mapped.id_columns[raw.name] = {
        i for i, key in keys.items() if sheet.column(key).kind == "national_id"
    }
    missing = [c for c in sheet.columns if c.required and c.key not in keys.values()]
    for column in missing:
        mapped.problems.append(
            Problem(
                raw.name, 1, column.nb, "", "error", "missing_column", values={"column": column.nb}
            )
        )
    if missing:
        # Without a required column no row of the sheet can be read: its families are refused.
        for number, cells in raw.rows:
            reference = _reference(cells, keys)
            if reference:
                mapped.families[reference][sheet.key]
                mapped.problems.append(
                    Problem(raw.name, number, "", "", "error", "refused_family", reference)
                )
        return
    headers = {key: raw.headers[index] for index, key in keys.items()}
    for number, cells in raw.rows:
        if _is_help(cells):
            continue
        row = _map_row(sheet, raw.name, number, cells, keys, headers, mapped.problems)
        if row is not None:
            mapped.families[row.reference][sheet.key].append(row)


def _is_help(cells: list[Cell]) -> bool:
    """Every cell shown starts with the help mark (a data row fails at its first cell)."""
    shown = False
    for cell in cells:
        text = parsers.as_text(cell)
        if text:
            if not text.startswith(HELP_MARK):
                return False
            shown = True
    return shown


def _reference(cells: list[Cell], keys: dict[int, str]) -> str:
    index = next((i for i, k in keys.items() if k == "reference"), None)
    return parsers.as_text(cells[index]) if index is not None and index < len(cells) else ""


def _map_row(
    sheet: Sheet,
    sheet_name: str,
    number: int,
    cells: list[Cell],
    keys: dict[int, str],
    headers: dict[str, str],
    problems: list[Problem],
) -> Row | None:
    reference = _reference(cells, keys)
    values: dict[str, Any] = {}
    for index, key in keys.items():
        cell = cells[index] if index < len(cells) else None
        column = sheet.column(key)
        shown = parsers.as_text(cell)
        if shown == "":
            if column.required:
                problems.append(
                    Problem(
                        sheet_name, number, headers[key], "", "error", "required", reference or None
                    )
                )
            values[key] = None
            continue
        try:
            values[key] = parse_cell(column, cell)
        except parsers.BadValue as error:
            problems.append(
                Problem(
                    sheet_name,
                    number,
                    headers[key],
                    _shown(column, cells, index),
                    "error",
                    error.code,
                    reference or None,
                )
            )
            continue
        if column.kind == "national_id" and isinstance(cell, int | float) and len(shown) == 10:
            problems.append(
                Problem(
                    sheet_name,
                    number,
                    headers[key],
                    _shown(column, cells, index),
                    "warning",
                    "national_id_zero",
                    reference,
                )
            )
    if not reference:
        return None
    return Row(sheet, sheet_name, number, reference, values, headers, cells, keys)


def parse_cell(column: Column, cell: Cell) -> Any:
    kind = column.kind
    if kind == "date":
        return parsers.parse_date(cell)
    if kind == "money":
        return parsers.parse_import_amount(cell)
    if kind == "year":
        return parsers.parse_year(cell)
    if kind == "level":
        return parsers.parse_level(cell)
    if kind == "national_id":
        return parsers.parse_national_id(cell)
    if kind in ("family_status", "protection", "relation", "expenditure_status", "domain"):
        return parsers.parse_choice(kind, cell)
    return parsers.as_text(cell)


def excel_date(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"
