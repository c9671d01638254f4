"""Web sessions are revocable: logout, a new password, new roles and deactivation end every
session of the user at once; a session has an absolute lifetime besides the idle one."""

from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_lab
from tests.web.test_login import csrf_from, login
from velferdslab.users.models import User

COOKIE = "velferdslab_session"


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert login(client, user.username).status_code == 302
    assert client.get("/families").status_code == 200
    return client


def stolen_copy(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of the client's session cookie."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def is_signed_out(client: FlaskClient) -> bool:
    response = client.get("/families")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_copied_cookie_stops_working_after_logout(app: Flask, db: scoped_session) -> None:
    lab = make_lab(db)
    browser = signed_in(app, lab.member)
    thief = stolen_copy(app, browser)
    assert thief.get("/families").status_code == 200
    token = csrf_from(browser.get("/").get_data(as_text=True))
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302
    assert is_signed_out(thief)
    assert is_signed_out(browser)


def test_logout_ends_every_session_of_the_user(app: Flask, db: scoped_session) -> None:
    lab = make_lab(db)
    laptop, phone = signed_in(app, lab.member), signed_in(app, lab.member)
    other_user = signed_in(app, lab.lead)
    token = csrf_from(laptop.get("/").get_data(as_text=True))
    laptop.post("/logout", data={"csrf_token": token})
    assert is_signed_out(phone)
    assert not is_signed_out(other_user)
    # signing in again works, with a session of the new epoch
    assert not is_signed_out(signed_in(app, lab.member))


def test_a_password_set_by_an_admin_ends_the_sessions(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    thief = stolen_copy(app, signed_in(app, lab.member))
    response = client.patch(
        f"/api/v1/users/{lab.member.id}",
        json={"password": "a-brand-new-password"},
        headers=auth(db, lab.admin),
    )
    assert response.status_code == 200
    assert is_signed_out(thief)


def test_new_roles_end_the_sessions(app: Flask, client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    browser = signed_in(app, lab.member)
    response = client.patch(
        f"/api/v1/users/{lab.member.id}",
        json={"roles": ["team_member", "leader"]},
        headers=auth(db, lab.admin),
    )
    assert response.status_code == 200
    assert is_signed_out(browser)


def test_a_name_change_keeps_the_sessions(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    browser = signed_in(app, lab.member)
    response = client.patch(
        f"/api/v1/users/{lab.member.id}", json={"full_name": "Ny Navn"}, headers=auth(db, lab.admin)
    )
    assert response.status_code == 200
    assert not is_signed_out(browser)


def test_deactivation_ends_the_sessions(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    browser = signed_in(app, lab.member)
    response = client.patch(
        f"/api/v1/users/{lab.member.id}", json={"active": False}, headers=auth(db, lab.admin)
    )
    assert response.status_code == 200
    assert is_signed_out(browser)


def test_a_session_ends_at_its_absolute_lifetime_however_busy(
    app: Flask, db: scoped_session
) -> None:
    lab = make_lab(db)
    browser = signed_in(app, lab.member)
    max_age = int(app.config["SESSION_MAX_AGE_SECONDS"])
    with browser.session_transaction() as session:
        session["since"] = int(time.time()) - max_age + 60
    assert not is_signed_out(browser)  # still within its lifetime, and used all along
    with browser.session_transaction() as session:
        session["since"] = int(time.time()) - max_age - 1
    assert is_signed_out(browser)
