"""A provider's token proves a sign-in once (issue 23, finding 4): the readable session cookie
holds no token, no e-mail and no second-factor secret; POST /auth/token refuses an assertion
already exchanged (or already used by the web sign-in) and one issued before the user's last
sign-out; sign-out revokes the API tokens the provider's assertions gave."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD
from tests.sso.helpers import ASKER_LEAD, Provider, sign_in
from tests.sso.test_sign_in import asker, csrf, events, person

TOKEN = "/api/v1/auth/token"


def cookie(client: FlaskClient, app: Flask) -> dict[str, Any]:
    value = client.get_cookie("velferdslab_session")
    assert value is not None
    payload: dict[str, Any] = app.session_interface.get_signing_serializer(app).loads(  # type: ignore[attr-defined]
        value.value
    )
    return payload


def exchange(client: FlaskClient, assertion: str) -> Any:
    return client.post(TOKEN, json={"provider": "asker", "assertion": assertion})


def test_the_session_cookie_holds_no_token_and_no_personal_data(
    sso_client: FlaskClient, sso_app: Flask, db: scoped_session, provider: Provider
) -> None:
    asker(db)
    person(provider, "cookie", ASKER_LEAD)
    answer, _ = sign_in(sso_client, "cookie")
    assert answer.status_code == 302

    text = json.dumps(cookie(sso_client, sso_app))
    assert not re.search(r"eyJ[\w-]+\.[\w-]+\.", text), "no JWT in the cookie"
    assert "asker.kommune.no" not in text and "Cookie Nordmann" not in text
    # the web sign-in's ID token, kept server-side, is not exchanged for an API token as well
    from velferdslab.auth.models import UsedAssertion

    digest = cookie(sso_client, sso_app)["sso"]["token"]
    id_token = db.scalar(select(UsedAssertion.id_token).where(UsedAssertion.digest == digest))
    assert id_token and exchange(sso_client, id_token).status_code == 401


def test_an_assertion_is_exchanged_once_and_never_after_sign_out(
    sso_client: FlaskClient, db: scoped_session, provider: Provider
) -> None:
    asker(db)
    person(provider, "sigrid", ASKER_LEAD)
    first, unused = provider.id_token("sigrid"), provider.id_token("sigrid")

    bearer = exchange(sso_client, first).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {bearer}"}
    assert sso_client.get("/api/v1/families", headers=headers).status_code == 200
    replayed = exchange(sso_client, first)
    sign_in(sso_client, "sigrid")
    home = sso_client.get("/families").get_data(as_text=True)
    sso_client.post("/logout", data={"csrf_token": csrf(home)})

    assert replayed.status_code == 401
    assert sso_client.get("/api/v1/families", headers=headers).status_code == 401
    assert exchange(sso_client, unused).status_code == 401  # issued before the sign-out
    time.sleep(1.1)
    assert exchange(sso_client, provider.id_token("sigrid")).status_code == 200
    reasons = [e.details["reason"] for e in events(db, "login_refused")]
    assert {"assertion_reused", "issued_before_sign_out"} <= set(reasons)


def test_the_second_factors_enrolment_secret_stays_out_of_the_cookie(
    sso_client: FlaskClient, sso_app: Flask, db: scoped_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = asker(db)
    monkeypatch.setitem(sso_app.config, "ADMIN_TOTP", True)
    page = sso_client.get("/login").get_data(as_text=True)
    form = {"csrf_token": csrf(page), "username": lab.admin.username, "password": PASSWORD}
    assert sso_client.post("/login", data=form).status_code == 302

    enrol = sso_client.get("/login/second-factor").get_data(as_text=True)
    match = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', enrol)
    assert match
    assert match.group(1) not in json.dumps(cookie(sso_client, sso_app))
    # the same secret on the next visit: it is kept on the account until enrolled
    again = sso_client.get("/login/second-factor").get_data(as_text=True)
    assert match.group(1) in again
