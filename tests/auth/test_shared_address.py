"""Many people behind one address (issue 23, finding 12): the address limit never refuses a
right password, only slows and refuses guesses; a forwarded header while PROXY_COUNT = 0 is
warned of, and then does not open /metrics to every client behind the proxy."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD, make_lab
from tests.web.test_login import csrf_from

TOKEN = "/api/v1/auth/token"
NAT = "198.51.100.7"
SETTINGS = (
    "LOGIN_FAILURES_PER_ACCOUNT",
    "LOGIN_FAILURES_PER_ADDRESS",
    "LOGIN_ADDRESS_DELAY_SECONDS",
    "METRICS_TOKEN",
)


@pytest.fixture
def settings(app: Flask) -> Iterator[Any]:
    saved = {k: app.config.get(k) for k in SETTINGS}
    app.config.update(
        LOGIN_FAILURES_PER_ACCOUNT=4, LOGIN_FAILURES_PER_ADDRESS=6, LOGIN_ADDRESS_DELAY_SECONDS=0
    )
    yield app.config
    app.config.update(saved)


def api_login(client: FlaskClient, username: str, password: str) -> int:
    answer = client.post(
        TOKEN, json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": NAT}
    )
    return answer.status_code


def test_colleagues_behind_one_address_still_sign_in_after_someone_guessed_from_it(
    settings: Any, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    for n in range(6):
        assert api_login(client, f"guess{n}", "wrong") == 401
    # the address is now busy: a guess is refused, a colleague's right password is not
    assert api_login(client, lab.lead.username, "wrong") == 429
    assert api_login(client, lab.lead.username, PASSWORD) == 200
    page = client.get("/login", environ_base={"REMOTE_ADDR": NAT}).get_data(as_text=True)
    signed_in = client.post(
        "/login",
        data={"csrf_token": csrf_from(page), "username": lab.member.username, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": NAT},
    )
    assert signed_in.status_code == 302


def test_a_busy_address_waits_before_each_attempt(
    settings: Any, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    for n in range(6):
        api_login(client, f"guess{n}", "wrong")
    settings["LOGIN_ADDRESS_DELAY_SECONDS"] = 0.5
    started = time.monotonic()
    assert api_login(client, lab.lead.username, PASSWORD) == 200
    assert time.monotonic() - started >= 0.5


def test_a_forwarded_address_without_a_configured_proxy_is_warned_of_once(
    app: Flask, client: FlaskClient, db: scoped_session, caplog: pytest.LogCaptureFixture
) -> None:
    app.extensions.pop("velferdslab_warned_of_proxy", None)
    with caplog.at_level(logging.WARNING):
        client.get("/login", headers={"X-Forwarded-For": "203.0.113.9"})
        client.get("/login", headers={"X-Forwarded-For": "203.0.113.10"})
    warnings = [r for r in caplog.records if "PROXY_COUNT" in r.getMessage()]
    assert len(warnings) == 1
    assert "X-Forwarded-For" in warnings[0].getMessage()


def test_metrics_are_not_open_through_an_unconfigured_proxy_on_this_machine(
    settings: Any, app: Flask, db: scoped_session
) -> None:
    client = app.test_client()  # from 127.0.0.1, an allowed address
    assert client.get("/metrics").status_code == 200
    # a proxy on this machine that the service was not told of: every client comes from it
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get("/metrics", headers=forwarded).status_code == 404
    settings["METRICS_TOKEN"] = "scrape-secret"
    bearer = {**forwarded, "Authorization": "Bearer scrape-secret"}
    assert client.get("/metrics", headers=bearer).status_code == 200
