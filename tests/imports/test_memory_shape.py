"""A national lab's file (a million and a half rows) is never held whole: a large sheet is read
in parts, the rows wait by family in a temporary file until the family is written, and the
audit events of the families written wait in one until the import's single commit, which
writes them as one unbroken chain. These tests keep that shape; the memory itself is
benchmarks/bench_import.py's to measure."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests.factories import make_lab
from tests.imports.workbooks import HEADERS, lab_file, small_lab
from velferdslab.audit.log import SPILLED_KEY, pending_of
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import verify_chain
from velferdslab.imports import parts, services
from velferdslab.imports.mapping import map_sheets
from velferdslab.imports.reading import TooManyRows, read_xlsx, stream_upload


def spending_workbook(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Utgifter"
    sheet.append(HEADERS["Utgifter"])
    for n in range(rows):
        if n == 250:
            sheet.append([None] * 9)  # a blank row: the numbers after it stay the file's
        on = dt.date(2024, 1, 1) + dt.timedelta(days=n)
        amount = 1000 + n + (0.5 if n % 2 else 0)
        sheet.append([f"LAB-{n % 40:03d}", on, amount, f"Utgift {n % 7}", "Bolig",
                      "Boligkontoret", "godkjent", None, None])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_large_sheet_read_in_parts_gives_the_rows_it_gives_read_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = spending_workbook(600)
    whole = read_xlsx(content)  # far below PART_BYTES: one part
    made: list[int] = []
    cut = parts.xml_parts

    def counted(*args: Any, **kwargs: Any) -> Iterator[bytes]:
        for part in cut(*args, **kwargs):
            made.append(len(part))
            yield part

    monkeypatch.setattr(parts, "PART_BYTES", 8 << 10)
    monkeypatch.setattr(parts, "xml_parts", counted)
    parted = read_xlsx(content)
    assert len(made) > 5 and max(made) < 20 << 10  # the sheet was read a small part at a time
    assert [(s.name, s.headers) for s in parted] == [(s.name, s.headers) for s in whole]
    assert parted[0].rows == whole[0].rows  # the same cells (dates, amounts, text), in order
    numbers = [number for number, _ in parted[0].rows]
    assert numbers[:2] == [2, 3] and numbers[249:252] == [251, 253, 254]  # Excel's own rows
    assert len(numbers) == 600 and numbers[-1] == 602
    assert parted[0].rows[-1][1][1] == dt.date(2025, 8, 22)  # a date cell is still a date


def test_the_rows_wait_by_family_in_the_spool(app: Any) -> None:
    content = lab_file(small_lab(5), "3203", "Boligkontoret", "lead").xlsx()
    mapped = map_sheets(stream_upload("lab.xlsx", content, 1000))
    # 5 families, 5 members, 15 readings, 10 budget years, 10 expenditures, 5 goals
    assert mapped.spool.rows_spooled == 50
    assert list(mapped.families) == [f"LAB-{n:03d}" for n in range(1, 6)]
    with app.app_context():
        rows, wrong = mapped.rows("LAB-002")
    assert not wrong
    assert {key: len(found) for key, found in rows.items()} == {
        "families": 1, "members": 1, "assessments": 3, "budgets": 2, "expenditures": 2,
        "goals": 1,
    }  # fmt: skip
    assert [row.number for row in rows["assessments"]] == [5, 6, 7]  # the file's order


def test_an_imports_events_wait_on_disk_and_are_written_as_one_chain(app: Any, db: Any) -> None:
    with app.app_context():
        lab = make_lab(db)
        content = lab_file(
            small_lab(5), lab.municipality.number, lab.housing.name, lab.lead.username
        ).xlsx()
        run = services.new_run(db, lab.lead, lab.municipality.id, "lab.xlsx", content, False)
        rule = str(app.config["OVERALL_RULE"])
        services.run_import(db, lab.lead, run, content, rule=rule, max_rows=1000)
        assert run.counts["created"] == 5
        # In memory only the import's own event; the families' events wait in the spill file.
        assert [(e.action, e.entity) for e in pending_of(db)] == [("create", "import")]
        spilled = db.info[SPILLED_KEY].count
        assert spilled >= 5 * 6  # a family, its team, member, readings, budgets, spending …
        last = db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
        db.commit()
        assert SPILLED_KEY not in db.info  # written and closed
        query = select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id)
        events = list(db.scalars(query))
        assert len(events) == spilled + 1
        assert all(e.details.get("import_id") == run.id for e in events[:-1])
        assert (events[-1].entity, events[-1].entity_id) == ("import", run.id)  # in order
        # One unbroken chain: each event's link is the hash of the event written before it.
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
        assert verify_chain(db).intact


def test_a_file_over_the_row_limit_is_refused_with_its_whole_count_as_it_streams() -> None:
    content = lab_file(small_lab(5), "3203", "Boligkontoret", "lead").xlsx()
    with pytest.raises(TooManyRows) as refused:
        map_sheets(stream_upload("lab.xlsx", content, 20))
    assert (refused.value.rows, refused.value.limit) == (50, 20)  # every sheet's rows counted
