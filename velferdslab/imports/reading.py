"""Reading an uploaded file into plain rows: an .xlsx workbook, one .csv per sheet, or a .zip of
CSVs. CSV encoding (UTF-8 with or without BOM, Windows-1252) and separator (`;` or `,`) are
detected. Cells keep what the user typed: a formula such as `=HYPERLINK(…)` stays its text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from python_calamine import CalamineWorkbook

Cell = str | int | float | dt.datetime | dt.date | None


@dataclass
class RawSheet:
    """A sheet as read: its name, the header row, and the data rows by Excel row number."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


class UnreadableFile(ValueError):
    """The upload is no workbook, CSV or zip of CSVs that can be read."""


class TooManyRows(ValueError):
    def __init__(self, rows: int, limit: int) -> None:
        super().__init__(f"{rows} rows, at most {limit}")
        self.rows = rows
        self.limit = limit


def read_upload(file_name: str, data: bytes, max_rows: int) -> list[RawSheet]:
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".xlsx" or (data[:2] == b"PK" and suffix != ".zip"):
        sheets = read_xlsx(data)
    elif suffix == ".zip":
        sheets = read_zip(data)
    elif suffix in (".csv", ".txt"):
        sheets = [read_csv(PurePath(file_name).stem, data)]
    else:
        raise UnreadableFile(file_name)
    rows = sum(len(sheet.rows) for sheet in sheets)
    if rows > max_rows:
        raise TooManyRows(rows, max_rows)
    return sheets


def count_rows(file_name: str, data: bytes) -> int:
    """About how many data rows the file holds (blank rows counted), read without parsing it:
    whether it goes to the background, and whether it is over the limit."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".xlsx" or (data[:2] == b"PK" and suffix != ".zip"):
        return _xlsx_rows(data)
    if suffix == ".zip":
        return sum(len(sheet.rows) for sheet in read_zip(data))
    if suffix in (".csv", ".txt"):
        return max(data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1, 0)
    raise UnreadableFile(file_name)


def _xlsx_rows(data: bytes) -> int:
    """The `<row` elements of every worksheet's XML, counted as the bytes stream by."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UnreadableFile(str(error)) from error
    rows = 0
    with archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                continue
            sheet_rows, tail = 0, b""
            with archive.open(info) as stream:
                while chunk := stream.read(1 << 20):
                    joined = tail + chunk
                    sheet_rows += joined.count(b"<row ") + joined.count(b"<row>")
                    tail = joined[-5:]
                    sheet_rows -= tail.count(b"<row ") + tail.count(b"<row>")
                sheet_rows += tail.count(b"<row ") + tail.count(b"<row>")
            rows += max(sheet_rows - 1, 0)
    return rows


def read_xlsx(data: bytes) -> list[RawSheet]:
    """python-calamine (some ten times faster than openpyxl) reads a workbook of values; it
    gives a formula cell's cached value, never its text, so a workbook with any formula is
    read by openpyxl, which keeps `=HYPERLINK(…)` as typed."""
    if _has_formula(data):
        return _read_openpyxl(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            # Row by row, not as one list of the whole sheet (a national lab's is a million
            # rows); from the sheet's first row, its first used column padded as to_python's
            # skip_empty_area=False pads it.
            pad = [""] * (sheet.start[1] if sheet.start else 0)
            rows = sheet.iter_rows()
            sheets.append(_calamine_sheet(name, (pad + row for row in rows) if pad else rows))
    except Exception as error:  # calamine's errors for a broken file
        raise UnreadableFile(str(error)) from error
    return sheets


def _calamine_sheet(name: str, rows: Iterable[Sequence[Any]]) -> RawSheet:
    """_sheet for calamine's rows, in one tight loop (a national lab's file is millions of
    cells): an empty cell ("") is None and a whole float an int, as openpyxl gives them, and a
    recurring text or date one object."""
    iterator = iter(rows)
    sheet = RawSheet(name, [_header(None if v == "" else v) for v in next(iterator, [])])
    texts: dict[str, str] = {}
    dates: dict[tuple[type, Any], Cell] = {}
    for number, row in enumerate(iterator, start=2):
        cells: list[Cell] = []
        shown = False
        for value in row:
            kind = type(value)
            if kind is str:
                if value == "":
                    cells.append(None)
                    continue
                cells.append(texts.setdefault(value, value))
            elif kind is float:
                whole = value.is_integer() and abs(value) < 1 << 53
                cells.append(int(value) if whole else value)
            elif kind is dt.date or kind is dt.datetime:
                cells.append(dates.setdefault((kind, value), value))
            else:
                cells.append(_cell(value))
            shown = True
        if shown:
            sheet.rows.append((number, cells))
    return sheet


def _has_formula(data: bytes) -> bool:
    """Whether any worksheet holds a formula (an `<f>` element), its XML read as it streams."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UnreadableFile(str(error)) from error
    with archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                continue
            tail = b""
            with archive.open(info) as stream:
                while chunk := stream.read(1 << 20):
                    joined = tail + chunk
                    if b"<f>" in joined or b"<f " in joined or b"<f/>" in joined:
                        return True
                    tail = joined[-4:]
    return False


def _read_openpyxl(data: bytes) -> list[RawSheet]:
    from openpyxl import load_workbook  # loaded for the first such file, not with the app

    try:
        # data_only=False: a formula cell reads as its formula text, never as a computed value.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises a zoo of errors for a broken file
        raise UnreadableFile(str(error)) from error
    try:
        return [_sheet(ws.title, ws.iter_rows(values_only=True)) for ws in workbook.worksheets]
    finally:
        workbook.close()


def _sheet(name: str, rows: object) -> RawSheet:
    iterator = iter(rows)  # type: ignore[call-overload]
    header = next(iterator, ())
    sheet = RawSheet(name, [_header(cell) for cell in header])
    # One object for each value however often it recurs (a family's reference on each of its
    # rows, an agency, a status, a date): a national lab's file is millions of cells.
    shared: dict[tuple[type, Cell], Cell] = {}
    for number, row in enumerate(iterator, start=2):
        cells = [_cell(value) for value in row]
        if any(cell not in (None, "") for cell in cells):
            sheet.rows.append((number, [shared.setdefault((type(c), c), c) for c in cells]))
    return sheet


def _header(value: object) -> str:
    return "" if value is None else str(value).strip()


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | dt.datetime | dt.date):
        return value
    return str(value)


def read_zip(data: bytes) -> list[RawSheet]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UnreadableFile(str(error)) from error
    with archive:
        return [
            read_csv(PurePath(info.filename).stem, archive.read(info))
            for info in archive.infolist()
            if info.filename.lower().endswith(".csv") and not info.is_dir()
        ]


def decode(data: bytes) -> str:
    """UTF-8 (a BOM dropped) when the bytes are UTF-8, else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def separator(first_line: str) -> str:
    """`;` or `,`: the one that splits the header line into more fields."""
    semicolons = len(next(csv.reader([first_line], delimiter=";"), []))
    commas = len(next(csv.reader([first_line], delimiter=","), []))
    return ";" if semicolons >= commas else ","


def read_csv(name: str, data: bytes) -> RawSheet:
    text = decode(data)
    first_line = text.splitlines()[0] if text else ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(first_line))
    return _sheet(name, ([cell if cell != "" else None for cell in row] for row in reader))
