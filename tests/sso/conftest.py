"""An app whose mapping file names three providers on 127.0.0.1: `asker` (ID tokens for an
hour) and `short` (ID tokens for 3 seconds), both oidc-provider-mock started by the suite, and
`down`, where nothing answers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.sso.helpers import Provider, running_provider, write_sso_file
from velferdslab.app import create_app

SHORT_SECONDS = 3
DOWN = "http://127.0.0.1:9"


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    # plain http on 127.0.0.1 in tests only; Authlib refuses it otherwise
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    os.environ["VELFERDSLAB_TEST_SSO_SECRET"] = "test-client-secret"
    with running_provider() as running:
        yield running


@pytest.fixture(scope="session")
def short_provider() -> Iterator[Provider]:
    with running_provider(timedelta(seconds=SHORT_SECONDS)) as running:
        yield running


@pytest.fixture(scope="session")
def sso_app(
    app: Flask,
    database_url: str,
    provider: Provider,
    short_provider: Provider,
    tmp_path_factory: pytest.TempPathFactory,
) -> Flask:
    """The suite's database (migrated by `app`), with single sign-on configured."""
    folder = tmp_path_factory.mktemp("sso")
    path = write_sso_file(
        folder,
        # `down`: nothing listens on port 9 (discard) of this machine
        {"asker": provider.issuer, "short": short_provider.issuer, "down": DOWN},
    )
    return create_app(
        {
            "ENV": "test",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "sso-test-secret-not-for-production",
            "REPORT_DIR": str(folder),
            "REPORT_JOBS": "inline",
            "SSO_FILE": str(path),
        }
    )


@pytest.fixture
def sso_client(sso_app: Flask, db: scoped_session) -> FlaskClient:
    sso_app.extensions["velferdslab_limiter"].reset()
    return sso_app.test_client()
