"""The one audit mechanism: an event recorded outside a request (a job, a CLI command) is
written with the session's commit and dropped with its rollback — never silently lost."""

from __future__ import annotations

from itertools import pairwise

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from velferdslab.audit.log import pending_of, record, spill_pending, take_pending
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import verify_chain


def _events(db: scoped_session, action: str) -> list[AuditEvent]:  # type: ignore[type-arg]
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_event_recorded_outside_a_request_is_written_at_commit(
    app: Flask,
    db: scoped_session,  # type: ignore[type-arg]
) -> None:
    with app.app_context():
        before = db.scalar(select(func.count()).select_from(AuditEvent))
        record(db, "job-test-change", "family", 7, family_id=7, details={"n": 1}, user_id=None)
        assert _events(db, "job-test-change") == []  # pending until the commit
        db.commit()
        [event] = _events(db, "job-test-change")
        assert (event.entity, event.entity_id, event.family_id, event.details) == (
            "family",
            7,
            7,
            {"n": 1},
        )
        assert event.ip is None and event.user_id is None
        assert db.scalar(select(func.count()).select_from(AuditEvent)) == before + 1
        assert verify_chain(db).intact


def test_an_event_of_a_change_rolled_back_is_dropped_with_it(
    app: Flask,
    db: scoped_session,  # type: ignore[type-arg]
) -> None:
    with app.app_context():
        db.scalar(select(func.count()).select_from(AuditEvent))  # the job's transaction began
        record(db, "job-test-undone", "family", 8)
        db.rollback()
        db.commit()
        assert _events(db, "job-test-undone") == []


def test_events_spilled_to_disk_are_written_at_commit_in_the_order_recorded(
    app: Flask,
    db: scoped_session,  # type: ignore[type-arg]
) -> None:
    """A long job (an import) moves its settled events out of memory; the commit writes them
    first, then those still pending, as one chain."""
    with app.app_context():
        for n in range(3):
            record(db, "job-test-spilled", "family", n, user_id=None)
        assert spill_pending(db) == 3 and pending_of(db) == []
        record(db, "job-test-spilled", "family", 3, user_id=None)
        spill_pending(db)
        record(db, "job-test-spilled", "family", 4, user_id=None)  # still in memory
        assert _events(db, "job-test-spilled") == []  # pending until the commit
        db.commit()
        events = sorted(_events(db, "job-test-spilled"), key=lambda e: e.id)
        assert [e.entity_id for e in events] == [0, 1, 2, 3, 4]
        assert all(b.prev_hash == a.hash for a, b in pairwise(events))
        assert verify_chain(db).intact


def test_events_spilled_are_dropped_with_a_rollback_and_taken_with_the_rest(
    app: Flask,
    db: scoped_session,  # type: ignore[type-arg]
) -> None:
    with app.app_context():
        db.scalar(select(func.count()).select_from(AuditEvent))  # the job's transaction began
        record(db, "job-test-spilled-undone", "family", 1)
        spill_pending(db)
        db.rollback()
        db.commit()
        assert _events(db, "job-test-spilled-undone") == []
        # The transaction owner of a request takes every pending event, spilled ones first.
        record(db, "job-test-taken", "family", 1, always=True)
        spill_pending(db)
        record(db, "job-test-taken", "family", 2)
        taken = take_pending(db)
        assert [(e.entity_id, e.always) for e in taken] == [(1, True), (2, False)]
        assert take_pending(db) == [] and spill_pending(db) == 0
