"""The one way to audit: `record(session, …)` adds an event to the session's pending events, and
they are written (appended to the hash chain) in the same commit as the change they describe.

Services call it where they make a change, inside a request or not: a job or a CLI command
that commits gets its events written by the same hook (`before_commit`), and a rollback drops
them with the change. In a request the transaction owner (velferdslab.transactions) takes the
pending events itself, so that events marked `always` (refused access, failed logins) are
written even when the request fails.

A long job that records hundreds of thousands of events before its one commit (an import of
20 000 families records some half a million) moves them out of memory with `spill_pending`
once they are settled (no savepoint left that could drop them alone): they wait in a temporary
file, in order, ahead of those still pending, and the commit streams them into the chain.
"""

from __future__ import annotations

import pickle
import tempfile
import weakref
from collections.abc import Iterator
from itertools import chain
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from velferdslab.audit.services import PendingEvent, write_events
from velferdslab.db import AnySession

PENDING_KEY = "velferdslab_audit_pending"
SPILLED_KEY = "velferdslab_audit_spilled"


class SpilledEvents:
    """Pending events in a temporary file of this process, in the order spilled."""

    def __init__(self) -> None:
        # Closed by close() or when dropped (the finalizer), not by a block.
        self._file = tempfile.TemporaryFile(prefix="velferdslab-audit-")  # noqa: SIM115
        self._finalizer = weakref.finalize(self, self._file.close)
        self.count = 0

    def add(self, events: list[PendingEvent]) -> None:
        self._file.seek(0, 2)
        pickle.dump(events, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += len(events)

    def __iter__(self) -> Iterator[PendingEvent]:
        self._file.seek(0)
        while True:
            try:
                # The pickles this process wrote itself, to a file only it has open.
                events: list[PendingEvent] = pickle.load(self._file)  # noqa: S301
            except EOFError:
                return
            position = self._file.tell()
            yield from events
            self._file.seek(position)

    def close(self) -> None:
        self._finalizer()


def record(
    session: AnySession,
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    family_id: int | None = None,
    details: dict[str, Any] | None = None,
    always: bool = False,
    user_id: int | None = None,
) -> None:
    """Add an event; it is written with the session's next commit. The user defaults to the
    request's user and the address is the request's, when there is a request."""
    if user_id is None and has_request_context():
        user = g.get("user")
        user_id = user.id if user is not None else None
    pending_of(session).append(
        PendingEvent(
            action=action,
            entity=entity,
            entity_id=entity_id,
            family_id=family_id,
            user_id=user_id,
            ip=request.remote_addr if has_request_context() else None,
            details=details or {},
            always=always,
        )
    )


def pending_of(session: AnySession) -> list[PendingEvent]:
    """The events recorded since the last `spill_pending` (all of them when none was made)."""
    events: list[PendingEvent] = session.info.setdefault(PENDING_KEY, [])
    return events


def take_pending(session: AnySession) -> list[PendingEvent]:
    """The session's pending events, spilled ones first, removed from it (the transaction
    owner writes them)."""
    spilled: SpilledEvents | None = session.info.pop(SPILLED_KEY, None)
    events: list[PendingEvent] = session.info.pop(PENDING_KEY, [])
    if spilled is None:
        return events
    try:
        return [*spilled, *events]
    finally:
        spilled.close()


def spill_pending(session: AnySession) -> int:
    """Move the pending events to a temporary file until the commit (or the rollback) ends
    them; `pending_of` starts empty again. For a caller that knows its events are settled:
    no savepoint open that it would roll back with its events deleted by hand. Returns how
    many events wait spilled."""
    events: list[PendingEvent] = session.info.get(PENDING_KEY, [])
    spilled: SpilledEvents | None = session.info.get(SPILLED_KEY)
    if events:
        if spilled is None:
            spilled = session.info[SPILLED_KEY] = SpilledEvents()
        spilled.add(events)
        session.info[PENDING_KEY] = []
    return 0 if spilled is None else spilled.count


def drop_pending(session: AnySession) -> None:
    """Forget every pending event, spilled or not (a dry run's, rolled back)."""
    spilled: SpilledEvents | None = session.info.pop(SPILLED_KEY, None)
    session.info.pop(PENDING_KEY, None)
    if spilled is not None:
        spilled.close()


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    # SQLAlchemy calls this for a savepoint's release too: the events wait for the
    # transaction's own commit (a refusal marked `always` must not be written into a
    # transaction the request then rolls back).
    if session.in_nested_transaction():
        return
    spilled: SpilledEvents | None = session.info.pop(SPILLED_KEY, None)
    events: list[PendingEvent] = session.info.pop(PENDING_KEY, [])
    if spilled is None:
        if events:
            write_events(session, events)
        return
    try:  # streamed from the file, a batch at a time, then those still in memory
        write_events(session, chain(spilled, events))
    finally:
        spilled.close()


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous: SessionTransaction) -> None:
    # A savepoint rolled back (a retried reference number, say) is not the transaction's end:
    # the events recorded before it stay.
    if previous.parent is None:
        drop_pending(session)
