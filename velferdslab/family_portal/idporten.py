"""The family's sign-in client: ID-porten (OpenID Connect) through Authlib, a client of its own
beside the staff providers (velferdslab.auth.oidc), configured by IDPORTEN_* settings.

Authlib makes the authorization request (code flow, PKCE S256, state, nonce) and checks the ID
token (signature against the provider's JWKS, iss, aud, exp, nonce); the eID level (`acr`) and
who the person is (`pid`) are the policy's (velferdslab.policy.family). The back-channel logout
token is checked here, against the same keys.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from flask import Flask, current_app

from velferdslab.auth.oidc import decode_signed
from velferdslab.policy.family import ACR_LEVELS
from velferdslab.settings import ConfigurationError

EXTENSION = "velferdslab_idporten"
CLIENT = "idporten"
LEEWAY_SECONDS = 60
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


@dataclass(frozen=True)
class Settings:
    issuer: str
    client_id: str
    client_secret: str
    acr: str
    idle_seconds: int
    max_seconds: int

    @property
    def origin(self) -> str:
        parsed = urlparse(self.issuer)
        return f"{parsed.scheme}://{parsed.netloc}"


def read_settings(config: Any) -> Settings | None:
    """The settings, or None when the family pages are off (no issuer or client id)."""
    issuer = str(config.get("IDPORTEN_ISSUER") or "").strip()
    client_id = str(config.get("IDPORTEN_CLIENT_ID") or "").strip()
    age = int(config.get("FAMILY_PORTAL_MIN_AGE", 16))
    if not 15 <= age <= 18:
        raise ConfigurationError("FAMILY_PORTAL_MIN_AGE must be 15 to 18.")
    acr = str(config.get("IDPORTEN_ACR") or "idporten-loa-substantial")
    if acr not in ACR_LEVELS:
        raise ConfigurationError(f"IDPORTEN_ACR must be one of {', '.join(ACR_LEVELS)}.")
    if not issuer or not client_id:
        return None
    return Settings(
        issuer=issuer.rstrip("/"),
        client_id=client_id,
        client_secret=str(config.get("IDPORTEN_CLIENT_SECRET") or ""),
        acr=acr,
        idle_seconds=int(config.get("FAMILY_SESSION_IDLE_SECONDS", 900)),
        max_seconds=int(config.get("FAMILY_SESSION_MAX_SECONDS", 7200)),
    )


def init_app(app: Flask) -> None:
    # The Authlib registry is made at the first sign-in (`client`), not at start.
    app.extensions[EXTENSION] = {"oauth": None, "settings": read_settings(app.config)}


def settings() -> Settings | None:
    found: Settings | None = current_app.extensions[EXTENSION]["settings"]
    return found


_registry_lock = threading.Lock()


def client() -> Any:
    state = current_app.extensions[EXTENSION]
    with _registry_lock:
        if state["oauth"] is None:
            from authlib.integrations.flask_client import OAuth

            oauth = OAuth()
            # not init_app: that would take the staff client's place in app.extensions
            oauth.app = current_app._get_current_object()  # type: ignore[attr-defined]
            found = state["settings"]
            if found is not None:
                oauth.register(
                    CLIENT,
                    client_id=found.client_id,
                    client_secret=found.client_secret or None,
                    server_metadata_url=found.issuer + "/.well-known/openid-configuration",
                    client_kwargs={"scope": "openid profile", "code_challenge_method": "S256"},
                )
            state["oauth"] = oauth
    return state["oauth"].create_client(CLIENT)


class InvalidLogoutToken(ValueError):
    """A back-channel logout token that does not prove the provider sent it."""


def logout_claims(found: Settings, token: str) -> dict[str, Any]:
    """The claims of a back-channel logout token (OpenID Connect Back-Channel Logout 1.0 §2.6):
    signed by the provider, for this client, recent, with the logout event, and no nonce."""
    from joserfc import jwt
    from joserfc.errors import JoseError

    try:
        decoded, metadata = decode_signed(client(), token)
        jwt.JWTClaimsRegistry(
            now=int(time.time()),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": metadata.get("issuer", found.issuer)},
            aud={"essential": True, "value": found.client_id},
            iat={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        raise InvalidLogoutToken(str(error) or type(error).__name__) from error
    claims = dict(decoded.claims)
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
        raise InvalidLogoutToken("no back-channel logout event")
    if "nonce" in claims:
        raise InvalidLogoutToken("a logout token carries no nonce")
    if not claims.get("sid") and not claims.get("sub"):
        raise InvalidLogoutToken("neither sid nor sub")
    return claims
