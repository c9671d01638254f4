"""From raw sheets to parsed rows grouped by family: headers matched (bokmål or English), each
cell parsed by its column's kind, and every problem noted with Excel's row number.

A family's rows are kept as read (their cells) in a temporary file by family (the Spool) and
parsed when the family is written (Mapped.rows): a national lab's file is a million and a
half rows, read a sheet (or a part of one) at a time, and neither the cells nor their parsed
values are ever all held at once. The report still lists the problems in the file's order
(Mapped.report)."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from velferdslab.imports import values as parsers
from velferdslab.imports.messages import message
from velferdslab.imports.reading import Cell, RawSheet, SheetStream
from velferdslab.imports.spec import (
    HELP_MARK,
    REASON_HEADERS,
    TEMPLATE_SHEETS,
    Column,
    Sheet,
    header_key,
    sheet_named,
)
from velferdslab.imports.spool import Spool


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
    # A problem of reading: (the sheet's place in the file, its row), the report's order.
    order: tuple[int, int] | None = None

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
    million rows, and a family's are parsed together."""

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


@dataclass(frozen=True)
class Place:
    """A sheet of the file as mapped: what its rows are parsed with."""

    sheet: Sheet
    name: str
    keys: dict[int, str]  # cell index -> column key
    headers: dict[str, str]  # column key -> the header as written
    order: int  # the sheet's place in the file
    # (cell index, key, column) in the sheet's order, and the reference's cell index: looked
    # up once for the sheet, not for each of its million cells.
    columns: tuple[tuple[int, str, Column], ...] = ()
    reference_at: int | None = None

    def reference(self, cells: list[Cell]) -> str:
        at = self.reference_at
        return parsers.as_text(cells[at]) if at is not None and at < len(cells) else ""


# A row as read, parsed when its family is written: its sheet, Excel row number and cells.
Waiting = tuple[Place, int, list[Cell]]


@dataclass
class Mapped:
    """Rows (as read, spooled) by family reference, and the problems found in them."""

    problems: list[Problem] = field(default_factory=list)
    # Per sheet as named in the file: its header row, and the columns holding national ids.
    headers: dict[str, list[str]] = field(default_factory=dict)
    id_columns: dict[str, set[int]] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    spool: Spool = field(default_factory=Spool)

    @property
    def families(self) -> dict[str, array[int]]:
        """Every family's reference, in the order first met (its rows are in the spool)."""
        return self.spool.segments

    def waiting(self, reference: str) -> list[Waiting]:
        """The family's rows as read, in the file's order within each sheet."""
        places = self.places
        return [(places[at], number, cells) for at, number, cells in self.spool.rows(reference)]

    @property
    def refused(self) -> set[str]:
        return {p.reference for p in self.problems if p.severity == "error" and p.reference}

    def rows(self, reference: str) -> tuple[dict[str, list[Row]], bool]:
        """The family's rows parsed by sheet key, their problems noted; whether any of them
        is an error (the family is refused)."""
        before = len(self.problems)
        parsed: dict[str, list[Row]] = {}
        for place, number, cells in self.waiting(reference):
            rows = parsed.setdefault(place.sheet.key, [])
            row = _map_row(place, number, cells, self.problems)
            if row is not None:
                rows.append(row)
        return parsed, any(p.severity == "error" for p in self.problems[before:])

    def report(self) -> list[Problem]:
        """The problems of reading in the file's order (sheet, row, column), then those of
        writing in the order the families were written."""
        read = sorted((p for p in self.problems if p.order is not None), key=_order)
        return read + [p for p in self.problems if p.order is None]


def parse_all(mapped: Mapped) -> dict[str, dict[str, list[Row]]]:
    """Every family's rows parsed at once, for a small file read whole (a cohort's readings)."""
    return {reference: mapped.rows(reference)[0] for reference in list(mapped.families)}


def _order(problem: Problem) -> tuple[int, int]:
    assert problem.order is not None
    return problem.order


def map_sheets(sheets: Iterable[RawSheet | SheetStream]) -> Mapped:
    """The sheets mapped as they are read, each row spooled under its family."""
    mapped = Mapped()
    for order, raw in enumerate(sheets):
        sheet = sheet_named(raw.name)
        if sheet is None and raw.name.strip().casefold() in TEMPLATE_SHEETS:
            continue
        if sheet is None:
            mapped.problems.append(
                Problem(raw.name, None, "", "", "warning", "unknown_sheet", order=(order, 0))
            )
            continue
        _map_sheet(sheet, raw, mapped, order)
    mapped.spool.flush()
    return mapped


def _map_sheet(sheet: Sheet, raw: RawSheet | SheetStream, mapped: Mapped, order: int) -> None:
    keys: dict[int, str] = {}
    mapped.headers[raw.name] = raw.headers
    for index, header in enumerate(raw.headers):
        key = header_key(sheet, header) if header else None
        if key is None:
            if header and header.casefold() not in {h.casefold() for h in REASON_HEADERS}:
                mapped.problems.append(
                    Problem(raw.name, 1, header, "", "warning", "unknown_column", order=(order, 1))
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
                raw.name,
                1,
                column.nb,
                "",
                "error",
                "missing_column",
                values={"column": column.nb},
                order=(order, 1),
            )
        )
    if missing:
        # Without a required column no row of the sheet can be read: its families are refused.
        for number, cells in raw.rows:
            reference = _reference(cells, keys)
            if reference:
                mapped.spool.family(reference)
                mapped.problems.append(
                    Problem(
                        raw.name,
                        number,
                        "",
                        "",
                        "error",
                        "refused_family",
                        reference,
                        order=(order, number),
                    )
                )
        return
    place = Place(
        sheet,
        raw.name,
        keys,
        {key: raw.headers[i] for i, key in keys.items()},
        order,
        tuple((i, key, sheet.column(key)) for i, key in keys.items()),
        next((i for i, k in keys.items() if k == "reference"), None),
    )
    at = len(mapped.places)
    mapped.places.append(place)
    spool = mapped.spool
    for number, cells in raw.rows:
        if _is_help(cells):
            continue
        reference = place.reference(cells)
        if reference:  # parsed when its family is written
            spool.add(reference, at, number, cells)
        else:  # no family to write it with: its problems now
            _map_row(place, number, cells, mapped.problems)


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


def _map_row(place: Place, number: int, cells: list[Cell], problems: list[Problem]) -> Row | None:
    sheet, sheet_name, keys, headers = place.sheet, place.name, place.keys, place.headers
    order = (place.order, number)
    reference = place.reference(cells)
    values: dict[str, Any] = {}
    for index, key, column in place.columns:
        cell = cells[index] if index < len(cells) else None
        shown = parsers.as_text(cell)
        if shown == "":
            if column.required:
                problems.append(
                    Problem(
                        sheet_name,
                        number,
                        headers[key],
                        "",
                        "error",
                        "required",
                        reference or None,
                        order=order,
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
                    order=order,
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
                    order=order,
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
