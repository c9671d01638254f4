"""Readiness, who may read /metrics, and the job runner's limits, in one process (both passes)."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth, make_lab
from tests.isolated import isolated_database
from tests.ops.conftest import VELFERDSLAB
from velferdslab import jobs
from velferdslab.app import create_app
from velferdslab.extensions import db as flask_db
from velferdslab.reports.models import IssuedReport
from velferdslab.schema import upgrade_database

pytestmark = pytest.mark.db


def fresh_app(url: str, **settings: Any) -> Flask:
    return create_app({"ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "probe", **settings})


def test_readyz_names_what_is_missing_and_healthz_stays_a_liveness_check(tmp_path: Path) -> None:
    with isolated_database("ops_probe", tmp_path) as url:
        app = fresh_app(url)
        client = app.test_client()
        answer = client.get("/readyz")
        assert answer.status_code == 503
        assert "newest migration" in answer.get_json()["reason"]
        assert client.get("/healthz").status_code == 200  # alive, just not ready
        upgrade_database(app)
        assert client.get("/readyz").get_json() == {"status": "ok"}
        # A broker that does not answer (nothing listens on port 9).
        app.config["JOB_BROKER_URL"] = "redis://127.0.0.1:9/0"
        answer = client.get("/readyz")
        assert answer.status_code == 503 and "broker" in answer.get_json()["reason"]
        with app.app_context():
            flask_db.engine.dispose()


def test_metrics_answer_404_to_an_address_not_allowed_without_the_token(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    away = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=away).status_code == 404
    app.config["METRICS_TOKEN"] = "scrape-token"
    try:
        bearer = {"Authorization": "Bearer scrape-token"}
        assert client.get("/metrics", environ_base=away, headers=bearer).status_code == 200
        wrong = {"Authorization": "Bearer scrape-tokem"}
        assert client.get("/metrics", environ_base=away, headers=wrong).status_code == 404
    finally:
        app.config["METRICS_TOKEN"] = ""


def issue_queued_report(app: Flask) -> tuple[int, dict[str, str]]:
    with app.app_context():
        lab = make_lab(flask_db.session)
        flask_db.session.commit()
        headers = auth(flask_db.session, lab.auditor)
        flask_db.session.commit()
    return lab.auditor.id, headers


def test_a_report_whose_queue_does_not_answer_fails_at_once_and_says_why(
    committing_app: Flask,
) -> None:
    committing_app.config["JOB_BROKER_URL"] = "redis://127.0.0.1:9/0"
    try:
        _, headers = issue_queued_report(committing_app)
        client = committing_app.test_client()
        answer = client.post("/api/v1/reports", json={"kind": "audit"}, headers=headers)
        assert answer.status_code == 201  # the request itself is recorded
        report = client.get(f"/api/v1/reports/{answer.get_json()['id']}", headers=headers)
        assert report.get_json()["status"] == "failed"
        assert "job queue did not answer" in report.get_json()["error"]
    finally:
        committing_app.config["JOB_BROKER_URL"] = ""


def test_a_job_is_tried_the_configured_number_of_times_then_given_up(
    committing_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from velferdslab.reports import services

    calls: list[int] = []

    def broken(*_args: object, **_kwargs: object) -> bytes:
        calls.append(1)
        raise RuntimeError("out of memory")

    monkeypatch.setattr(services, "render_pdf", broken)
    committing_app.config.update(JOBS="thread", JOB_MAX_ATTEMPTS=2)
    try:
        _, headers = issue_queued_report(committing_app)
        client = committing_app.test_client()
        report_id = client.post(
            "/api/v1/reports", json={"kind": "audit"}, headers=headers
        ).get_json()["id"]
        future = jobs.submitted(committing_app, "reports.make", report_id=report_id)
        assert future is not None
        future.result(timeout=120)
        assert len(calls) == 2
        with committing_app.app_context(), Session(flask_db.engine) as session:
            report = session.scalars(select(IssuedReport).where(IssuedReport.id == report_id)).one()
            assert report.status == "failed" and "out of memory" in (report.error or "")
    finally:
        committing_app.config.update(JOBS="inline", JOB_MAX_ATTEMPTS=3)


def test_an_unknown_job_is_refused_when_enqueued(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(LookupError):
        jobs.enqueue("no.such.job", anything=1)


def test_the_worker_refuses_to_start_without_a_broker(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "VELFERDSLAB_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
        "VELFERDSLAB_SECRET_KEY": "w",
        "VELFERDSLAB_JOB_BROKER_URL": "",
    }
    done = subprocess.run(
        [VELFERDSLAB, "worker"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2 and "JOB_BROKER_URL" in done.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_sqlite_backup_restores_into_an_empty_database(tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    old_umask = os.umask(0o022)  # the usual default: files the service makes would be 0644
    try:
        app = fresh_app(f"sqlite:///{source}")
    finally:
        os.umask(old_umask)
    upgrade_database(app)
    with app.app_context():
        lab = make_lab(flask_db.session)
        flask_db.session.commit()
        lead_id = lab.lead.id
        flask_db.engine.dispose()
    env = {**os.environ, "VELFERDSLAB_SECRET_KEY": "b"}
    backup = tmp_path / "backup.db"
    target = tmp_path / "target.db"
    for command, url in (("backup", source), ("restore", target)):
        done = subprocess.run(
            [VELFERDSLAB, command, str(backup)],
            env={**env, "VELFERDSLAB_DATABASE_URL": f"sqlite:///{url}"},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    assert "audit log intact" in done.stdout
    # Personal data: the database, its WAL files and the backup are the service user's only.
    made = [source, backup, target, *tmp_path.glob("*.db-wal"), *tmp_path.glob("*.db-shm")]
    assert {path.name: mode(path) for path in made} == {path.name: 0o600 for path in made}
    # A restore into a database that is not empty is refused, nothing overwritten.
    again = subprocess.run(
        [VELFERDSLAB, "restore", str(backup)],
        env={**env, "VELFERDSLAB_DATABASE_URL": f"sqlite:///{target}"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert again.returncode == 2 and "not empty" in again.stderr
    restored = fresh_app(f"sqlite:///{target}")
    with restored.app_context():
        from velferdslab.users.models import User

        assert flask_db.session.get(User, lead_id) is not None
        flask_db.engine.dispose()


def test_two_instances_loading_the_default_assumptions_at_once_get_the_same_set(
    tmp_path: Path,
) -> None:
    """The first reports of a new site, issued at once on two instances: the second one's
    insert of the default set waits for the first and then uses its set (no 500)."""
    import threading

    from sqlalchemy import create_engine

    from velferdslab.assumptions.services import default_set

    if not os.environ.get("VELFERDSLAB_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("two sessions writing at once: PostgreSQL")
    with isolated_database("ops_default_set", tmp_path) as url:
        upgrade_database(fresh_app(url))
        engine = create_engine(url)
        got: list[int] = []
        with Session(engine) as first, Session(engine) as second:
            mine = default_set(first)  # inserted, not yet committed: holds the unique key

            def other() -> None:
                got.append(default_set(second).id)
                second.commit()

            thread = threading.Thread(target=other)
            thread.start()
            thread.join(timeout=1.0)  # waits on the first one's insert
            first.commit()
            thread.join(timeout=30)
            assert got == [mine.id]
        engine.dispose()


def test_a_report_job_run_again_leaves_the_made_report_and_its_one_render_event(
    committing_app: Flask,
) -> None:
    from velferdslab.audit.models import AuditEvent

    committing_app.config["JOBS"] = "thread"
    try:
        _, headers = issue_queued_report(committing_app)
        client = committing_app.test_client()
        report_id = client.post(
            "/api/v1/reports", json={"kind": "audit"}, headers=headers
        ).get_json()["id"]
        future = jobs.submitted(committing_app, "reports.make", report_id=report_id)
        assert future is not None
        future.result(timeout=120)
        first = client.get(f"/api/v1/reports/{report_id}", headers=headers).get_json()
        assert first["status"] == "ready"
        # The message delivered once more (a worker died after the commit, before its ack).
        assert jobs.perform(committing_app, "reports.make", {"report_id": report_id}, 2, True)
        again = client.get(f"/api/v1/reports/{report_id}", headers=headers).get_json()
        assert again["sha256"] == first["sha256"] and again["status"] == "ready"
        with committing_app.app_context(), Session(flask_db.engine) as session:
            renders = session.scalars(
                select(AuditEvent.id).where(
                    AuditEvent.action == "render", AuditEvent.entity_id == report_id
                )
            ).all()
        assert len(renders) == 1
    finally:
        committing_app.config["JOBS"] = "inline"
