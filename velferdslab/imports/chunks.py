"""New families written a chunk at a time (PostgreSQL): each family is checked and its rows made
by the same writers and services as one by one, but the services hand the rows to a Bulk
(velferdslab.bulk) instead of writing them, and the chunk's rows are written with one COPY a
table. A family the rules refuse is dropped from the collected rows (all or nothing per family,
as its savepoint did). If the chunk's write meets a database error (a reference number taken
meanwhile by another enrolment, say), it is undone and its families are written again one by
one through their savepoints, so the outcome and the report are those of one by one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from velferdslab.archive.hooks import archiving_on
from velferdslab.audit.log import pending_of, spill_pending
from velferdslab.bulk import Bulk, WriteFailed
from velferdslab.db import AnySession
from velferdslab.imports import writers
from velferdslab.imports.mapping import Mapped, Problem, Row

SIZE = 250  # families a chunk

Sheets = dict[str, list[Row]]


def possible(session: AnySession) -> bool:
    """On PostgreSQL (COPY, ids from the sequences), and with archiving off: archiving reads a
    family's plan and team back as they are written."""
    return session.get_bind().dialect.name == "postgresql" and not archiving_on()


@dataclass
class Entry:
    reference: str
    prepared: tuple[Sheets, Row] | None  # None: refused before writing (problems say why)
    outcome: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Chunk:
    ctx: writers.Context
    mapped: Mapped
    # services.py's steps, passed in (no import circle): the checks before writing, the
    # write within a Bulk, and the write through a savepoint.
    prepare: Callable[[writers.Context, Mapped, str, list[Problem]], tuple[Sheets, Row] | None]
    attempt_bulk: Callable[[writers.Context, Bulk, list[Problem], Sheets, Row], str]
    attempt: Callable[[writers.Context, list[Problem], Sheets, Row, int | None], str]
    entries: list[Entry] = field(default_factory=list)
    bulk: Bulk = field(init=False)
    events_at: int = 0
    numbers_at: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.bulk = Bulk(self.ctx.session)

    @property
    def full(self) -> bool:
        return len(self.entries) >= SIZE

    def add(self, reference: str) -> None:
        """Check a new family and collect its rows (or refuse it)."""
        if not self.entries:
            self.events_at, self.numbers_at = (
                len(pending_of(self.ctx.session)),
                dict(self.ctx.numbers),
            )
        problems: list[Problem] = []
        prepared = self.prepare(self.ctx, self.mapped, reference, problems)
        outcome = "refused"
        if prepared is not None:
            outcome = self.attempt_bulk(self.ctx, self.bulk, problems, *prepared)
        self.entries.append(Entry(reference, prepared, outcome, problems))

    def write(self) -> dict[str, str]:
        """Write the chunk's rows; the families' outcomes, in order."""
        if not self.entries:
            return {}
        session, outcomes = self.ctx.session, {}
        entries, self.entries = self.entries, []
        try:
            with session.begin_nested():
                self.bulk.write()
        except WriteFailed:
            self.bulk.clear()
            del pending_of(session)[self.events_at :]
            self.ctx.numbers = self.numbers_at
            for entry in entries:  # one by one, as without chunks
                if entry.prepared is None:
                    self.mapped.problems.extend(entry.problems)
                    outcomes[entry.reference] = "refused"
                else:
                    outcomes[entry.reference] = self.attempt(
                        self.ctx, self.mapped.problems, *entry.prepared, None
                    )
            return outcomes
        for entry in entries:
            self.mapped.problems.extend(entry.problems)
            outcomes[entry.reference] = entry.outcome
        # The chunk's events are settled: out of memory until the commit. Never while a chunk
        # is collected (a refusal deletes its events by their place in the pending list).
        spill_pending(session)
        return outcomes
