"""Verifying a file against the registry, the fetcher that reads nothing, and reports made in the
background with their progress."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, make_family, make_lab
from tests.reports.test_family_report import download, issue
from velferdslab import jobs
from velferdslab.audit.models import AuditEvent
from velferdslab.extensions import db as flask_db
from velferdslab.reports.pdf import url_fetcher


def test_an_issued_pdf_verifies_and_a_tampered_one_does_not(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    report = issue(client, auth(db, lab.lead), kind="family", family_id=family.id)
    pdf = download(client, auth(db, lab.lead), report["id"])
    headers = {**auth(db, lab.auditor), "Content-Type": "application/pdf"}
    valid = client.post("/api/v1/reports/verify", data=pdf, headers=headers).get_json()
    assert valid == {
        "valid": True,
        "report_id": report["id"],
        "sha256": report["sha256"],
        "kind": "family",
        "created_at": report["created_at"],
    }
    tampered = bytearray(pdf)
    tampered[len(pdf) // 2] ^= 0x01  # a single bit flipped
    answer = client.post("/api/v1/reports/verify", data=bytes(tampered), headers=headers)
    assert answer.get_json()["valid"] is False and answer.get_json()["report_id"] is None
    as_upload = client.post(
        "/api/v1/reports/verify",
        data={"file": (__import__("io").BytesIO(pdf), "rapport.pdf")},
        headers=auth(db, lab.leader),
        content_type="multipart/form-data",
    )
    assert as_upload.get_json()["valid"] is True


def test_verification_refuses_what_is_not_a_file(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.auditor)
    as_json = client.post("/api/v1/reports/verify", json={"file": "x"}, headers=headers)
    assert as_json.status_code == 415 and "application/pdf" in as_json.get_json()["message"]
    empty = client.post(
        "/api/v1/reports/verify", data=b"", headers={**headers, "Content-Type": "application/pdf"}
    )
    assert empty.status_code == 422
    anonymous = client.post(
        "/api/v1/reports/verify", data=b"%PDF", headers={"Content-Type": "application/pdf"}
    )
    assert anonymous.status_code == 401


def test_a_report_reads_neither_the_disk_nor_the_network(caplog: pytest.LogCaptureFixture) -> None:
    from weasyprint import HTML

    fetcher = url_fetcher()
    for url in ("file:///etc/hostname", "http://127.0.0.1:9/x.png", "https://example.org/a.css"):
        with pytest.raises(ValueError, match="inline data only"):
            fetcher.fetch(url)
    html = '<img src="file:///etc/hostname"><link rel="stylesheet" href="http://127.0.0.1:9/a.css">'
    with caplog.at_level(logging.WARNING):
        HTML(string=html, url_fetcher=url_fetcher()).write_pdf()
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert any("file:///etc/hostname" in m for m in refused)
    assert any("127.0.0.1:9" in m for m in refused)


def test_downloads_and_verifications_are_audited(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    report = issue(client, auth(db, lab.lead), kind="family", family_id=family.id)
    download(client, auth(db, lab.member), report["id"])
    actions = db.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity == "report", AuditEvent.entity_id == report["id"]
        )
    ).all()
    assert sorted(actions) == ["download", "issue"]


def test_a_large_report_is_made_in_the_background_with_progress(
    committing_app: Flask,
) -> None:
    committing_app.config["JOBS"] = "thread"
    try:
        with committing_app.app_context():
            lab = make_lab(flask_db.session)
            for _ in range(3):
                family = make_family(flask_db.session, lab)
                add_assessment(flask_db.session, family, dt.date(2025, 1, 1), finance=1)
            flask_db.session.commit()
            headers = auth(flask_db.session, lab.auditor)
            flask_db.session.commit()
        client = committing_app.test_client()
        answer = client.post("/api/v1/reports", json={"kind": "audit"}, headers=headers)
        assert answer.status_code == 201
        report = answer.get_json()
        assert report["status"] == "queued" and report["sha256"] is None
        page = client.get(f"/api/v1/reports/{report['id']}/pdf", headers=headers)
        assert page.status_code in (409, 200)  # 409 until the job is done
        future = jobs.submitted(committing_app, "reports.make", report_id=report["id"])
        assert future is not None
        future.result(timeout=120)
        done = client.get(f"/api/v1/reports/{report['id']}", headers=headers).get_json()
        assert done["status"] == "ready" and done["progress"] == 100 and done["sha256"]
        pdf = client.get(f"/api/v1/reports/{report['id']}/pdf", headers=headers)
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    finally:
        committing_app.config["JOBS"] = "inline"


def test_a_report_whose_making_fails_ends_failed_and_says_why(
    committing_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from velferdslab.reports import services

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("the fonts are gone")

    monkeypatch.setattr(services, "render_pdf", broken)
    committing_app.config["JOBS"] = "thread"
    try:
        with committing_app.app_context():
            lab = make_lab(flask_db.session)
            flask_db.session.commit()
            headers = auth(flask_db.session, lab.auditor)
            flask_db.session.commit()
        client = committing_app.test_client()
        report = client.post("/api/v1/reports", json={"kind": "audit"}, headers=headers).get_json()
        future = jobs.submitted(committing_app, "reports.make", report_id=report["id"])
        assert future is not None
        future.result(timeout=120)
        done = client.get(f"/api/v1/reports/{report['id']}", headers=headers).get_json()
        assert done["status"] == "failed" and "the fonts are gone" in done["error"]
        pdf = client.get(f"/api/v1/reports/{report['id']}/pdf", headers=headers)
        assert pdf.status_code == 409
    finally:
        committing_app.config["JOBS"] = "inline"


def test_a_report_left_running_by_a_lost_worker_shows_as_failed() -> None:
    from velferdslab.reports.models import IssuedReport
    from velferdslab.reports.services import STALE_AFTER, effective_status

    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    running = IssuedReport(status="running", created_at=now - STALE_AFTER / 2)
    assert effective_status(running, now) == "running"
    lost = IssuedReport(status="running", created_at=now - STALE_AFTER * 2)
    assert effective_status(lost, now) == "failed"
    ready = IssuedReport(status="ready", created_at=now - STALE_AFTER * 2)
    assert effective_status(ready, now) == "ready"
