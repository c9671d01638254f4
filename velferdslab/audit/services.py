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
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any, cast

from sqlalchemy import ColumnElement, String, Table, Text, func, insert, select, type_coerce
from sqlalchemy import cast as sql_cast

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


# The canonical JSON of an event's hash, made once: `json.dumps` with these options builds an
# encoder for every call. Same bytes.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_hash(prev_hash: str, event: AuditEvent | PendingEvent) -> str:
    """SHA-256 over the canonical JSON of [prev_hash, time, user, action, entity, entity id,
    family, ip, details]."""
    return _chain_hash(
        prev_hash, canonical_time(event.at), event.user_id, event.action, event.entity,
        event.entity_id, event.family_id, event.ip, _CANONICAL.encode(event.details or {}),
    )  # fmt: skip


def _chain_hash(
    prev_hash: str,
    time: str,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    family_id: int | None,
    ip: str | None,
    details: str,
) -> str:
    """`event_hash` with the time and the details already canonical. The list is written out here
    rather than by the encoder (whose every call builds a C encoder: a third of `audit verify`,
    issue 30), each item exactly as the encoder writes it: a string by the json module's own
    escaping, an int as its digits, None as null, anything else by the encoder itself."""
    return hashlib.sha256(
        f"[{_json(prev_hash)},{_json(time)},{_json(user_id)},{_json(action)},{_json(entity)},"
        f"{_json(entity_id)},{_json(family_id)},{_json(ip)},{details}]".encode()
    ).hexdigest()


def _json(value: object) -> str:
    kind = type(value)
    if kind is str:
        return _string(value)  # type: ignore[arg-type]
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)  # type: ignore[arg-type]
    return _CANONICAL.encode(value)


_string = json.encoder.encode_basestring  # as the encoder escapes a str with ensure_ascii=False


def _number(value: object) -> str:
    """An id as the encoder writes it: `null`, its digits, anything else by the encoder."""
    if value is None:
        return "null"
    return int.__repr__(value) if type(value) is int else _json(value)  # type: ignore[arg-type]


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


WRITE_BATCH = 5000


def write_events(session: AnySession, events: Iterable[PendingEvent]) -> None:
    """Append the events to the chain, in order. They may be a stream (an import's events
    read back from where they were spilled): taken a few thousand at a time, as written."""
    batches = _batches(events)
    first = next(batches, None)
    if first is None:
        return
    session.flush()  # the request's own changes first: the events describe them
    prev = _lock_chain_and_read_last(session) or GENESIS
    # A few thousand at a time: an import's commit writes hundreds of thousands, and their rows
    # (and the driver's parameters for them) all built at once were a GB of memory.
    for batch in chain((first,), batches):
        rows = []
        for pending in batch:
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


def _batches(events: Iterable[PendingEvent]) -> Iterator[list[PendingEvent]]:
    iterator = iter(events)
    while batch := list(islice(iterator, WRITE_BATCH)):
        yield batch


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


def _chain_rows(session: AnySession, batch: int = 20_000) -> Iterator[Sequence[Any]]:
    """The events as plain tuples in id order, a batch at a time by keyset: no ORM objects, the
    details as the text stored (parsed only once per distinct text, by `walk_chain`), and the
    time as text, UTC to the microsecond, for `stored_time` (not parsed into a datetime to be
    written back as text)."""
    columns = AUDIT_TABLE.c
    at: ColumnElement[Any] = type_coerce(columns.at, String)  # SQLite: the text stored, UTC
    if session.connection().dialect.name == "postgresql":
        at = func.to_char(func.timezone("UTC", columns.at), "YYYY-MM-DD HH24:MI:SS.US")
    query = select(
        columns.id, at, columns.user_id, columns.action,
        columns.entity, columns.entity_id, columns.family_id, columns.ip,
        sql_cast(columns.details, Text), columns.prev_hash, columns.hash,
    ).order_by(columns.id).limit(batch)  # fmt: skip
    last_id = 0
    while True:
        rows = session.execute(query.where(columns.id > last_id)).all()
        if not rows:
            return
        yield rows
        last_id = rows[-1][0]


def stored_time(value: str | dt.datetime) -> str:
    """`canonical_time` of an event's time as `_chain_rows` reads it: `2026-12-06 08:24:00.123456`
    in UTC (SQLite's stored text, PostgreSQL's `to_char`) is the canonical time but for the `T`.
    Any other text is parsed, so a time altered into another form still hashes as the instant
    it names; a datetime is made canonical as the writer made it."""
    if type(value) is str:
        if len(value) == 26 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}"
        return canonical_time(dt.datetime.fromisoformat(value))
    return canonical_time(value)  # type: ignore[arg-type]


# Distinct stored details texts whose canonical form a walk keeps: the log repeats a few
# shapes ({"page": "family"}) thousands of times; a log of unique details just parses each.
_DETAILS_KEPT = 4096


def walk_chain(
    session: AnySession, positions: Set[int] = frozenset()
) -> tuple[ChainReport, int, dict[int, tuple[int, str]]]:
    """One pass over the log, as strict as `verify_chain` (each link, each event's hash
    recomputed from its stored content): the chain's report, the number of events, and
    (event id, hash) at each of `positions` (1-based: the first n events end there)."""
    found: dict[int, tuple[int, str]] = {}
    canonical: dict[str | None, str] = {}
    # The JSON of the few texts a log repeats (action and entity; the client's address), kept.
    words: dict[tuple[str, str], str] = {}
    addresses: dict[str | None, str] = {}
    prev, position = GENESIS, 0
    broken: ChainReport | None = None
    for rows in _chain_rows(session):
        for event_id, at, user_id, action, entity, entity_id, family_id, ip, raw, link, own in rows:
            if broken is None:
                if link != prev:
                    broken = ChainReport(
                        position, event_id, "its link to the event before it is broken"
                    )
                else:
                    details = canonical.get(raw)
                    if details is None:
                        parsed = None if raw is None else json.loads(raw)
                        details = _CANONICAL.encode(parsed or {})
                        if len(canonical) < _DETAILS_KEPT:
                            canonical[raw] = details
                    # `_chain_hash` written out (this loop runs once per event): `prev` is
                    # the genesis or a hash just recomputed, so hex digits with nothing to escape.
                    what = words.get((action, entity))
                    if what is None:
                        what = f"{_json(action)},{_json(entity)}"
                        if len(words) < _DETAILS_KEPT:
                            words[(action, entity)] = what
                    where = addresses.get(ip)
                    if where is None:
                        where = _json(ip)
                        if len(addresses) < _DETAILS_KEPT:
                            addresses[ip] = where
                    payload = (
                        f'["{prev}",{_string(stored_time(at))},'
                        f"{_number(user_id)},{what},{_number(entity_id)},{_number(family_id)},"
                        f"{where},{details}]"
                    )
                    digest = hashlib.sha256(payload.encode()).hexdigest()
                    if digest != own:
                        broken = ChainReport(
                            position, event_id, "its content does not match its hash"
                        )
            position += 1
            if position in positions:
                found[position] = (event_id, own)
            prev = own
    return broken or ChainReport(position, None, None), position, found


def chain_status(session: AnySession) -> ChainReport:
    """verify_chain over plain rows: it leaves the session's objects alone, so a report job or
    a page can check the chain in the middle of its own work."""
    return walk_chain(session)[0]


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
