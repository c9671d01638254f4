"""One login limit per account and per client address, shared by the API and the pages (and,
being rows in the database, by every worker); a timing-safe answer for unknown user names."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import PASSWORD, make_lab
from tests.web.test_login import csrf_from
from velferdslab.auth import services as auth_services
from velferdslab.users import services

TOKEN = "/api/v1/auth/token"


LIMITS = (
    "LOGIN_FAILURES_PER_ACCOUNT",
    "LOGIN_FAILURES_PER_ADDRESS",
    "LOGIN_ADDRESS_DELAY_SECONDS",
)


@pytest.fixture
def limits(app: Flask) -> Any:
    saved = {k: app.config.get(k) for k in LIMITS}
    app.config.update(
        LOGIN_FAILURES_PER_ACCOUNT=4, LOGIN_FAILURES_PER_ADDRESS=6, LOGIN_ADDRESS_DELAY_SECONDS=0
    )
    yield app.config
    app.config.update(saved)


def api_login(client: FlaskClient, username: str, password: str, ip: str = "198.51.100.1") -> int:
    response = client.post(
        TOKEN,
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )
    return response.status_code


def page_login(client: FlaskClient, username: str, password: str, ip: str = "198.51.100.1") -> Any:
    page = client.get("/login", environ_base={"REMOTE_ADDR": ip})
    return client.post(
        "/login",
        data={"username": username, "password": password,
              "csrf_token": csrf_from(page.get_data(as_text=True))},
        environ_base={"REMOTE_ADDR": ip},
    )  # fmt: skip


def test_failures_on_the_api_lock_the_account_on_the_pages_too_from_any_address(
    limits: Any, client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    for n in range(4):  # from four addresses
        assert api_login(client, lab.member.username, "wrong", ip=f"203.0.113.{n}") == 401
    # now even the right password, from a fifth address, on the page, is refused
    response = page_login(client, lab.member.username, PASSWORD, ip="192.0.2.77")
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert "For mange mislykkede innlogginger" in response.get_data(as_text=True)
    assert api_login(client, lab.member.username, PASSWORD, ip="192.0.2.78") == 429
    # another account is not affected
    assert api_login(client, lab.lead.username, PASSWORD, ip="192.0.2.79") == 200


def test_failures_on_the_pages_count_for_the_api_per_address(
    limits: Any, client: FlaskClient, db: scoped_session
) -> None:
    for n in range(6):  # different (even unknown) user names, one address
        assert page_login(client, f"guess{n}", "wrong").status_code == 401
    assert api_login(client, "guess", "wrong") == 429
    assert api_login(client, "guess", "wrong", ip="198.51.100.2") == 401


def test_a_forwarded_address_does_not_escape_the_limit_without_a_configured_proxy(
    limits: Any, client: FlaskClient, db: scoped_session
) -> None:
    for n in range(6):
        response = client.post(
            TOKEN,
            json={"username": f"guess{n}", "password": "wrong"},
            headers={"X-Forwarded-For": f"10.0.0.{n}"},
        )
        assert response.status_code == 401
    response = client.post(
        TOKEN,
        json={"username": "guess", "password": "wrong"},
        headers={"X-Forwarded-For": "10.9.9.9"},
    )
    assert response.status_code == 429


def test_an_unknown_user_name_costs_a_password_check_like_a_known_one(
    client: FlaskClient, db: scoped_session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer's time does not tell whether the user name exists: argon2 runs either way."""
    lab = make_lab(db)
    checks: list[str] = []
    real = services.verify_password

    def counting(hash_: str, password: str) -> bool:
        checks.append(hash_)
        return real(hash_, password)

    monkeypatch.setattr(auth_services, "verify_password", counting)
    assert api_login(client, lab.member.username, "wrong") == 401
    assert api_login(client, "no-such-user", "wrong") == 401
    assert len(checks) == 2
    assert all(h.startswith("$argon2id$") for h in checks)
    # the same cost parameters: the same time
    assert checks[0].split("$")[3] == checks[1].split("$")[3]
