"""Recording audit events in a hash chain, and verifying the chain.

Events are collected during a request and written when it ends, in the same transaction as
the change they describe (a request that only read appends them in a transaction of their
own, velferdslab.transactions). Writing takes a lock (an advisory lock on PostgreSQL; SQLite's
write lock is taken at BEGIN IMMEDIATE) so that each event's hash covers the one before it
without forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, insert, select

from velferdslab.audit.models import AuditEvent
from velferdslab.db import AnySession, utcnow

AUDIT_TABLE = cast(Table, AuditEvent.__table__)
GENESIS = "0" * 64
# Any constant: the key of the advisory lock that orders writers of the chain (written out in
# _PG_LOCK_AND_READ below too).
CHAIN_LOCK_KEY = 7_214_001


@dataclass
class PendingEvent:
    action: str
    entity: str
    entity_id: int | None = None
    family_id: int | None = None
    user_id: int | None = None
    ip: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    # Written even when the request fails (failed logins, refused access).
    always: bool = False
    at: dt.datetime = field(default_factory=utcnow)


def canonical_time(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def event_hash(prev_hash: str, event: AuditEvent | PendingEvent) -> str:
    payload = json.dumps(
        [
            prev_hash,
            canonical_time(event.at),
            event.user_id,
            event.action,
            event.entity,
            event.entity_id,
            event.family_id,
            event.ip,
            event.details or {},
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# On PostgreSQL the lock and the read travel in one round trip as two statements of one simple
# query. They must stay two statements: in READ COMMITTED each statement takes its snapshot when
# it starts, so the read sees the event its predecessor committed while this writer waited for
# the lock. One statement (the read as a subquery of the lock) would read with a snapshot from
# before the wait and could fork the chain.
_PG_LOCK_AND_READ = (
    "SELECT pg_advisory_xact_lock(7214001); "  # CHAIN_LOCK_KEY
    "SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1"
)


def _lock_chain_and_read_last(session: AnySession) -> str | None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # psycopg sends a query without parameters as a simple query, where several statements
        # are allowed; each gives its own result set.
        cursor = connection.connection.cursor()
        try:
            cursor.execute(_PG_LOCK_AND_READ)
            cursor.nextset()
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else str(row[0])
    # SQLite: the write lock was taken at BEGIN IMMEDIATE (velferdslab.database). A read-only
    # (deferred) transaction does not hold it: the last event read could be stale.
    if connection.info.get("read_only_transaction"):
        raise RuntimeError("audit events are appended in a write transaction (BEGIN IMMEDIATE)")
    return session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))


def write_events(session: AnySession, events: list[PendingEvent]) -> None:
    if not events:
        return
    session.flush()  # the request's own changes first: the events describe them
    prev = _lock_chain_and_read_last(session) or GENESIS
    rows = []
    for pending in events:
        digest = event_hash(prev, pending)
        rows.append(
            {
                "at": pending.at,
                "user_id": pending.user_id,
                "action": pending.action,
                "entity": pending.entity,
                "entity_id": pending.entity_id,
                "family_id": pending.family_id,
                "ip": pending.ip,
                "details": pending.details,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    # A Core INSERT: nothing reads the events back in this request, so no ORM objects, no
    # identity map and no RETURNING of their ids.
    session.execute(insert(AUDIT_TABLE), rows)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def _events_in_order(session: AnySession, batch: int = 5000) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def verify_chain(session: AnySession) -> ChainReport:
    prev = GENESIS
    checked = 0
    for event in _events_in_order(session):
        if event.prev_hash != prev:
            return ChainReport(checked, event.id, "its link to the event before it is broken")
        if event_hash(prev, event) != event.hash:
            return ChainReport(checked, event.id, "its content does not match its hash")
        prev = event.hash
        checked += 1
    return ChainReport(checked, None, None)


_CHAIN_COLUMNS = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.user_id,
    AuditEvent.action,
    AuditEvent.entity,
    AuditEvent.entity_id,
    AuditEvent.family_id,
    AuditEvent.ip,
    AuditEvent.details,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


def chain_status(session: AnySession, batch: int = 10_000) -> ChainReport:
    """verify_chain over plain rows: it leaves the session's objects alone, so a report job or
    a page can check the chain in the middle of its own work."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(*_CHAIN_COLUMNS)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch)
        ).all()
        if not rows:
            return ChainReport(checked, None, None)
        for row in rows:
            if row.prev_hash != prev:
                return ChainReport(checked, row.id, "its link to the event before it is broken")
            if event_hash(prev, cast(AuditEvent, row)) != row.hash:
                return ChainReport(checked, row.id, "its content does not match its hash")
            prev = row.hash
            checked += 1
        last_id = rows[-1].id


@dataclass(frozen=True)
class CheckedChain:
    report: ChainReport
    checked_at: dt.datetime
    seconds: float


_last_check: dict[str, CheckedChain] = {}
QUICK_CHECK = 0.25  # seconds: a chain verified this fast is verified on every view


def recent_chain_status(session: AnySession, max_age: dt.timedelta) -> CheckedChain:
    """chain_status for a page: verified on every view while that is quick; on a long log, the
    last check in this worker is shown until it is older than max_age."""
    key = str(session.get_bind().engine.url)
    last = _last_check.get(key)
    now = utcnow()
    if last is None or last.seconds < QUICK_CHECK or now - last.checked_at > max_age:
        started = time.perf_counter()
        report = chain_status(session)
        last = CheckedChain(report, now, time.perf_counter() - started)
        _last_check[key] = last
    return last
