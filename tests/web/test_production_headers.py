"""What a browser receives from a production server: the session cookie's flags and HSTS."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from velferdslab.app import create_app


def make(database_url: str, tmp_path_factory: pytest.TempPathFactory, **config: object) -> Flask:
    return create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "production-test-secret-not-for-real-use",
            "REPORT_DIR": str(tmp_path_factory.mktemp("reports")),
            **config,
        }
    )


@pytest.fixture(scope="module")
def production(
    database_url: str, app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    # `app` first: it migrates the test database this one reads.
    yield make(database_url, tmp_path_factory, ENV="production")


def session_cookie(response: TestResponse) -> str:
    headers = [h for h in response.headers.getlist("Set-Cookie") if "velferdslab_session=" in h]
    assert len(headers) == 1, response.headers
    return headers[0]


def flags(header: str) -> set[str]:
    cookie = SimpleCookie()
    cookie.load(header)
    morsel = cookie["velferdslab_session"]
    found = {name for name in ("secure", "httponly") if morsel[name]}
    if morsel["samesite"]:
        found.add(f"samesite={morsel['samesite'].lower()}")
    return found


def test_production_sends_the_session_cookie_only_over_https(production: Flask) -> None:
    browser = production.test_client()
    response = browser.get("/login", base_url="https://velferdslab.kommune.no")
    assert response.status_code == 200
    assert flags(session_cookie(response)) == {"secure", "httponly", "samesite=lax"}
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert response.headers["Cache-Control"] == "no-store"


def test_behind_a_configured_proxy_https_is_seen_and_the_client_address_is_believed(
    database_url: str, app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> None:
    proxied = make(database_url, tmp_path_factory, ENV="production", PROXY_COUNT=1)
    response = proxied.test_client().get(
        "/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    )
    assert "secure" in flags(session_cookie(response))
    assert "Strict-Transport-Security" in response.headers


def test_without_a_configured_proxy_forwarded_headers_are_not_believed(production: Flask) -> None:
    response = production.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_a_development_server_on_plain_http_keeps_its_session(
    database_url: str, app: Flask, tmp_path_factory: pytest.TempPathFactory
) -> None:
    development = make(database_url, tmp_path_factory, ENV="development")
    response = development.test_client().get("/login")
    assert flags(session_cookie(response)) == {"httponly", "samesite=lax"}
