"""The second factor is not guessable through the API (issue 23, finding 3): a wrong `otp` with
the right password counts in the one login limit, as on the page, under a lower limit of its
own; while locked even the right code is refused; the admin page shows the guessing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD, make_lab, make_user
from tests.web.test_login import csrf_from
from velferdslab.vocabulary import Role

TOKEN = "/api/v1/auth/token"
SETTINGS = ("ADMIN_TOTP", "LOGIN_FAILURES_PER_ACCOUNT", "LOGIN_FAILURES_PER_ADDRESS")


@pytest.fixture
def totp_on(app: Flask) -> Iterator[Any]:
    saved = {k: app.config.get(k) for k in SETTINGS}
    app.config.update(ADMIN_TOTP=True, LOGIN_FAILURES_PER_ACCOUNT=10, LOGIN_FAILURES_PER_ADDRESS=30)
    yield app.config
    app.config.update(saved)


def test_wrong_codes_through_the_api_lock_the_account_and_alert_the_admin_page(
    totp_on: Any, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    secret = pyotp.random_base32()
    lab.admin.totp_secret = secret
    db.flush()
    credentials = {"username": lab.admin.username, "password": PASSWORD}

    answers = []
    for guess in range(25):
        answer = client.post(TOKEN, json={**credentials, "otp": f"{guess:06d}"})
        answers.append(answer.status_code)
    right = client.post(TOKEN, json={**credentials, "otp": pyotp.TOTP(secret).now()})

    assert answers[:5] == [401] * 5  # a lower limit than a password's (10)
    assert set(answers[5:]) == {429}
    assert right.status_code == 429 and right.headers["Retry-After"]

    totp_on["ADMIN_TOTP"] = False  # another admin reads the admin page
    colleague = make_user(db, Role.ADMIN, municipality=lab.municipality)
    login = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={"csrf_token": csrf_from(login), "username": colleague.username, "password": PASSWORD},
    )
    page = client.get("/admin").get_data(as_text=True)
    assert "Feil koder for andre faktor" in page
    assert f"{lab.admin.username}: 5 feil koder" in page
