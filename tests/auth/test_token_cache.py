"""The per-worker memory of bearer tokens: it saves the query, never the rules (see
velferdslab.auth.tokens for the window it may delay a change made by another worker)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_lab
from velferdslab.auth import tokens
from velferdslab.extensions import db as flask_db


@pytest.fixture
def statements(app: Flask, db: scoped_session) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = flask_db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def token_queries(statements: list[str]) -> int:
    return sum("FROM api_token" in s for s in statements)


def test_a_token_is_looked_up_once_then_remembered(
    app: Flask, client: FlaskClient, db: scoped_session, statements: list[str]
) -> None:
    assert app.config["TOKEN_CACHE_SECONDS"] > 0
    lab = make_lab(db)
    headers = auth(db, lab.member)
    assert client.get("/api/v1/families", headers=headers).status_code == 200
    assert token_queries(statements) == 1
    assert client.get("/api/v1/families", headers=headers).status_code == 200
    response = client.get(f"/api/v1/users/{lab.member.id}", headers=auth(db, lab.admin))
    assert response.get_json()["roles"] == ["team_member"]
    assert token_queries(statements) == 2  # the member's token once, the admin's once


def test_expiry_is_exact_even_when_remembered(
    client: FlaskClient, db: scoped_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.member)  # valid for an hour
    assert client.get("/api/v1/families", headers=headers).status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(tokens, "utcnow", lambda: later)
    assert client.get("/api/v1/families", headers=headers).status_code == 401


def test_a_change_made_elsewhere_counts_within_the_window(
    client: FlaskClient, db: scoped_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another worker revokes the token: this one notices when its copy is TOKEN_CACHE_SECONDS
    old. (A change made through this process's sessions clears the memory at once.)"""
    lab = make_lab(db)
    headers = auth(db, lab.member)
    assert client.get("/api/v1/families", headers=headers).status_code == 200
    # As another process would: SQL this process's sessions do not see as a change of tokens.
    db.execute(text("UPDATE api_token SET revoked_at = expires_at"))
    assert client.get("/api/v1/families", headers=headers).status_code == 200
    now = tokens.time.monotonic()
    monkeypatch.setattr(tokens.time, "monotonic", lambda: now + 5)
    assert client.get("/api/v1/families", headers=headers).status_code == 401


def test_deactivating_a_user_in_this_process_forgets_at_once(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.member)
    assert client.get("/api/v1/families", headers=headers).status_code == 200
    lab.member.active = False
    db.flush()
    assert client.get("/api/v1/families", headers=headers).status_code == 401


def test_what_a_request_does_to_its_user_stays_in_the_request(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    token = auth(db, lab.member)["Authorization"].split()[1]
    assert client.get("/api/v1/families", headers={"Authorization": f"Bearer {token}"}).status_code
    with app.test_request_context():
        user = tokens.user_for_token(flask_db.session, token, max_age=5)
        assert user is not None and user in flask_db.session
        user.full_name = "Changed, never flushed"
        flask_db.session.rollback()
    with app.test_request_context():
        again = tokens.user_for_token(flask_db.session, token, max_age=5)
        assert again is not None and again.full_name == "Test Testesen"
        assert again.roles == {"team_member"}
