"""A large worksheet of an .xlsx read in parts: python-calamine holds a sheet it reads whole
(some 500 MB at the peak for a national lab's million rows of spending), so the sheet's XML is
cut at row boundaries into smaller sheets, each read on its own as a workbook of one sheet.

Each part is the sheet's own head (up to `<sheetData>`, its `<dimension>` left out), a run of
its `<row>` elements as written (each names its row, `r="…"`, so a part's rows keep their Excel
numbers) and the closing tags; the workbook around it is the file's own (its styles, whose
number formats say which cells are dates, its shared strings, its relationships). A sheet whose
XML is not written so (a prefixed namespace, rows without their number) is not cut: read whole.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATION_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# A sheet's XML (uncompressed) above this is read in parts of about this size: a part of
# 4 MB is some 9 000 rows of seven cells, and calamine's memory for it some 10 MB.
PART_BYTES = 4 << 20
SHEET_DATA = b"<sheetData>"
ROW_END = b"</row>"
CLOSE = b"</sheetData></worksheet>"
DIMENSION = re.compile(rb"<dimension\b[^>]*/>")


def sheet_entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Each sheet's name -> its worksheet XML in the archive (the workbook and its
    relationships read); {} when they cannot be read (the sheets are then read whole)."""
    # The upload's own two small files: ElementTree fetches no external entity, and expat
    # (2.4 and later) refuses the nested-entity expansions of a "billion laughs".
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in relations}
    found: dict[str, zipfile.ZipInfo] = {}
    for sheet in book.iter(f"{MAIN}sheet"):
        target, name = targets.get(sheet.get(RELATION_ID)), sheet.get("name")
        if not target or name is None:
            continue
        path = target[1:] if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        try:
            found[name] = archive.getinfo(path)
        except KeyError:
            continue
    return found


def xml_parts(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, size: int | None = None
) -> Iterator[bytes]:
    """The worksheet's XML as complete worksheets of about `size` bytes each (PART_BYTES),
    cut after a `</row>`; the whole XML as one part when it is not written as expected."""
    size = size or PART_BYTES
    with archive.open(entry) as stream:
        buffer = bytearray()
        head = b""
        while not head:
            chunk = stream.read(1 << 20)
            buffer += chunk
            at = buffer.find(SHEET_DATA)
            if at >= 0:
                head = bytes(buffer[: at + len(SHEET_DATA)])
                del buffer[: at + len(SHEET_DATA)]
            elif not chunk or len(buffer) > size:  # no plain <sheetData>: read whole
                yield bytes(buffer) + stream.read()
                return
        if not _numbered(buffer):  # rows without their numbers: whole
            yield head + bytes(buffer) + stream.read()
            return
        head = DIMENSION.sub(b"", head)
        ended = False
        while True:
            while len(buffer) >= size:
                cut = buffer.rfind(ROW_END, 0, size)
                if cut < 0:  # one row longer than a part: up to its end
                    cut = buffer.find(ROW_END, size)
                if cut < 0:
                    break
                cut += len(ROW_END)
                yield head + bytes(buffer[:cut]) + CLOSE
                del buffer[:cut]
            if ended:
                end = buffer.rfind(b"</sheetData>")
                yield head + bytes(buffer[: end if end >= 0 else len(buffer)]) + CLOSE
                return
            chunk = stream.read(1 << 20)
            ended = not chunk
            buffer += chunk


def _numbered(rows: bytearray) -> bool:
    """Whether the first row element names its row (`r="…"`); true when there is none."""
    at = rows.find(b"<row")
    if at < 0:
        return True
    end = rows.find(b">", at)
    return b' r="' in rows[at : end if end >= 0 else len(rows)]


def around(archive: zipfile.ZipFile) -> list[tuple[str, bytes]]:
    """The workbook's entries but its worksheets (calamine reads a sheet's XML only when the
    sheet is asked for): the frame of every part."""
    return [
        (info.filename, archive.read(info))
        for info in archive.infolist()
        if not info.filename.startswith("xl/worksheets/")
    ]


def part_workbook(frame: list[tuple[str, bytes]], path: str, xml: bytes) -> bytes:
    """A workbook of the frame and one part at the sheet's own path."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as book:
        for name, content in frame:
            book.writestr(name, content)
        book.writestr(path, xml)
    return out.getvalue()
