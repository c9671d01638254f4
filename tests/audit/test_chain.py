"""Bar R4: the audit log is append-only and tamper-evident, and reads of families leave events."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import scoped_session

from tests.conftest import is_postgres
from tests.factories import auth, make_family, make_lab
from velferdslab.audit import services
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import PendingEvent, verify_chain, write_events


def tamper(db: scoped_session, statement: str, **params: object) -> None:
    """What an attacker with database access would do: get past the append-only trigger."""
    if is_postgres(str(db.get_bind().engine.url)):
        db.execute(text("SET LOCAL session_replication_role = replica"))
        db.execute(text(statement), params)
        db.execute(text("SET LOCAL session_replication_role = origin"))
    else:
        db.execute(text("DROP TRIGGER audit_event_no_update"))
        db.execute(text("DROP TRIGGER audit_event_no_delete"))
        db.execute(text(statement), params)
    db.expire_all()


def three_events(db: scoped_session) -> list[AuditEvent]:
    write_events(
        db,
        [
            PendingEvent(action=a, entity="family", entity_id=7, family_id=7)
            for a in ("a", "b", "c")
        ],
    )
    return list(db.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_an_untouched_chain_verifies(db: scoped_session) -> None:
    events = three_events(db)
    report = verify_chain(db)
    assert report.intact and report.checked == 3
    assert events[1].prev_hash == events[0].hash


def test_events_written_in_batches_make_one_unbroken_chain(
    db: scoped_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import's commit writes its events a batch at a time: the chain runs on across them."""
    monkeypatch.setattr(services, "WRITE_BATCH", 2)
    events = three_events(db)
    assert [e.action for e in events] == ["a", "b", "c"]
    assert events[2].prev_hash == events[1].hash  # across the batches' seam
    report = verify_chain(db)
    assert report.intact and report.checked == 3


def test_an_edited_event_is_found(db: scoped_session) -> None:
    events = three_events(db)
    tamper(db, "UPDATE audit_event SET action = 'innocent' WHERE id = :id", id=events[1].id)
    report = verify_chain(db)
    assert not report.intact
    assert report.first_broken_id == events[1].id
    assert "content" in (report.reason or "")


def test_a_removed_event_is_found(db: scoped_session) -> None:
    events = three_events(db)
    tamper(db, "DELETE FROM audit_event WHERE id = :id", id=events[1].id)
    report = verify_chain(db)
    assert report.first_broken_id == events[2].id
    assert "link" in (report.reason or "")


def test_the_cli_reports_the_first_broken_link(app: Flask, db: scoped_session) -> None:
    events = three_events(db)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact: 3 events" in result.output
    tamper(db, "UPDATE audit_event SET ip = '10.0.0.1' WHERE id = :id", id=events[0].id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at event {events[0].id}" in result.output


def test_reading_a_family_leaves_an_event_with_who_what_and_where(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    response = client.get(f"/api/v1/families/{family.id}", headers=auth(db, lab.member))
    assert response.status_code == 200
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "read")).one()
    assert (event.user_id, event.entity, event.entity_id, event.family_id, event.ip) == (
        lab.member.id,
        "family",
        family.id,
        family.id,
        "127.0.0.1",
    )
    assert verify_chain(db).intact


def test_the_lead_sees_who_looked_at_the_family(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    client.get(f"/api/v1/families/{family.id}", headers=auth(db, lab.member))
    response = client.get(f"/api/v1/families/{family.id}/access-log", headers=auth(db, lab.lead))
    assert response.status_code == 200
    readers = {(e["user_id"], e["action"]) for e in response.get_json()}
    assert (lab.member.id, "read") in readers
    # ISO 8601 with the offset, also when SQLite hands the time back without one
    assert all(e["at"].endswith("+00:00") for e in response.get_json())
    member_view = client.get(
        f"/api/v1/families/{family.id}/access-log", headers=auth(db, lab.member)
    )
    assert member_view.status_code == 404


def test_concurrent_writers_never_fork_the_chain(committing_app: Flask) -> None:
    """Twenty transactions append at the same moment; the chain stays one line."""
    import threading

    from sqlalchemy.orm import Session

    from velferdslab.extensions import db as flask_db

    with committing_app.app_context():
        engine = flask_db.engine
    barrier = threading.Barrier(20)

    def writer(n: int) -> None:
        with Session(engine) as session:
            barrier.wait()
            write_events(session, [PendingEvent(action="read", entity="family", entity_id=n)])
            session.commit()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(engine) as session:
        report = verify_chain(session)
        prev_hashes = session.scalars(select(AuditEvent.prev_hash)).all()
    assert report.intact and report.checked == 20
    assert len(set(prev_hashes)) == 20  # no two events claim the same predecessor
