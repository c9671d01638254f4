"""The import pipeline, one code path for both modes: read, map, then write family by family
through the API's services, each family in a savepoint (all or nothing per family). A dry run
is the same code inside a savepoint that is always rolled back, its audit events dropped with
it; only its history row (import.md: every dry run is kept) stays."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from velferdslab.audit.log import drop_pending, pending_of, record, spill_pending
from velferdslab.bulk import Bulk, collecting
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import DomainError, FieldErrors, NotFound, Text
from velferdslab.families.models import Family
from velferdslab.imports import chunks, writers
from velferdslab.imports.mapping import Mapped, Problem, Row, map_sheets
from velferdslab.imports.messages import message
from velferdslab.imports.models import ImportRun
from velferdslab.imports.reading import stream_upload
from velferdslab.imports.rejected import rejected_rows
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.users.models import User
from velferdslab.web.i18n import localise

SHEET_ORDER = ("members", "assessments", "budgets", "expenditures", "goals")
WRITERS = {
    "members": writers.write_members,
    "assessments": writers.write_assessments,
    "budgets": writers.write_budgets,
    "expenditures": writers.write_expenditures,
    "goals": writers.write_goals,
}


# A callback between families: (families done, families in all); it may raise Cancelled.
Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """A lead stopped a background run before it committed: nothing of it is kept."""


def new_run(
    session: AnySession,
    user: User,
    municipality_id: int,
    file_name: str,
    data: bytes,
    dry_run: bool,
) -> ImportRun:
    run = ImportRun(
        municipality_id=municipality_id,
        created_by=user.id,
        dry_run=dry_run,
        status="running",
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
    )
    session.add(run)
    session.flush()
    return run


def run_import(
    session: AnySession,
    user: User,
    run: ImportRun,
    data: bytes,
    *,
    rule: str,
    max_rows: int,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Read and apply the file; UnreadableFile and TooManyRows reach the caller unwritten."""
    mapped = map_sheets(stream_upload(run.file_name, data, max_rows))
    ctx = _context(session, user, run, rule, today or dt.date.today(), set(mapped.families))
    events_before = list(pending_of(session))
    outer = session.begin_nested() if run.dry_run else None
    outcomes: dict[str, str] = {}
    references = sorted(mapped.families)
    # New families a chunk at a time where the database allows (chunks.py); stored ones, and
    # every family on SQLite, one by one.
    chunk = _chunk(ctx, mapped) if chunks.possible(session) else None
    try:
        for done, reference in enumerate(references):
            if progress is not None:
                progress(done, len(references))
            if chunk is not None and reference not in ctx.known:
                chunk.add(reference)
                if chunk.full:
                    outcomes.update(chunk.write())
                continue
            if chunk is not None:
                outcomes.update(chunk.write())  # the families before it first
            outcomes[reference] = _import_family(ctx, mapped, reference)
        if chunk is not None:
            outcomes.update(chunk.write())
    finally:
        if outer is not None:
            outer.rollback()  # a dry run keeps nothing it wrote …
            drop_pending(session)
            pending_of(session).extend(events_before)  # … and no event of it
    _finish(run, mapped, outcomes)
    if not run.dry_run:
        record(session, "create", "import", run.id, details={"counts": run.counts}, user_id=user.id)
    session.flush()
    return run


def _chunk(ctx: writers.Context, mapped: Mapped) -> chunks.Chunk:
    return chunks.Chunk(ctx, mapped, _prepare, _attempt_bulk, _attempt)


def _context(
    session: AnySession, user: User, run: ImportRun, rule: str, today: dt.date, refs: set[str]
) -> writers.Context:
    municipality = session.get_one(Municipality, run.municipality_id)
    users = session.scalars(
        select(User).where(User.active, User.municipality_id.in_([run.municipality_id]))
    ).all()
    agencies = session.scalars(
        select(Agency).where(Agency.municipality_id == run.municipality_id)
    ).all()
    return writers.Context(
        session=session,
        user=user,
        municipality_id=run.municipality_id,
        municipality_number=municipality.number,
        import_id=run.id,
        rule=rule,
        today=today,
        users={u.username.casefold(): u for u in users},
        agencies={agency.name.casefold(): agency.id for agency in agencies},
        known=known_families(session, run.municipality_id, refs),
        held=[municipality, *agencies],
    )


def known_families(session: AnySession, municipality_id: int, refs: set[str]) -> dict[str, int]:
    """The file's references already stored in the municipality: one query per thousand
    references for the whole file, not one per family."""
    ordered, known = sorted(refs), dict[str | None, int]()
    for start in range(0, len(ordered), 1000):
        known.update(
            session.execute(
                select(Family.external_reference, Family.id).where(
                    Family.municipality_id == municipality_id,
                    Family.external_reference.in_(ordered[start : start + 1000]),
                )
            ).all()
        )
    return {ref: family_id for ref, family_id in known.items() if ref is not None}


def _import_family(ctx: writers.Context, mapped: Mapped, reference: str) -> str:
    prepared = _prepare(ctx, mapped, reference, mapped.problems)
    if prepared is None:
        return "refused"
    return _attempt(ctx, mapped.problems, *prepared, ctx.known.get(reference))


def _prepare(
    ctx: writers.Context, mapped: Mapped, reference: str, problems: list[Problem]
) -> tuple[dict[str, list[Row]], Row] | None:
    """The family's rows and its first row, or None when it is refused before writing."""
    if reference in mapped.refused:
        return None
    sheets, wrong = mapped.rows(reference)
    if wrong:
        return None
    family_rows = sheets.get("families", [])
    first = next((rows[0] for rows in sheets.values() if rows), None)
    if first is None:
        return None
    problem = _family_rows_problem(family_rows, ctx.known.get(reference), first)
    if problem is not None:
        problems.append(problem)
        return None
    return sheets, first


def _attempt(
    ctx: writers.Context,
    problems: list[Problem],
    sheets: dict[str, list[Row]],
    first: Row,
    family_id: int | None,
) -> str:
    """Write the family in a savepoint of its own."""
    retry = family_id is None  # a reference number taken meanwhile: once more, numbered afresh
    while True:
        events_before, numbers = len(pending_of(ctx.session)), dict(ctx.numbers)
        savepoint = ctx.session.begin_nested()
        try:
            outcome = _write(ctx, sheets, family_id)
            savepoint.commit()
            _tag_events(ctx, events_before)
            spill_pending(ctx.session)  # settled: out of memory until the commit
            return outcome
        except writers.RowFailure as failure:
            savepoint.rollback()
            problems.append(_failure_problem(failure))
        except (DomainError, FieldErrors) as error:
            # A rule met outside a row's own call (the year's budget, for instance): the
            # family's first row carries it.
            savepoint.rollback()
            problems.append(_problem(first, "reference", "rule", error))
        except IntegrityError:
            savepoint.rollback()
            del pending_of(ctx.session)[events_before:]
            if retry and ctx.numbers:
                retry = False
                ctx.numbers.clear()
                continue
            conflict = DomainError(Text("Conflicts with stored data."))
            problems.append(_problem(first, "reference", "rule", conflict))
        del pending_of(ctx.session)[events_before:]
        ctx.numbers = numbers  # a refused family's number goes to the next one, as by hand
        return "refused"


def _attempt_bulk(
    ctx: writers.Context,
    bulk: Bulk,
    problems: list[Problem],
    sheets: dict[str, list[Row]],
    first: Row,
) -> str:
    """Check a new family and collect its rows for its chunk's COPY (chunks.py): nothing is
    written, so a refusal drops what it collected instead of rolling a savepoint back."""
    events_before, numbers, mark = len(pending_of(ctx.session)), dict(ctx.numbers), bulk.mark()
    try:
        with collecting(ctx.session, bulk):
            outcome = _write(ctx, sheets, None)
        _tag_events(ctx, events_before)
        return outcome
    except writers.RowFailure as failure:
        problems.append(_failure_problem(failure))
    except (DomainError, FieldErrors) as error:
        problems.append(_problem(first, "reference", "rule", error))
    bulk.undo(mark)
    del pending_of(ctx.session)[events_before:]
    ctx.numbers = numbers
    return "refused"


def _tag_events(ctx: writers.Context, before: int) -> None:
    """The events the services recorded for the family carry the import's id, and the
    importing user where no request names one (a background run)."""
    for event in pending_of(ctx.session)[before:]:
        event.details = {**event.details, "import_id": ctx.import_id}
        if event.user_id is None:
            event.user_id = ctx.user.id


def _family_rows_problem(rows: list[Row], family_id: int | None, first: Row) -> Problem | None:
    if len(rows) > 1:
        return _problem(rows[1], "reference", "duplicate_family")
    if not rows and family_id is None:
        return _problem(first, "reference", "unknown_family")
    return None


def _write(ctx: writers.Context, sheets: dict[str, list[Row]], family_id: int | None) -> str:
    family_rows = sheets.get("families", [])
    ctx.fresh_budgets, ctx.new_family = [], family_id is None
    stored = ctx.session.get_one(Family, family_id) if family_id is not None else None
    if family_rows:
        family, changed = writers.write_family(ctx, family_rows[0], stored)
    else:
        assert stored is not None
        family, changed = stored, False
    for key in SHEET_ORDER:
        if sheets.get(key):
            changed = WRITERS[key](ctx, family, sheets[key]) or changed
    if family_id is None:
        return "created"
    return "updated" if changed else "unchanged"


def _failure_problem(failure: writers.RowFailure) -> Problem:
    return _problem(failure.row, failure.column, failure.code, failure.error)


def _problem(row: Row, key: str, code: str, error: Exception | None = None) -> Problem:
    texts = _texts(error) if error is not None else None
    column = row.header(key) if key in {c.key for c in row.sheet.columns} else key
    return Problem(
        row.sheet_name,
        row.number,
        column,
        row.raw.get(key, ""),
        "error",
        code,
        row.reference,
        texts=texts,
    )


def _texts(error: Exception) -> dict[str, str]:
    """A service's refusal in both languages: its headline and its field messages."""
    parts: list[object] = []
    if isinstance(error, DomainError):
        parts = [error.message, *(m for ms in error.errors.values() for m in ms)]
    elif isinstance(error, FieldErrors):
        parts = [m for ms in error.errors.values() for m in ms]
    texts = {}
    for language in ("en", "nb"):
        with force_locale(language):
            texts[language] = " ".join(dict.fromkeys(localise(p) for p in parts)) or str(error)
    return texts


def _finish(run: ImportRun, mapped: Mapped, outcomes: dict[str, str]) -> None:
    run.families = outcomes
    run.counts = {
        kind: sum(1 for o in outcomes.values() if o == kind)
        for kind in ("created", "updated", "unchanged", "refused")
    }
    run.report = [p.as_dict() for p in mapped.report()]
    run.rejected = rejected_rows(mapped, {r for r, o in outcomes.items() if o == "refused"})
    run.status = "done"
    run.finished_at = utcnow()


def same_file_before(session: AnySession, run: ImportRun) -> ImportRun | None:
    """An earlier real import of the very same file in the municipality, if any."""
    return session.scalars(
        select(ImportRun)
        .where(
            ImportRun.municipality_id == run.municipality_id,
            ImportRun.sha256 == run.sha256,
            ImportRun.id != run.id,
            ImportRun.dry_run.is_(False),
        )
        .order_by(ImportRun.id.desc())
    ).first()


def get_run(session: AnySession, run_id: int, municipality_ids: Any) -> ImportRun:
    run = session.get(ImportRun, run_id)
    if run is None or not municipality_ids(run.municipality_id):
        raise NotFound()
    return run


def report_in(run: ImportRun, language: str) -> list[dict[str, Any]]:
    """The report's problems with the message in one language."""
    lang = "en" if language.startswith("en") else "nb"
    return [{**p, "message": p["message"][lang]} for p in run.report]


def summary(run: ImportRun, language: str) -> dict[str, Any]:
    """The report counted: errors and warnings, per sheet and column, and per kind of problem
    (its message in one language), most first."""
    lang = "en" if language.startswith("en") else "nb"
    columns: dict[tuple[str, str, str], int] = {}
    kinds: dict[tuple[str, str], int] = {}
    for p in run.report:
        key = (p["sheet"], p["column"], p["severity"])
        columns[key] = columns.get(key, 0) + 1
        code = p.get("code", "rule")
        kinds[(code, p["severity"])] = kinds.get((code, p["severity"]), 0) + 1
    messages = {p.get("code", "rule"): p["message"][lang] for p in run.report}
    return {
        "errors": sum(1 for p in run.report if p["severity"] == "error"),
        "warnings": sum(1 for p in run.report if p["severity"] == "warning"),
        "by_column": [
            {"sheet": sheet, "column": column, "severity": severity, "count": count}
            for (sheet, column, severity), count in sorted(columns.items(), key=lambda i: -i[1])
        ],
        "by_kind": [
            {
                "kind": code,
                "severity": severity,
                "count": count,
                # a service's own refusal varies by row: its kind is named, not one of them
                "message": messages[code] if code != "rule" else message("rule_kind", lang),
            }
            for (code, severity), count in sorted(kinds.items(), key=lambda i: -i[1])
        ],
    }
