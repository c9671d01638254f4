"""The one audit mechanism: an event recorded outside a request (a job, a CLI command) is
written with the session's commit and dropped with its rollback — never silently lost."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from velferdslab.audit.log import record
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
