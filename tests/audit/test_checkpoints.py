"""Bar R4 against an insider: signed checkpoints catch what the bare hash chain cannot.

Each attack is made the way someone with write access to the database would: the append-only
triggers are dropped first, then rows are changed with plain SQL. The checkpoints were exported
before the attack (the archive's copy), and `velferdslab audit verify --public-key --checkpoints`
must fail naming the problem; the untouched log must pass.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import scoped_session

from tests.conftest import is_postgres
from velferdslab.audit.checkpoints import (
    AuditCheckpoint,
    export,
    generate_key_pair,
    load_public_key,
    make_checkpoint,
    signing_key,
    stored_checkpoints,
)
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.services import PendingEvent, event_hash, verify_chain, write_events
from velferdslab.db import utcnow


@dataclass
class Keys:
    private: Path
    public: Path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    private, public = generate_key_pair(tmp_path_factory.mktemp("keys"))
    return Keys(private, public)


@pytest.fixture
def signing(app: Flask, keys: Keys) -> Iterator[Keys]:
    """The app signs with the test key and verifies with its public half."""
    saved = {k: app.config.get(k) for k in ("AUDIT_SIGNING_KEY_FILE", "AUDIT_PUBLIC_KEY_FILE")}
    app.config.update(AUDIT_SIGNING_KEY_FILE=str(keys.private), AUDIT_PUBLIC_KEY_FILE="")
    yield keys
    app.config.update(saved)


def drop_triggers(db: scoped_session) -> None:
    """What an insider does first: remove the append-only protection (undone with the test's
    rolled-back transaction)."""
    if is_postgres(str(db.get_bind().engine.url)):
        db.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))
        db.execute(text("DROP TRIGGER audit_event_no_truncate ON audit_event"))
    else:
        db.execute(text("DROP TRIGGER audit_event_no_update"))
        db.execute(text("DROP TRIGGER audit_event_no_delete"))


def sql(db: scoped_session, statement: str, **params: object) -> None:
    db.execute(text(statement), params)
    db.expire_all()


def ten_events_and_a_checkpoint(
    app: Flask, db: scoped_session, keys: Keys, folder: Path
) -> tuple[list[AuditEvent], Path]:
    write_events(
        db,
        [
            PendingEvent(action="read", entity="family", entity_id=n, family_id=n, user_id=None)
            for n in range(1, 11)
        ],
    )
    key = signing_key({"AUDIT_SIGNING_KEY_FILE": str(keys.private)})
    assert key is not None
    make_checkpoint(db, key, "interval")
    archived = folder / "checkpoints.json"
    archived.write_text(export(stored_checkpoints(db), key.public_key()))
    events = list(db.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    return events, archived


def verify(app: Flask, keys: Keys, archived: Path | None = None) -> Result:
    args = ["audit", "verify", "--public-key", str(keys.public)]
    if archived is not None:
        args += ["--checkpoints", str(archived)]
    return app.test_cli_runner().invoke(args=args)


def assert_refused(result: Result, *phrases: str) -> None:
    assert result.exit_code == 1, result.output
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def test_an_intact_log_with_checkpoints_passes(
    app: Flask, db: scoped_session, keys: Keys, tmp_path: Path
) -> None:
    _, archived = ten_events_and_a_checkpoint(app, db, keys, tmp_path)
    result = verify(app, keys, archived)
    assert result.exit_code == 0, result.stderr
    assert "intact: 10 events" in result.output and "1 signed checkpoints match" in result.output
    # events written after the newest checkpoint are fine: the next checkpoint covers them
    write_events(db, [PendingEvent(action="read", entity="family", entity_id=1)])
    assert verify(app, keys, archived).exit_code == 0


def test_an_edited_event_is_detected(
    app: Flask, db: scoped_session, keys: Keys, tmp_path: Path
) -> None:
    events, archived = ten_events_and_a_checkpoint(app, db, keys, tmp_path)
    drop_triggers(db)
    sql(
        db, "UPDATE audit_event SET user_id = NULL, action = 'list' WHERE id = :id", id=events[3].id
    )
    assert_refused(verify(app, keys, archived), f"BROKEN at event {events[3].id}", "content")


def test_a_deleted_event_is_detected(
    app: Flask, db: scoped_session, keys: Keys, tmp_path: Path
) -> None:
    events, archived = ten_events_and_a_checkpoint(app, db, keys, tmp_path)
    drop_triggers(db)
    sql(db, "DELETE FROM audit_event WHERE id = :id", id=events[4].id)
    assert_refused(
        verify(app, keys, archived),
        f"BROKEN at event {events[5].id}",
        "link",
        "holds only 9 events",
    )


def test_an_inserted_event_is_detected(
    app: Flask, db: scoped_session, keys: Keys, tmp_path: Path
) -> None:
    events, archived = ten_events_and_a_checkpoint(app, db, keys, tmp_path)
    drop_triggers(db)
    after = events[4]
    # make room after event 5 and slip in a forged event that links correctly to it
    sql(db, "UPDATE audit_event SET id = id + 100000 WHERE id > :id", id=after.id)
    forged = PendingEvent(action="read", entity="family", entity_id=99, family_id=99)
    sql(
        db,
        "INSERT INTO audit_event (id, at, action, entity, entity_id, family_id, details,"
        " prev_hash, hash) VALUES (:id, :at, 'read', 'family', 99, 99, '{}', :prev, :hash)",
        id=after.id + 1,
        at=forged.at,
        prev=after.hash,
        hash=event_hash(after.hash, forged),
    )
    assert_refused(
        verify(app, keys, archived),
        f"BROKEN at event {events[5].id + 100000}",
        "event number 10",
    )


def test_reordered_events_are_detected(
    app: Flask, db: scoped_session, keys: Keys, tmp_path: Path
) -> None:
    events, archived = ten_events_and_a_checkpoint(app, db, keys, tmp_path)
    drop_triggers(db)
    first, second = events[2].id, events[3].id
    sql(db, "UPDATE audit_event SET id = -1 WHERE id = :id", id=first)
    sql(db, "UPDATE audit_event SET id = :to WHERE id = :id", to=first, id=second)
    sql(db, "UPDATE audit_event SET id = :to WHERE id = -1", to=second)
    assert_refused(verify(app, keys, archived), f"BROKEN at event {first}", "link")


def test_a_cut_off_tail_is_detected_though_the_chain_itself_is_intact(
    app: Flask, db: scoped_session, keys: Keys, tmp_path: Path
) -> None:
    events, archived = ten_events_and_a_checkpoint(app, db, keys, tmp_path)
    drop_triggers(db)
    sql(db, "DELETE FROM audit_event WHERE id > :id", id=events[6].id)
    assert verify_chain(db).intact  # what the bare chain said before checkpoints
    assert_refused(
        verify(app, keys, archived), "holds only 7 events", "3 signed events are missing"
    )


def test_a_chain_recomputed_after_an_edit_is_detected(
    app: Flask, db: scoped_session, keys: Keys, tmp_path: Path, signing: Keys
) -> None:
    """The insider edits event 2 and recomputes every later hash, so every link holds; then
    replaces the stored checkpoints with one signed by a key of their own."""
    events, archived = ten_events_and_a_checkpoint(app, db, keys, tmp_path)
    drop_triggers(db)
    sql(db, "UPDATE audit_event SET action = 'list' WHERE id = :id", id=events[1].id)
    prev = events[0].hash
    later = select(AuditEvent).where(AuditEvent.id > events[0].id).order_by(AuditEvent.id)
    for event in db.scalars(later).all():
        digest = event_hash(prev, event)
        sql(
            db,
            "UPDATE audit_event SET prev_hash = :prev, hash = :hash WHERE id = :id",
            prev=prev,
            hash=digest,
            id=event.id,
        )
        prev = digest
    assert verify_chain(db).intact  # the bare chain is fooled
    assert_refused(verify(app, keys, archived), "event number 10", "does not carry the signed hash")
    # the stored checkpoints too, and a forged replacement signed with another key
    sql(db, "DELETE FROM audit_checkpoint")
    own_key, _ = generate_key_pair(tmp_path / "insider")
    forger = signing_key({"AUDIT_SIGNING_KEY_FILE": str(own_key)})
    assert forger is not None
    make_checkpoint(db, forger, "interval")
    assert_refused(
        app.test_cli_runner().invoke(args=["audit", "verify"]),
        "signature does not match the public key",
    )


def test_plain_verify_checks_the_stored_checkpoints_with_the_configured_key(
    app: Flask, db: scoped_session, signing: Keys, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    ten_events_and_a_checkpoint(app, db, signing, tmp_path)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.stderr
    assert "1 signed checkpoints match" in result.output
    # removing the stored checkpoints (with the events) does not pass unseen
    drop_triggers(db)
    sql(db, "DELETE FROM audit_checkpoint")
    assert_refused(runner.invoke(args=["audit", "verify"]), "no signed checkpoint")
    # nor does a checkpoint that is older than the interval allows
    key = signing_key(app.config)
    assert key is not None
    make_checkpoint(db, key, "interval", at=utcnow() - dt.timedelta(days=3))
    assert_refused(
        runner.invoke(args=["audit", "verify"]), "newer checkpoints may have been removed"
    )


def test_the_checkpoint_command_and_the_export(
    app: Flask, db: scoped_session, signing: Keys, tmp_path: Path
) -> None:
    write_events(db, [PendingEvent(action="read", entity="family", entity_id=1)])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0 and "1 events" in result.output
    out = tmp_path / "export.json"
    today = dt.date.today().isoformat()
    result = runner.invoke(args=["audit", "checkpoints", "--since", today, "-o", str(out)])
    assert result.exit_code == 0
    document = json.loads(out.read_text())
    assert document["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert load_public_key(document["public_key"].encode()) is not None
    assert [c["event_count"] for c in document["checkpoints"]] == [1]
    later = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = runner.invoke(args=["audit", "checkpoints", "--since", later])
    assert json.loads(result.output)["checkpoints"] == []
    assert db.scalars(select(AuditCheckpoint)).one().reason == "interval"


def test_without_a_key_verify_says_that_no_checkpoint_was_checked(
    app: Flask, db: scoped_session
) -> None:
    write_events(db, [PendingEvent(action="read", entity="family", entity_id=1)])
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "no audit public key configured" in result.stderr


def test_keygen_writes_a_private_key_only_its_owner_reads(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["audit", "keygen", "-d", str(tmp_path)])
    assert result.exit_code == 0
    assert (tmp_path / "audit-signing-key.pem").stat().st_mode & 0o077 == 0
    again = app.test_cli_runner().invoke(args=["audit", "keygen", "-d", str(tmp_path)])
    assert again.exit_code == 2  # never overwrites a key


def test_an_audit_report_signs_a_checkpoint_prints_it_and_attaches_the_export(
    client: FlaskClient, db: scoped_session, signing: Keys, tmp_path: Path, app: Flask
) -> None:
    from tests.factories import auth, make_family, make_lab
    from tests.reports.helpers import pdf_attachments, pdf_text, save_page_images
    from tests.reports.test_family_report import download, issue

    lab = make_lab(db)
    family = make_family(db, lab)
    client.get(f"/api/v1/families/{family.id}", headers=auth(db, lab.lead))  # an event
    headers = auth(db, lab.auditor)
    report = issue(client, headers, kind="audit")
    pdf = download(client, headers, report["id"])
    reason = f"report {report['id']}"
    made = db.scalars(select(AuditCheckpoint).where(AuditCheckpoint.reason == reason)).one()
    words = " ".join(pdf_text(pdf).split())
    assert "Signerte kontrollpunkter" in words
    save_page_images(pdf, "audit-report-checkpoints")
    assert made.last_hash[:40] in words.replace(" ", "")
    attached = pdf_attachments(pdf)["audit-checkpoints.json"]
    archived = tmp_path / "from-the-pdf.json"
    archived.write_bytes(attached)
    assert json.loads(attached)["checkpoints"][-1]["signature"] == made.signature
    # the auditor's copy verifies the live log, and still catches a cut-off tail later
    assert made.event_count >= 1
    assert verify(app, signing, archived).exit_code == 0
    drop_triggers(db)
    sql(db, "DELETE FROM audit_event WHERE id = :id", id=made.last_event_id)
    assert_refused(verify(app, signing, archived), "NOT VERIFIED", "BROKEN")


def test_the_job_functions_commit_a_checkpoint_and_a_sweep(
    committing_app: Flask, keys: Keys
) -> None:
    """The plain functions another job runner enqueues: each commits its own work."""
    from velferdslab.audit.checkpoints import checkpoint_job
    from velferdslab.extensions import db as flask_db
    from velferdslab.privacy.models import RetentionSweep
    from velferdslab.privacy.retention import retention_job

    app = committing_app
    saved = app.config.get("AUDIT_SIGNING_KEY_FILE")
    app.config["AUDIT_SIGNING_KEY_FILE"] = str(keys.private)
    try:
        checkpoint_id = checkpoint_job(app)
        sweep_id = retention_job(app, dt.date(2036, 3, 1))
    finally:
        app.config["AUDIT_SIGNING_KEY_FILE"] = saved
    with app.app_context():
        assert flask_db.session.get(AuditCheckpoint, checkpoint_id) is not None
        sweep = flask_db.session.get(RetentionSweep, sweep_id)
        assert sweep is not None and sweep.dry_run is False
        events = flask_db.session.scalars(select(AuditEvent)).all()
        assert [(e.action, e.entity) for e in events] == [("run", "retention_sweep")]
        flask_db.session.remove()
    assert checkpoint_job(app) is None  # no key: nothing signed, nothing fails


@pytest.fixture
def copied(app: Flask, signing: Keys, tmp_path: Path) -> Iterator[Path]:
    """The app copies each checkpoint it commits to a file off the database."""
    copy = tmp_path / "offsite" / "checkpoints.jsonl"
    copy.parent.mkdir()
    saved = app.config.get("AUDIT_CHECKPOINT_COPY_FILE")
    app.config["AUDIT_CHECKPOINT_COPY_FILE"] = str(copy)
    yield copy
    app.config["AUDIT_CHECKPOINT_COPY_FILE"] = saved


def events_and_a_checkpoint(db: scoped_session, app: Flask, count: int) -> AuditCheckpoint:
    """As the interval job makes it: in the app's context, committed."""
    with app.app_context():
        write_events(db, [PendingEvent(action="read", entity="family", entity_id=n)
                          for n in range(count)])  # fmt: skip
        key = signing_key(app.config)
        assert key is not None
        row = make_checkpoint(db, key, "interval")
        db.commit()
        return row


def test_removing_the_newest_checkpoints_with_the_events_after_them_fails_plain_verify(
    app: Flask, db: scoped_session, copied: Path
) -> None:
    """Within the interval's window the stored checkpoints alone cannot show it (the older one
    still matches); the copy made off the database as each was committed does."""
    first = events_and_a_checkpoint(db, app, 10)
    events_and_a_checkpoint(db, app, 5)
    events_and_a_checkpoint(db, app, 3)
    lines = copied.read_text().splitlines()
    assert [json.loads(line)["sequence"] for line in lines] == [1, 2, 3]
    assert oct(copied.stat().st_mode & 0o777) == "0o600"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    drop_triggers(db)
    sql(db, "DELETE FROM audit_checkpoint WHERE id > :id", id=first.id)
    sql(db, "DELETE FROM audit_event WHERE id > :id", id=first.last_event_id)
    app.config["AUDIT_CHECKPOINT_COPY_FILE"] = ""
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the documented window
    app.config["AUDIT_CHECKPOINT_COPY_FILE"] = str(copied)
    assert_refused(
        runner.invoke(args=["audit", "verify"]),
        "checkpoint number 3 of 18 events",
        "in the copy kept off the database but not in the database",
        "holds only 10 events: 8 signed events are missing",
    )


def test_a_checkpoint_removed_between_others_leaves_a_gap_in_the_signed_numbers(
    app: Flask, db: scoped_session, signing: Keys
) -> None:
    events_and_a_checkpoint(db, app, 2)
    middle = events_and_a_checkpoint(db, app, 2)
    events_and_a_checkpoint(db, app, 2)
    drop_triggers(db)
    sql(db, "DELETE FROM audit_checkpoint WHERE id = :id", id=middle.id)
    assert_refused(
        app.test_cli_runner().invoke(args=["audit", "verify"]),
        "checkpoints number 2 are missing from the database",
    )
    # the number is signed: renumbering the stored checkpoints breaks their signatures
    sql(db, "UPDATE audit_checkpoint SET sequence = sequence - 1 WHERE sequence = 3")
    assert_refused(
        app.test_cli_runner().invoke(args=["audit", "verify"]),
        "signature does not match the public key",
    )


def test_each_checkpoint_is_posted_to_the_configured_url(
    app: Flask, db: scoped_session, signing: Keys
) -> None:
    received: list[dict[str, object]] = []

    class Collector(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    saved = app.config.get("AUDIT_CHECKPOINT_COPY_URL")
    app.config["AUDIT_CHECKPOINT_COPY_URL"] = f"http://127.0.0.1:{server.server_port}/checkpoints"
    try:
        row = events_and_a_checkpoint(db, app, 1)
    finally:
        app.config["AUDIT_CHECKPOINT_COPY_URL"] = saved
        server.shutdown()
        server.server_close()
    assert [(c["sequence"], c["signature"]) for c in received] == [(row.sequence, row.signature)]
