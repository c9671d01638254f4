"""Reading an uploaded file into plain rows: an .xlsx workbook, one .csv per sheet, or a .zip of
CSVs. CSV encoding (UTF-8 with or without BOM, Windows-1252) and separator (`;` or `,`) are
detected. Cells keep what the user typed: a formula such as `=HYPERLINK(…)` stays its text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from python_calamine import CalamineSheet, CalamineWorkbook

from velferdslab.imports import parts

Cell = str | int | float | dt.datetime | dt.date | None


@dataclass
class RawSheet:
    """A sheet as read: its name, the header row, and the data rows by Excel row number."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


@dataclass
class SheetStream:
    """A sheet whose rows are read as they are taken, once and in order (a national lab's
    file is a million rows: they are never all held at once). The next sheet is read once
    these rows are taken or left."""

    name: str
    headers: list[str]
    rows: Iterator[tuple[int, list[Cell]]]


class UnreadableFile(ValueError):
    """The upload is no workbook, CSV or zip of CSVs that can be read."""


class TooManyRows(ValueError):
    def __init__(self, rows: int, limit: int) -> None:
        super().__init__(f"{rows} rows, at most {limit}")
        self.rows = rows
        self.limit = limit


def read_upload(file_name: str, data: bytes, max_rows: int) -> list[RawSheet]:
    """Every sheet with its rows held (a small file: a cohort's readings, the tests)."""
    return [
        RawSheet(sheet.name, sheet.headers, list(sheet.rows))
        for sheet in stream_upload(file_name, data, max_rows)
    ]


def stream_upload(file_name: str, data: bytes, max_rows: int) -> Iterator[SheetStream]:
    """The file's sheets in order, each row read when it is taken. More than `max_rows` rows
    (blank rows not counted) raise TooManyRows with the file's count, as they are met."""
    suffix = PurePath(file_name).suffix.lower()
    sheets: Iterable[SheetStream]
    if suffix == ".xlsx" or (data[:2] == b"PK" and suffix != ".zip"):
        sheets = stream_xlsx(data)
    elif suffix == ".zip":
        sheets = map(_held, read_zip(data))
    elif suffix in (".csv", ".txt"):
        sheets = [_held(read_csv(PurePath(file_name).stem, data))]
    else:
        raise UnreadableFile(file_name)
    return _limited(sheets, max_rows)


def _held(sheet: RawSheet) -> SheetStream:
    return SheetStream(sheet.name, sheet.headers, iter(sheet.rows))


def _limited(sheets: Iterable[SheetStream], max_rows: int) -> Iterator[SheetStream]:
    """The sheets with their rows counted across the file; a sheet left untaken (one the
    mapping skips) is counted before the next is read."""
    seen = 0
    remaining = iter(sheets)

    def counted(rows: Iterator[tuple[int, list[Cell]]]) -> Iterator[tuple[int, list[Cell]]]:
        nonlocal seen
        for row in rows:
            seen += 1
            if seen > max_rows:  # the file's own count, as the message names it
                seen += sum(1 for _ in rows)
                seen += sum(1 for sheet in remaining for _ in sheet.rows)
                raise TooManyRows(seen, max_rows)
            yield row

    previous: Iterator[tuple[int, list[Cell]]] | None = None
    for sheet in remaining:
        if previous is not None:
            for _ in previous:
                pass
        previous = counted(sheet.rows)
        yield SheetStream(sheet.name, sheet.headers, previous)
    if previous is not None:
        for _ in previous:
            pass


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
    return [RawSheet(sheet.name, sheet.headers, list(sheet.rows)) for sheet in stream_xlsx(data)]


def stream_xlsx(data: bytes) -> Iterator[SheetStream]:
    """python-calamine (some ten times faster than openpyxl) reads a workbook of values; it
    gives a formula cell's cached value, never its text, so a workbook with any formula is
    read by openpyxl, which keeps `=HYPERLINK(…)` as typed. calamine holds a sheet it reads
    whole: a large one is read in parts (velferdslab/imports/parts.py)."""
    if _has_formula(data):
        yield from map(_held, _read_openpyxl(data))
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = parts.sheet_entries(archive)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
    except Exception as error:  # calamine's errors for a broken file
        raise UnreadableFile(str(error)) from error
    for name in names:
        entry = entries.get(name)
        try:
            if entry is not None and entry.file_size > parts.PART_BYTES:
                yield _parted_sheet(archive, entry, name)
            else:
                yield _calamine_sheet(name, [workbook.get_sheet_by_name(name)])
        except UnreadableFile:
            raise
        except Exception as error:
            raise UnreadableFile(str(error)) from error


def _parted_sheet(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> SheetStream:
    frame = parts.around(archive)

    def sheets() -> Iterator[CalamineSheet]:
        for xml in parts.xml_parts(archive, entry):
            book = CalamineWorkbook.from_filelike(
                io.BytesIO(parts.part_workbook(frame, entry.filename, xml))
            )
            del xml
            sheet = book.get_sheet_by_name(name)
            del book
            yield sheet
            del sheet

    return _calamine_sheet(name, sheets())


def _calamine_sheet(name: str, sheets: Iterable[CalamineSheet]) -> SheetStream:
    """The sheet's rows from calamine, the sheet read whole or in parts (each a sheet of the
    same rows, numbered as in the file). The first part from its first row, its first used
    column padded as to_python's skip_empty_area=False pads it; the next ones from their
    first row used (`iter_rows` would give every row above it, empty)."""
    iterator = iter(sheets)
    first = next(iterator)
    pad = [""] * (first.start[1] if first.start else 0)
    rows = first.iter_rows()
    numbered = enumerate((pad + row for row in rows) if pad else rows, start=1)
    header = next(numbered, (0, []))[1]
    headers, width = [_header(None if v == "" else v) for v in header], len(header)
    texts: dict[str, str] = {}
    dates: dict[tuple[type, Any], Cell] = {}

    def all_rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            yield from _calamine_rows(numbered, texts, dates)
            for part in iterator:
                if part.start is None:
                    continue
                row, column = part.start
                later: list[list[Any]] = part.to_python(skip_empty_area=True)
                if column or (later and column + len(later[0]) < width):
                    # as wide as the first part, as a sheet read whole pads its rows
                    fill: list[Any] = [""] * max(width - column - len(later[0]), 0)
                    later = [[""] * column + r + fill for r in later]
                del part  # one part held at a time
                yield from _calamine_rows(enumerate(later, start=row + 1), texts, dates)
                del later
        except Exception as error:  # calamine's errors for a broken file
            raise UnreadableFile(str(error)) from error

    return SheetStream(name, headers, all_rows())


def _calamine_rows(
    rows: Iterable[tuple[int, Sequence[Any]]],
    texts: dict[str, str],
    dates: dict[tuple[type, Any], Cell],
) -> Iterator[tuple[int, list[Cell]]]:
    """calamine's rows in one tight loop (a national lab's file is millions of cells): an
    empty cell ("") is None and a whole float an int, as openpyxl gives them, and a recurring
    text or date one object (across the sheet's parts)."""
    for number, row in rows:
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
            yield number, cells


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
