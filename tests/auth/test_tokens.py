"""Logging in to the API: tokens, wrong passwords, inactive users, revocation, rate limits."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD, make_lab, make_user, token_for
from velferdslab.audit.models import AuditEvent
from velferdslab.users.models import ApiToken
from velferdslab.vocabulary import Role


def test_a_token_opens_the_api_and_is_stored_only_hashed(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    response = client.post(
        "/api/v1/auth/token", json={"username": lab.lead.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    stored = db.scalars(select(ApiToken.token_hash)).all()
    assert body["access_token"] not in stored and len(stored) == 1
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/api/v1/families", headers=headers).status_code == 200


def test_wrong_password_is_401_in_the_error_shape_and_audited(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    response = client.post(
        "/api/v1/auth/token", json={"username": lab.lead.username, "password": "wrong-password"}
    )
    assert response.status_code == 401
    body = response.get_json()
    assert body["code"] == 401 and body["status"] == "Unauthorized"
    assert "password" in body["message"] and body["errors"] == {}
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert [e.user_id for e in events] == [lab.lead.id]


def test_an_inactive_user_cannot_log_in(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    gone = make_user(db, Role.TEAM_MEMBER, municipality=lab.municipality, active=False)
    response = client.post(
        "/api/v1/auth/token", json={"username": gone.username, "password": PASSWORD}
    )
    assert response.status_code == 401


def test_no_token_or_a_bad_one_is_401(client: FlaskClient, db: scoped_session) -> None:
    assert client.get("/api/v1/families").status_code == 401
    response = client.get("/api/v1/families", headers={"Authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_or_expired_token_no_longer_works(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    headers = {"Authorization": f"Bearer {token_for(client, lab.lead)}"}
    assert client.post("/api/v1/auth/revoke", headers=headers).get_json() == {"revoked": True}
    assert client.get("/api/v1/families", headers=headers).status_code == 401

    headers = {"Authorization": f"Bearer {token_for(client, lab.lead)}"}
    for row in db.scalars(select(ApiToken)).all():
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    db.flush()
    assert client.get("/api/v1/families", headers=headers).status_code == 401


def test_repeated_failed_logins_are_refused_with_429(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    wrong = {"username": lab.lead.username, "password": "not-the-password"}
    codes = [client.post("/api/v1/auth/token", json=wrong).status_code for _ in range(12)]
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]
    response = client.post(
        "/api/v1/auth/token", json={"username": lab.lead.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert response.get_json()["code"] == 429
