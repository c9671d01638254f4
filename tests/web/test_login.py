"""Signing in to the pages: session cookie, CSRF, security headers, language, errors as pages."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD, make_lab


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "the form carries a CSRF token"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/login")
    token = csrf_from(page.get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def test_pages_need_a_signed_in_user(client: FlaskClient, db: scoped_session) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_sign_in_and_out_in_norwegian_by_default(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    page = client.get("/login").get_data(as_text=True)
    assert "Logg inn" in page and 'lang="nb"' in page
    response = login(client, lab.lead.username)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert lab.lead.full_name in home
    token = csrf_from(home)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_shows_the_form_again_with_a_message(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    response = login(client, lab.lead.username, "not-the-password")
    assert response.status_code == 401
    assert "Feil brukernavn eller passord" in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    response = client.post("/login", data={"username": lab.lead.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "text/html" in response.content_type


def test_session_cookie_and_security_headers(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    response = login(client, lab.lead.username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "no-store"
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 1800


def test_english_can_be_chosen(client: FlaskClient, db: scoped_session) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/language", data={"language": "en", "next": "/login", "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 302
    english = client.get("/login").get_data(as_text=True)
    assert "Sign in" in english and 'lang="en"' in english


def test_an_unknown_page_is_a_404_page_not_json(client: FlaskClient, db: scoped_session) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "text/html" in response.content_type


def test_the_stylesheet_comes_without_a_database_read(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    from sqlalchemy import event

    from velferdslab.extensions import db as flask_db

    lab = make_lab(db)
    login(client, lab.member.username)
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    with app.app_context():
        engine = flask_db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        with client.get("/static/velferdslab.css") as sheet:
            assert sheet.status_code == 200 and sheet.mimetype == "text/css"
            assert "Content-Security-Policy" in sheet.headers
        assert statements == []  # fetched with every page: no user lookup for it
        client.get("/families")
        assert statements, "a page still reads its user"
    finally:
        event.remove(engine, "before_cursor_execute", record)
