"""The refused families' rows, kept with the import to download and fix: as typed (national ids
masked, as in the report), each with its reason in the reader's language, as CSV or `.xlsx`.
A cell a spreadsheet would run as a formula is written with a leading quote."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from velferdslab.imports import values as parsers
from velferdslab.imports.mapping import Mapped
from velferdslab.imports.messages import message

# A cell beginning so is a formula to Excel and LibreOffice (OWASP's list); a plain signed
# number ("-1 200,50") is left as it is, so that the file reads back.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SIGNED_NUMBER = re.compile(r"[+-][\d\s.,]+")


def rejected_rows(mapped: Mapped, refused: set[str]) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for reference in sorted(refused):
        for place, number, row_cells in mapped.waiting(reference):
            masked = mapped.id_columns.get(place.name, set())
            cells = [
                parsers.mask(text) if i in masked and text else text
                for i, text in enumerate(parsers.as_text(c) for c in row_cells)
            ]
            rows.append({"sheet": place.name, "row": number, "cells": cells})
    sheets = list(mapped.headers)
    rows.sort(key=lambda r: (sheets.index(r["sheet"]) if r["sheet"] in sheets else 0, r["row"]))
    used = {r["sheet"] for r in rows}
    return {"headers": {s: h for s, h in mapped.headers.items() if s in used}, "rows": rows}


def escaped(text: str) -> str:
    if text.startswith(FORMULA_START) and not SIGNED_NUMBER.fullmatch(text):
        return "'" + text
    return text


def reasons(report: list[dict[str, Any]], language: str) -> dict[tuple[str, int], str]:
    """Every error and warning of a row, joined: (sheet, row) -> reason."""
    lang = "en" if language.startswith("en") else "nb"
    found: dict[tuple[str, int], list[str]] = {}
    for problem in report:
        if problem["row"] is None:
            continue
        text = f"{problem['column']}: {problem['message'][lang]}".lstrip(": ")
        found.setdefault((problem["sheet"], problem["row"]), []).append(text)
    return {key: " · ".join(dict.fromkeys(texts)) for key, texts in found.items()}


def _lines(rejected: dict[str, Any], report: list[dict[str, Any]], language: str) -> Any:
    """(sheet, header row or None, cells) in the file's order, the reason first."""
    why = reasons(report, language)
    other = message("refused_family", language)
    for row in rejected.get("rows", []):
        reason = why.get((row["sheet"], row["row"]), other)
        yield row["sheet"], row["row"], [reason, *row["cells"]]


def reason_header(language: str) -> str:
    return "Reason" if language.startswith("en") else "Årsak"


def as_xlsx(rejected: dict[str, Any], report: list[dict[str, Any]], language: str) -> bytes:
    """A sheet per sheet of the upload, its own headers with the reason first: fix, upload."""
    from openpyxl import Workbook  # loaded by the first workbook, not with the app

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for name, headers in rejected.get("headers", {}).items():
        workbook.create_sheet(name[:31]).append([reason_header(language), *headers])
    for sheet, _row, cells in _lines(rejected, report, language):
        workbook[sheet[:31]].append([escaped(c) for c in cells])
    if not workbook.worksheets:
        workbook.create_sheet("Familier" if not language.startswith("en") else "Families")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_csv(rejected: dict[str, Any], report: list[dict[str, Any]], language: str) -> bytes:
    """One table for every sheet: the sheet and Excel row first, then the reason and the
    row's cells under its own sheet's headers (a header line where the sheet changes)."""
    english = language.startswith("en")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    headers = rejected.get("headers", {})
    current = None
    for sheet, row, cells in _lines(rejected, report, language):
        if sheet != current:
            current = sheet
            writer.writerow(
                ["Sheet" if english else "Ark", "Row" if english else "Rad",
                 reason_header(language), *headers.get(sheet, [])]
            )  # fmt: skip
        writer.writerow([sheet, row, *(escaped(c) for c in cells)])
    # BOM: Excel opens the file as UTF-8 (æøå intact).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
