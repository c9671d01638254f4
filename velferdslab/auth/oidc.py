"""OpenID Connect providers (Entra ID, Ansattporten, …) read from the mapping file sso.toml, and
the mapping of a token's claims to Velferdslab's roles, municipality and agency.

The sign-in itself (authorization code flow with PKCE, state, nonce, the ID token checked against
the provider's JWKS) is Authlib's Flask client; the pages are velferdslab.web.sso; creating and
refreshing the user is velferdslab.auth.provisioning. This module holds no Flask request state.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

if TYPE_CHECKING:
    from joserfc import jwt

from velferdslab.settings import ConfigurationError, config_file
from velferdslab.vocabulary import Role

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
ROLE_VALUES = frozenset(role.value for role in Role)


@dataclass(frozen=True)
class Rule:
    """A value of the provider's claim (an Entra app role, a group id, …) and what it grants."""

    value: str
    roles: tuple[str, ...]
    municipality: str | None = None  # kommunenummer; None: no municipality from this rule
    agency: str | None = None  # the agency's name in that municipality


@dataclass(frozen=True)
class Provider:
    name: str
    title: str
    issuer: str
    client_id: str
    client_secret: str | None
    scopes: tuple[str, ...]
    acr_values: str
    claim: str
    username_claim: str
    name_claim: str
    email_claim: str
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def digest(self) -> str:
        """A fingerprint of the mapping: audited when it changes."""
        text = json.dumps(
            [[rule.value, list(rule.roles), rule.municipality, rule.agency] for rule in self.rules]
            + [self.claim, self.issuer, self.client_id],
            ensure_ascii=False,
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def describe_rules(self) -> list[dict[str, Any]]:
        return [
            {
                "value": rule.value,
                "roles": list(rule.roles),
                "municipality": rule.municipality,
                "agency": rule.agency,
            }
            for rule in self.rules
        ]


@dataclass(frozen=True)
class Mapped:
    """What the claims grant: roles, and at most one municipality and agency."""

    roles: tuple[str, ...]
    municipality: str | None
    agency: str | None
    matched: tuple[str, ...]


class MappingConflict(ValueError):
    """The claims match rules that disagree about the municipality or the agency."""


def load_providers(path: Path) -> list[Provider]:
    """The providers of a mapping file; a mistake in it stops the service at start."""
    if not path.is_file():
        return []
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    providers = [_provider(entry, path) for entry in data.get("provider", [])]
    names = [provider.name for provider in providers]
    if len(names) != len(set(names)):
        raise ConfigurationError(f"{path}: two providers have the same name.")
    return providers


def _provider(entry: Mapping[str, Any], path: Path) -> Provider:
    where = f"{path}: provider {entry.get('name')!r}"
    name = str(entry.get("name", ""))
    if not NAME.fullmatch(name):
        raise ConfigurationError(f"{where}: name must be 1–40 of a–z, 0–9, - and _.")
    for key in ("issuer", "client_id"):
        if not entry.get(key):
            raise ConfigurationError(f"{where}: {key} is missing.")
    secret_env = entry.get("client_secret_env")
    secret = os.environ.get(secret_env) if secret_env else None
    if secret_env and not secret:
        raise ConfigurationError(f"{where}: the environment variable {secret_env} is not set.")
    rules = []
    for rule in entry.get("rule", []):
        roles = tuple(rule.get("roles", ()))
        unknown = sorted(set(roles) - ROLE_VALUES)
        if not rule.get("value") or not roles or unknown:
            raise ConfigurationError(
                f"{where}: every rule needs a value and roles from {sorted(ROLE_VALUES)}"
                + (f" (unknown: {', '.join(unknown)})" if unknown else "")
            )
        municipality = rule.get("municipality")
        if municipality is not None and not re.fullmatch(r"[0-9]{4}", str(municipality)):
            raise ConfigurationError(f"{where}: municipality must be a 4-digit kommunenummer.")
        rules.append(
            Rule(
                value=str(rule["value"]),
                roles=roles,
                municipality=None if municipality is None else str(municipality),
                agency=rule.get("agency"),
            )
        )
    if entry.get("link_existing_by_username"):
        # preferred_username is mutable and not unique across tenants: linking on it let any
        # identity with a local user's name take that account over (issue 23)
        raise ConfigurationError(
            f"{where}: link_existing_by_username is no longer supported. An admin links an "
            "existing account to the person's identity on the user's admin page."
        )
    scopes = entry.get("scopes", ["openid", "profile", "email"])
    if "openid" not in scopes:
        raise ConfigurationError(f"{where}: scopes must include openid.")
    return Provider(
        name=name,
        title=str(entry.get("title", name)),
        issuer=str(entry["issuer"]),
        client_id=str(entry["client_id"]),
        client_secret=secret,
        scopes=tuple(scopes),
        acr_values=str(entry.get("acr_values", "")),
        claim=str(entry.get("claim", "roles")),
        username_claim=str(entry.get("username_claim", "preferred_username")),
        name_claim=str(entry.get("name_claim", "name")),
        email_claim=str(entry.get("email_claim", "email")),
        rules=tuple(rules),
    )


def claim_values(claims: Mapping[str, Any], claim: str) -> list[str]:
    """The claim as a list of strings. Entra's `roles`/`groups` are lists; some providers send
    one space-separated string; a dotted path reaches into objects and lists of objects
    (Ansattporten's `authorization_details.resource`)."""
    values: list[Any] = [claims]
    for key in claim.split("."):
        values = [
            item.get(key)
            for value in values
            for item in (value if isinstance(value, list) else [value])
            if isinstance(item, Mapping)
        ]
    found: list[str] = []
    for value in values:
        if isinstance(value, str):
            found.extend(value.split())
        elif isinstance(value, list):
            found.extend(str(item) for item in value if not isinstance(item, Mapping | list))
        elif value is not None:
            found.append(str(value))
    return found


def map_claims(provider: Provider, claims: Mapping[str, Any]) -> Mapped:
    """The union of the roles of every rule the claims match; their municipality and agency must
    agree (a rule without one leaves it to the others)."""
    values = set(claim_values(claims, provider.claim))
    matched = [rule for rule in provider.rules if rule.value in values]
    municipalities = {rule.municipality for rule in matched if rule.municipality}
    agencies = {rule.agency for rule in matched if rule.agency}
    if len(municipalities) > 1 or len(agencies) > 1:
        raise MappingConflict(
            "The claims match rules with different municipalities or agencies: "
            + ", ".join(sorted(rule.value for rule in matched))
        )
    return Mapped(
        roles=tuple(sorted({role for rule in matched for role in rule.roles})),
        municipality=next(iter(municipalities), None),
        agency=next(iter(agencies), None),
        matched=tuple(rule.value for rule in matched),
    )


# The Flask side: one Authlib client per provider.

EXTENSION = "velferdslab_sso"


def init_app(app: Flask) -> None:
    path = config_file(str(app.config.get("SSO_FILE") or "sso.toml"))
    providers = load_providers(path)
    app.extensions[EXTENSION] = {
        "oauth": None,  # made at the first sign-in: see `client`
        "providers": {provider.name: provider for provider in providers},
        "path": path,
    }


_registry_lock = threading.Lock()


def client(name: str) -> Any:
    """The Authlib client of provider `name`. The registry is made when a sign-in first needs
    it, not at start: Authlib's Flask client brings requests and its HTTP stack (about 10 MB) into
    every worker, most of which never sign anyone in through a provider."""
    state = current_app.extensions[EXTENSION]
    with _registry_lock:
        if state["oauth"] is None:
            from authlib.integrations.flask_client import OAuth

            oauth = OAuth(current_app._get_current_object())  # type: ignore[attr-defined]
            for provider in state["providers"].values():
                oauth.register(
                    provider.name,
                    client_id=provider.client_id,
                    client_secret=provider.client_secret,
                    server_metadata_url=provider.metadata_url,
                    client_kwargs={
                        "scope": " ".join(provider.scopes),
                        "code_challenge_method": "S256",
                    },
                )
            state["oauth"] = oauth
    return state["oauth"].create_client(name)


def providers() -> dict[str, Provider]:
    registry: dict[str, Provider] = current_app.extensions[EXTENSION]["providers"]
    return registry


def decode_signed(oauth_client: Any, token: str) -> tuple[jwt.Token, dict[str, Any]]:
    """A JWT decoded against the signature keys of the provider `oauth_client` speaks to (its
    JWKS, fetched again once when the token names a key we do not hold: keys rotate), and the
    provider's metadata. Its claims are the caller's to check; JoseError or ValueError when the
    signature does not hold."""
    from joserfc import jwt
    from joserfc.errors import InvalidKeyIdError
    from joserfc.jwk import KeySet

    metadata = oauth_client.load_server_metadata()
    algorithms = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    keys = KeySet.import_key_set(oauth_client.fetch_jwk_set())
    try:
        return jwt.decode(token, keys, algorithms=algorithms), metadata
    except InvalidKeyIdError:
        keys = KeySet.import_key_set(oauth_client.fetch_jwk_set(force=True))
        return jwt.decode(token, keys, algorithms=algorithms), metadata


class InvalidAssertion(ValueError):
    """A provider's token that does not prove who sent it."""


ASSERTION_LEEWAY_SECONDS = 60


def validate_assertion(provider: Provider, assertion: str) -> dict[str, Any]:
    """The claims of a JWT the provider issued for this client (an ID token, or an access token
    whose audience is our client id): signature against the provider's JWKS, issuer, audience and
    expiry all checked. For the API's token exchange (POST /auth/token with an assertion)."""
    from joserfc import jwt
    from joserfc.errors import JoseError

    oauth_client = client(provider.name)
    try:
        token, metadata = decode_signed(oauth_client, assertion)
        registry = jwt.JWTClaimsRegistry(
            now=int(time.time()),
            leeway=ASSERTION_LEEWAY_SECONDS,
            iss={"essential": True, "value": metadata.get("issuer", provider.issuer)},
            aud={"essential": True, "value": provider.client_id},
            exp={"essential": True},
            iat={"essential": True},  # refused when issued before the user's last sign-out
            sub={"essential": True},
        )
        registry.validate(token.claims)
    except (JoseError, ValueError) as error:
        raise InvalidAssertion(str(error) or type(error).__name__) from error
    return dict(token.claims)
