"""Comparison-cohort files and a lab with readings, for the evidence tests."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, add_assessment, make_family

LEVEL_WORDS = ("uholdbar", "utsatt", "stabil", "bærekraftig")
BASELINE, LATER = dt.date(2025, 3, 31), dt.date(2025, 12, 31)


def cohort_csv(families: list[tuple[int, int]], prefix: str = "K") -> bytes:
    """A Kartlegginger CSV: per family its housing level at the baseline quarter and later."""
    lines = ["Referanse;Dato;Bolig;Arbeid;Begrunnelse"]
    for n, (before, after) in enumerate(families, start=1):
        lines.append(f"{prefix}-{n:03d};15.02.2025;{LEVEL_WORDS[before]};stabil;fri tekst")
        lines.append(f"{prefix}-{n:03d};2025-11-20;{LEVEL_WORDS[after]};;")
    return "\n".join(lines).encode("utf-8")


def cohort_xlsx(families: list[tuple[int, int]], *, members: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kartlegginger"
    sheet.append(["Referanse *", "Dato *", "Bolig", "Arbeid"])
    for n, (before, after) in enumerate(families, start=1):
        sheet.append([f"X{n}", dt.datetime(2025, 2, 15), LEVEL_WORDS[before], "stabil"])
        sheet.append([f"X{n}", "20.11.2025", LEVEL_WORDS[after], None])
    if members:
        people = workbook.create_sheet("Medlemmer")
        people.append(["Referanse", "Navn"])
        people.append(["X1", "Kari Nordmann"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def lab_with_moves(db: scoped_session, lab: Lab, families: list[tuple[int, int]]) -> None:
    """Lab families enrolled before the baseline, read before it and before the later quarter
    (every domain at the given level, so the overall level is that level under any rule)."""
    for before, after in families:
        family = make_family(db, lab, referred_on=dt.date(2024, 10, 1))
        add_assessment(db, family, dt.date(2025, 1, 10), **_all(before))
        add_assessment(db, family, dt.date(2025, 10, 5), **_all(after))


def _all(level: int) -> dict[str, int]:
    return {"housing": level, "work": level}
