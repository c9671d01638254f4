"""An app with the family pages switched on against ID-porten played by oidc-provider-mock on
127.0.0.1 (the provider fixture of tests/sso), on the suite's database."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.family_portal.helpers import CLIENT_SECRET
from tests.sso import conftest as sso_fixtures
from tests.sso.helpers import CLIENT_ID, Provider
from velferdslab.app import create_app

# ID-porten is played by the single sign-on tests' running oidc-provider-mock
provider = sso_fixtures.provider


@pytest.fixture(scope="session")
def portal_app(
    app: Flask, database_url: str, provider: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Flask:
    """The suite's database (migrated by `app`), with the family pages configured."""
    return create_app(
        {
            "ENV": "test",
            "DATABASE_URL": database_url,
            "SECRET_KEY": "family-test-secret-not-for-production",
            "REPORT_DIR": str(tmp_path_factory.mktemp("family")),
            "JOBS": "inline",
            "IDPORTEN_ISSUER": provider.issuer,
            "IDPORTEN_CLIENT_ID": CLIENT_ID,
            "IDPORTEN_CLIENT_SECRET": CLIENT_SECRET,
        }
    )


@pytest.fixture
def family_client(portal_app: Flask, db: scoped_session) -> FlaskClient:
    portal_app.extensions["velferdslab_limiter"].reset()
    return portal_app.test_client()
