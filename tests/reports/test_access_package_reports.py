"""An access package is a report like every other (issue 23, findings 8 and 11): it counts in the
issuer's report limit, its PDF is made by the report job (not inside the request), and the
registry's API describes it truly."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, auth, make_lab
from tests.privacy.fixtures import rich_family
from tests.privacy.test_privacy_pages import csrf
from tests.reports.helpers import pdf_attachments
from velferdslab import jobs
from velferdslab.families.models import Family
from velferdslab.privacy.models import AccessRequest
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.services import make_report


def browser(app: Flask, user: Any) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(user_id=user.id, epoch=user.session_epoch, since=int(time.time()))
    return client


def ask(lead: FlaskClient, family: Family) -> Any:
    """The lead makes a package for the family's parent on the family's privacy page."""
    url = f"/families/{family.id}/privacy"
    token = csrf(lead.get(url).get_data(as_text=True), "access")
    return lead.post(f"{url}/access", data={
        "access-csrf_token": token, "access-member_id": family.members[0].id,
        "access-received_on": dt.date.today().isoformat(), "access-language": "nb"})  # fmt: skip


def count(db: scoped_session, model: type) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def scene(app: Flask, db: scoped_session) -> tuple[Lab, Family, FlaskClient]:
    lab = make_lab(db)
    family = rich_family(db, lab, tag="Jobb")
    return lab, family, browser(app, lab.lead)


def test_access_packages_count_in_the_report_limit(
    app: Flask, client: FlaskClient, db: scoped_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "REPORTS_PER_USER_PER_MINUTE", 2)
    lab, family, lead = scene(app, db)
    assert ask(lead, family).status_code == 302
    assert ask(lead, family).status_code == 302
    refused = ask(lead, family)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "vent et minutt" in refused.get_data(as_text=True).lower()
    assert count(db, AccessRequest) == 2 and count(db, IssuedReport) == 2
    # and the packages count against the lead's other reports too
    other = client.post("/api/v1/reports", json={"kind": "family", "family_id": family.id},
                        headers=auth(db, lab.lead))  # fmt: skip
    assert other.status_code == 429


def test_the_package_pdf_is_made_by_the_report_job(
    app: Flask, db: scoped_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setitem(app.config, "JOBS", "thread")
    monkeypatch.setattr(jobs, "enqueue", lambda name, **kwargs: queued.append((name, kwargs)))
    _, family, lead = scene(app, db)
    assert ask(lead, family).status_code == 302
    request = db.scalars(select(AccessRequest)).one()
    report = db.get(IssuedReport, request.report_id)
    assert report is not None
    # the request stored the package and queued its PDF; it rendered nothing itself
    assert (report.status, report.sha256) == ("queued", None)
    assert queued == [("reports.make", {"report_id": report.id})]
    page = lead.get(f"/families/{family.id}/privacy").get_data(as_text=True)
    assert "lages nå" in page
    assert lead.get(f"/access-requests/{request.id}.pdf").status_code == 409
    assert lead.get(f"/access-requests/{request.id}.json").status_code == 200

    # the worker's part: the job's own steps (its claim, its REPEATABLE READ snapshot, its
    # render event) are tested on a committing app in test_verification_and_jobs.py
    with app.app_context():
        queued_report = db.get(IssuedReport, report.id)
        assert queued_report is not None
        make_report(queued_report, lambda _p: None, lambda _p: None)
        db.commit()
    db.expire_all()
    report = db.get(IssuedReport, request.report_id)
    assert report is not None and report.status == "ready" and report.pdf is not None
    assert pdf_attachments(report.pdf)["access-request.json"].decode() == request.package_json
    pdf = lead.get(f"/access-requests/{request.id}.pdf")
    assert pdf.status_code == 200 and pdf.data == report.pdf


def test_the_report_list_with_an_access_package_matches_the_openapi_document(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab, family, lead = scene(app, db)
    assert ask(lead, family).status_code == 302
    headers = auth(db, lab.lead)
    listed = client.get("/api/v1/reports", headers=headers)
    assert [row["kind"] for row in listed.get_json()] == ["access"]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema["/api/v1/reports"]["GET"].validate_response(listed)  # raises when it does not match
    one = client.get(f"/api/v1/reports/{listed.get_json()[0]['id']}", headers=headers)
    schema["/api/v1/reports/{report_id}"]["GET"].validate_response(one)
    assert one.get_json()["parameters"]["received_on"] == dt.date.today().isoformat()
    only = client.get("/api/v1/reports?kind=access", headers=headers)
    assert only.status_code == 200 and len(only.get_json()) == 1
