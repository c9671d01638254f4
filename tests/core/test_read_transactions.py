"""SQLite: a request that only reads does not hold the write lock (issue 18).

Page views (GET) read in a deferred transaction, which shares the database with the one writer
(WAL); their audit events are appended afterwards in a short transaction that takes the lock.
Every request that may write still takes the lock when it begins, so what it reads cannot
change before it writes (tests/budgets: the budget is never overspent).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session

from tests.factories import auth, make_family, make_lab
from velferdslab.assessments.models import Assessment
from velferdslab.assumptions.models import AssumptionSet, CostItem
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import PendingEvent, verify_chain, write_events
from velferdslab.database import WriteInReadTransaction, write_transaction
from velferdslab.extensions import db as flask_db

# How long a test waits for what must happen at once before it calls it blocked: the busy
# timeout a blocked request would wait is 30 s.
HANG = 10.0


@pytest.fixture
def sqlite_app(committing_app: Flask, database_url: str) -> Flask:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock; PostgreSQL readers never wait for writers")
    return committing_app


def seed(app: Flask, readers: int = 1) -> tuple[int, list[dict[str, str]], dict[str, str]]:
    """A family; `readers` sets of headers of its lead (reads) and one of its member (writes)."""
    with app.app_context():
        session = Session(flask_db.engine, expire_on_commit=False)
        lab = make_lab(session)
        family = make_family(session, lab)
        lead = [auth(session, lab.lead) for _ in range(readers)]
        member = auth(session, lab.member)
        session.commit()
        session.close()
        return family.id, lead, member


@pytest.fixture
def statements(sqlite_app: Flask) -> Iterator[list[tuple[str, str]]]:
    """(thread name, SQL) of every statement the app's engine runs during the test."""
    seen: list[tuple[str, str]] = []
    with sqlite_app.app_context():
        engine = flask_db.engine

    def record(*args: Any) -> None:
        seen.append((threading.current_thread().name, args[2]))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_a_page_view_reads_while_another_request_holds_the_write_lock(
    sqlite_app: Flask, statements: list[tuple[str, str]]
) -> None:
    """The lead opens the family while a long write holds SQLite's write lock: the request
    reads the family meanwhile (before, it waited for the lock at BEGIN IMMEDIATE, then held it
    for its whole duration), and answers once the writer commits, its read logged after the
    writer's event in one unbroken chain."""
    family_id, (lead,), _member = seed(sqlite_app)
    with sqlite_app.app_context():
        engine = flask_db.engine
    answers: list[int] = []

    def reader() -> None:
        response = sqlite_app.test_client().get(f"/api/v1/families/{family_id}", headers=lead)
        answers.append(response.status_code)

    def has_read_the_family() -> bool:
        return any(
            name == "reader" and "FROM family" in sql and "family.id = ?" in sql
            for name, sql in list(statements)
        )

    with Session(engine) as writer:
        write_events(writer, [PendingEvent(action="update", entity="family", entity_id=1)])
        thread = threading.Thread(target=reader, name="reader")
        thread.start()
        read = threading.Event()
        for _ in range(int(HANG / 0.01)):
            if has_read_the_family():
                read.set()
                break
            read.wait(0.01)
        # Still holding the lock: the reader must have read without it.
        assert read.is_set(), "the page view waited for the writer before reading"
        assert thread.is_alive()  # its audit event waits for the lock
        writer.commit()
    thread.join(HANG)
    assert answers == [200]
    with Session(engine) as check:
        report = verify_chain(check)
        actions = check.execute(
            select(AuditEvent.action, AuditEvent.entity).order_by(AuditEvent.id)
        ).all()
    assert report.intact
    assert actions[-2:] == [("update", "family"), ("read", "family")]


def test_page_views_and_writes_at_once_all_answer_and_keep_one_chain(
    committing_app: Flask,
) -> None:
    """Twelve page views and six assessments posted at the same moment: every request answers
    (no 'database is busy'), every view and every write is logged, the chain has no fork."""
    app = committing_app  # on PostgreSQL too (its advisory lock orders the chain)
    family_id, leads, member = seed(app, readers=12)
    with app.app_context():
        engine = flask_db.engine
        with Session(engine) as count:
            events_before = count.scalar(select(func.count(AuditEvent.id))) or 0
    barrier = threading.Barrier(18)
    answers: list[tuple[str, int]] = []

    def view(headers: dict[str, str]) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.get(f"/api/v1/families/{family_id}", headers=headers)
        answers.append(("view", response.status_code))

    def write(day: int) -> None:
        client = app.test_client()
        body = {"assessed_on": dt.date(2025, 1, day).isoformat(), "levels": {"housing": "stable"}}
        barrier.wait()
        response = client.post(
            f"/api/v1/families/{family_id}/assessments", json=body, headers=member
        )
        answers.append(("write", response.status_code))

    threads = [threading.Thread(target=view, args=(headers,)) for headers in leads]
    threads += [threading.Thread(target=write, args=(day,)) for day in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * HANG)
    assert sorted(answers) == [("view", 200)] * 12 + [("write", 201)] * 6
    with Session(engine) as check:
        report = verify_chain(check)
        prev_hashes = check.scalars(select(AuditEvent.prev_hash)).all()
        events = check.scalar(select(func.count(AuditEvent.id)))
        stored = check.scalar(select(func.count(Assessment.id)))
    assert report.intact
    assert len(set(prev_hashes)) == len(prev_hashes)  # no two events claim one predecessor
    assert stored == 6
    assert events is not None and events >= events_before + 18


def test_the_first_readers_of_the_default_set_store_it_once_while_others_write(
    committing_app: Flask,
) -> None:
    """The shipped default assumption set is stored by the first request that asks for it,
    often a page view. That write is made in a transaction of its own (SQLite): eight lead views
    of the family's gains and four assessments posted at once all answer, and the set is stored
    once."""
    app = committing_app  # on PostgreSQL too (the unique version decides)
    family_id, leads, member = seed(app, readers=8)
    with app.app_context(), Session(flask_db.engine) as session:
        engine = flask_db.engine
        session.execute(delete(CostItem))
        session.execute(delete(AssumptionSet))
        session.commit()
    barrier = threading.Barrier(12)
    answers: list[tuple[str, int]] = []

    def view(headers: dict[str, str]) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.get(f"/api/v1/families/{family_id}/gains", headers=headers)
        answers.append(("view", response.status_code))

    def write(day: int) -> None:
        client = app.test_client()
        body = {"assessed_on": dt.date(2025, 2, day).isoformat(), "levels": {"finance": "stable"}}
        barrier.wait()
        response = client.post(
            f"/api/v1/families/{family_id}/assessments", json=body, headers=member
        )
        answers.append(("write", response.status_code))

    threads = [threading.Thread(target=view, args=(headers,)) for headers in leads]
    threads += [threading.Thread(target=write, args=(day,)) for day in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * HANG)
    assert sorted(answers) == [("view", 200)] * 8 + [("write", 201)] * 4
    with Session(engine) as check:
        assert check.scalar(select(func.count(AssumptionSet.id))) == 1
        assert verify_chain(check).intact


def test_a_write_in_a_read_only_request_is_refused_in_tests(sqlite_app: Flask) -> None:
    """A GET that writes outside write_transaction would risk SQLITE_BUSY_SNAPSHOT under load:
    the test suite refuses it, so every such path is found; inside write_transaction the same
    write takes the lock first and is kept."""
    with sqlite_app.app_context():
        engine = flask_db.engine
    row = {
        "at": dt.datetime.now(dt.UTC),
        "action": "read",
        "entity": "family",
        "details": {},
        "prev_hash": "0" * 64,
        "hash": "f" * 64,
    }
    with sqlite_app.test_request_context("/families/1", method="GET"), Session(engine) as session:
        session.execute(select(AuditEvent.id).limit(1)).all()  # a deferred read transaction
        with pytest.raises(WriteInReadTransaction):
            session.execute(insert(AuditEvent.__table__), [row])
        session.rollback()
        with write_transaction():
            session.execute(insert(AuditEvent.__table__), [row])
            session.commit()
    with Session(engine) as check:
        assert check.scalar(select(func.count()).where(AuditEvent.hash == "f" * 64)) == 1
