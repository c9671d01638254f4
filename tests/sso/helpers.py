"""A real OpenID provider for the tests (oidc-provider-mock, on 127.0.0.1), and the steps a
browser takes through it, done with plain HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import oidc_provider_mock
import requests
from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from oidc_provider_mock._storage import storage
from werkzeug.serving import make_server

CLIENT_ID = "velferdslab-test"
ASKER_NAV_MEMBER = "Velferdslab.Teammedlem.NAV"
ASKER_LEAD = "Velferdslab.Investeringsleder"


@dataclass
class Provider:
    issuer: str
    key: RSAKey  # the provider's own signing key: to sign expired or otherwise bad tokens

    def set_user(self, sub: str, claims: Mapping[str, Any]) -> None:
        response = requests.put(f"{self.issuer}/users/{sub}", json=dict(claims), timeout=10)
        assert response.status_code == 204, response.text

    def id_token(self, sub: str, client_id: str = CLIENT_ID) -> str:
        """A genuine ID token for `sub`, issued to `client_id` (code flow, done by hand)."""
        redirect_uri = "http://127.0.0.1/callback"
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid profile email",
            "state": "s",
            "nonce": "n",
        }
        answer = requests.post(
            f"{self.issuer}/oauth2/authorize",
            params=query,
            data={"sub": sub},
            allow_redirects=False,
            timeout=10,
        )
        code = dict(p.split("=", 1) for p in urlsplit(answer.headers["Location"]).query.split("&"))
        token = requests.post(
            f"{self.issuer}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code["code"],
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "client_secret": "x",
            },
            timeout=10,
        )
        assert token.status_code == 200, token.text
        return str(token.json()["id_token"])

    def sign(self, claims: Mapping[str, Any], key: RSAKey | None = None) -> str:
        signer = key or self.key
        header = {"alg": "RS256", "kid": self.key.kid}
        return jwt.encode(header, dict(claims), signer)


@contextmanager
def running_provider(token_lifetime: timedelta = timedelta(hours=1)) -> Iterator[Provider]:
    app = oidc_provider_mock.app(access_token_max_age=token_lifetime)
    with app.test_request_context():
        app.preprocess_request()  # the mock keeps its key in a per-app storage
        key = storage.jwk
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield Provider(
            f"http://127.0.0.1:{server.server_port}",
            RSAKey.import_key(key.as_dict(is_private=True)),
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def write_sso_file(folder: Path, providers: Mapping[str, str]) -> Path:
    """A mapping file with one provider per (name → issuer), each mapping Asker's roles."""
    text = ""
    for name, issuer in providers.items():
        text += f'''
[[provider]]
name = "{name}"
title = "Asker kommune ({name})"
issuer = "{issuer}"
client_id = "{CLIENT_ID}"
client_secret_env = "VELFERDSLAB_TEST_SSO_SECRET"
claim = "roles"

[[provider.rule]]
value = "{ASKER_NAV_MEMBER}"
roles = ["team_member"]
municipality = "3203"
agency = "NAV Asker"

[[provider.rule]]
value = "{ASKER_LEAD}"
roles = ["investment_lead"]
municipality = "3203"
'''
    path = folder / "sso.toml"
    path.write_text(text)
    return path


def sign_in(client: FlaskClient, sub: str, provider: str = "asker") -> tuple[Any, str]:
    """The test client's browser steps: our login link, the provider's form, our callback.
    Returns the callback's answer and the callback URL (to replay it)."""
    start = client.get(f"/sso/{provider}/login")
    assert start.status_code == 302, start.data
    authorize = start.location
    assert "code_challenge=" in authorize and "code_challenge_method=S256" in authorize
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    callback = answer.headers["Location"]
    parts = urlsplit(callback)
    path = f"{parts.path}?{parts.query}"
    return client.get(path), path


def wait_until(moment: float) -> None:
    while time.time() < moment:
        time.sleep(0.1)
