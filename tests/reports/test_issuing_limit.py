"""A per-user limit on issuing reports, with a clear 429: one user's burst of PDFs cannot delay
everyone else's."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_family, make_lab
from tests.web.test_login import csrf_from, login
from velferdslab.reports.models import IssuedReport
from velferdslab.users.models import User
from velferdslab.vocabulary import ReportKind


def issued_just_now(db: scoped_session, user: User, family_id: int, count: int) -> None:
    db.add_all(
        IssuedReport(kind=ReportKind.FAMILY, family_id=family_id, issued_by=user.id,
                     status="ready", parameters={})
        for _ in range(count)
    )  # fmt: skip
    db.flush()


def reports(db: scoped_session) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count()).select_from(IssuedReport)) or 0)


def test_the_sixth_report_in_a_minute_is_refused_with_429_on_the_api_and_the_page(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    limit = int(app.config["REPORTS_PER_USER_PER_MINUTE"])
    issued_just_now(db, lab.member, family.id, limit)
    before = reports(db)
    response = client.post(
        "/api/v1/reports",
        json={"kind": "family", "family_id": family.id},
        headers=auth(db, lab.member),
    )
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert "wait a minute" in response.get_json()["message"]
    login(client, lab.member.username)
    csrf = csrf_from(client.get(f"/families/{family.id}").get_data(as_text=True))
    page = client.post(f"/reports/family/{family.id}", data={"csrf_token": csrf, "language": "nb"})
    assert page.status_code == 429
    assert "minutt og prøv igjen" in page.get_data(as_text=True)  # the 429 page says so
    assert reports(db) == before


def test_reports_of_other_users_do_not_count(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    issued_just_now(db, lab.lead, family.id, int(app.config["REPORTS_PER_USER_PER_MINUTE"]))
    response = client.post(
        "/api/v1/reports",
        json={"kind": "family", "family_id": family.id},
        headers=auth(db, lab.member),
    )
    assert response.status_code == 201
