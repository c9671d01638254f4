"""Admins manage accounts but never reach personal data through them: no own role changes, a
password an admin sets is one-time and ends the user's sessions and tokens, and granting a role
that reads family data is on the auditor's log. Users change their own password on a page."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD, auth, make_agency, make_family, make_lab, make_user
from tests.web.test_login import csrf_from, login
from velferdslab.audit.models import AuditEvent
from velferdslab.users.models import User
from velferdslab.vocabulary import Role

ONE_TIME = "set-by-the-admin-123"
OWN = "my-own-long-password"


def actions(db: scoped_session, user: User) -> list[str]:
    return list(
        db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "user", AuditEvent.entity_id == user.id)
            .order_by(AuditEvent.id)
        )
    )


def test_an_admin_cannot_give_themselves_a_role_that_reads_budgets(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    headers = auth(db, lab.admin)
    response = client.patch(
        f"/api/v1/users/{lab.admin.id}", json={"roles": ["admin", "auditor"]}, headers=headers
    )
    assert response.status_code == 409
    assert "own roles" in response.get_json()["errors"]["roles"][0]
    budgets = client.get(f"/api/v1/families/{family.id}/budgets", headers=auth(db, lab.admin))
    assert budgets.status_code == 404
    own_password = client.patch(
        f"/api/v1/users/{lab.admin.id}", json={"password": ONE_TIME}, headers=headers
    )
    assert own_password.status_code == 409 and "password" in own_password.get_json()["errors"]


def test_a_password_set_by_an_admin_works_once_and_opens_no_family_data(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    old_token = auth(db, lab.member)
    response = client.patch(
        f"/api/v1/users/{lab.member.id}", json={"password": ONE_TIME}, headers=auth(db, lab.admin)
    )
    assert response.status_code == 200
    assert client.get("/api/v1/families", headers=old_token).status_code == 401
    token = client.post(
        "/api/v1/auth/token", json={"username": lab.member.username, "password": ONE_TIME}
    )
    assert token.status_code == 403
    # Signed in on the pages with it, the only page is the one to choose one's own password.
    browser = app.test_client()
    assert login(browser, lab.member.username, ONE_TIME).status_code == 302
    members = browser.get(f"/families/{family.id}")
    assert members.status_code == 302 and members.headers["Location"] == "/account/password"
    assert "Kari Nordmann" not in members.get_data(as_text=True)
    assert "set-by-the-admin" not in str(actions(db, lab.member))
    assert actions(db, lab.member)[-3:] == ["set_one_time_password", "update", "login"]


def test_a_user_changes_their_own_password_on_a_page(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    browser, other_browser = app.test_client(), app.test_client()
    login(browser, lab.member.username)
    login(other_browser, lab.member.username)
    token = auth(db, lab.member)
    page = browser.get("/account/password")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "10" in html  # the rule is shown
    csrf = csrf_from(html)
    wrong = browser.post(
        "/account/password",
        data={
            "old_password": "not-it-at-all",
            "new_password": OWN,
            "repeat": OWN,
            "csrf_token": csrf,
        },
    )
    assert wrong.status_code == 422
    short = browser.post(
        "/account/password",
        data={
            "old_password": PASSWORD,
            "new_password": "short",
            "repeat": "short",
            "csrf_token": csrf,
        },
    )
    assert short.status_code == 422
    db.expire_all()
    assert db.get(User, lab.member.id).must_change_password is False  # type: ignore[union-attr]
    done = browser.post(
        "/account/password",
        data={"old_password": PASSWORD, "new_password": OWN, "repeat": OWN, "csrf_token": csrf},
    )
    assert done.status_code == 302
    # this browser goes on; the other session and the token have ended
    assert browser.get(f"/families/{family.id}").status_code == 200
    assert other_browser.get("/families").status_code == 302
    assert client.get("/api/v1/families", headers=token).status_code == 401
    new_token = client.post(
        "/api/v1/auth/token", json={"username": lab.member.username, "password": OWN}
    )
    assert new_token.status_code == 200
    assert "change_password" in actions(db, lab.member)


def test_after_a_one_time_password_the_user_chooses_their_own_and_goes_on(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    client.patch(
        f"/api/v1/users/{lab.member.id}", json={"password": ONE_TIME}, headers=auth(db, lab.admin)
    )
    browser = app.test_client()
    login(browser, lab.member.username, ONE_TIME)
    page = browser.get("/account/password").get_data(as_text=True)
    assert "administrator" in page or "administrator" in page.lower()
    browser.post(
        "/account/password",
        data={
            "old_password": ONE_TIME,
            "new_password": OWN,
            "repeat": OWN,
            "csrf_token": csrf_from(page),
        },
    )
    assert browser.get("/families").status_code == 200


def test_granting_a_role_that_reads_family_data_is_on_the_auditors_log(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    other_admin = make_user(db, Role.ADMIN, municipality=lab.municipality)
    response = client.patch(
        f"/api/v1/users/{lab.admin.id}",
        json={"roles": ["admin", "auditor"]},
        headers=auth(db, other_admin),
    )
    assert response.status_code == 200
    harmless = client.patch(
        f"/api/v1/users/{lab.member.id}",
        json={"roles": ["team_member", "leader"]},
        headers=auth(db, other_admin),
    )
    assert harmless.status_code == 200
    grants = db.scalars(select(AuditEvent).where(AuditEvent.action == "grant_family_access")).all()
    assert [(e.entity_id, e.details) for e in grants] == [(lab.admin.id, {"roles": ["auditor"]})]
    browser = app.test_client()
    login(browser, lab.auditor.username)
    log = browser.get("/audit/log?action=ga+tilgang").get_data(as_text=True)
    # In the reader's words: who gave whom access, by name, never a code or an id.
    assert "ga tilgang til familiedata til" in log
    assert lab.admin.full_name in log and other_admin.full_name in log
    assert f"user #{lab.admin.id}" not in log


def test_the_admin_changes_roles_agency_and_municipality_and_sets_a_one_time_password_on_a_page(
    app: Flask, db: scoped_session
) -> None:
    lab = make_lab(db)
    regional = make_user(db, Role.ADMIN)
    other = make_lab(db)
    school = make_agency(db, other.municipality, "school", "municipal")
    browser = app.test_client()
    login(browser, regional.username)
    index = browser.get("/admin").get_data(as_text=True)
    assert f"/admin/users/{lab.member.id}" in index
    form = browser.get(f"/admin/users/{lab.member.id}")
    assert form.status_code == 200
    response = browser.post(
        f"/admin/users/{lab.member.id}",
        data={
            "full_name": "Kari Flyttet",
            "roles": ["team_member", "investment_lead"],
            "municipality_id": str(other.municipality.id),
            "agency_id": str(school.id),
            "password": ONE_TIME,
            "csrf_token": csrf_from(form.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    db.expire_all()
    user = db.get(User, lab.member.id)
    assert user is not None
    assert (user.full_name, user.municipality_id, user.agency_id) == (
        "Kari Flyttet",
        other.municipality.id,
        school.id,
    )
    assert user.roles == {"team_member", "investment_lead"} and user.must_change_password
    assert actions(db, user)[-4:] == [
        "read",  # the form
        "set_one_time_password",
        "grant_family_access",
        "update",
    ]
    # an agency of another municipality is refused beside the field, nothing saved
    form = browser.get(f"/admin/users/{lab.lead.id}")
    refused = browser.post(
        f"/admin/users/{lab.lead.id}",
        data={
            "full_name": lab.lead.full_name,
            "roles": ["investment_lead"],
            "municipality_id": str(lab.municipality.id),
            "agency_id": str(school.id),
            "csrf_token": csrf_from(form.get_data(as_text=True)),
        },
    )
    assert refused.status_code == 422
    db.expire_all()
    assert db.get(User, lab.lead.id).agency_id == lab.housing.id  # type: ignore[union-attr]
    # the admin's own roles cannot change on the page either
    form = browser.get(f"/admin/users/{regional.id}")
    mine = browser.post(
        f"/admin/users/{regional.id}",
        data={
            "full_name": regional.full_name,
            "roles": ["admin", "auditor"],
            "municipality_id": "0",
            "agency_id": "0",
            "csrf_token": csrf_from(form.get_data(as_text=True)),
        },
    )
    assert mine.status_code == 409 or mine.status_code == 422
    db.expire_all()
    assert db.get(User, regional.id).roles == {"admin"}  # type: ignore[union-attr]
