"""A provider's signed token is read against its published keys by one helper
(velferdslab.auth.oidc.decode_signed), for the staff's token exchange and the family pages'
back-channel logout alike: when a token names a key we have not fetched (the provider rotated
its keys), the keys are fetched again once; a key it never published is refused."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from velferdslab.auth.oidc import decode_signed


class RotatingProvider:
    """An OAuth client of a provider that signs with a new key since we last fetched its set."""

    def __init__(self) -> None:
        self.old, self.new = (
            RSAKey.generate_key(2048, auto_kid=True),
            RSAKey.generate_key(2048, auto_kid=True),
        )
        self.fetches: list[bool] = []

    def load_server_metadata(self) -> dict[str, Any]:
        return {"issuer": "https://idp.example", "id_token_signing_alg_values_supported": ["RS256"]}

    def fetch_jwk_set(self, force: bool = False) -> dict[str, Any]:
        self.fetches.append(force)
        keys = [self.old, self.new] if force else [self.old]
        return KeySet(keys).as_dict(private=False)

    def sign(self, key: RSAKey) -> str:
        claims = {"iss": "https://idp.example", "sub": "kari", "iat": int(time.time())}
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def test_a_token_signed_with_a_rotated_key_is_read_after_one_fetch_more() -> None:
    provider = RotatingProvider()
    token, metadata = decode_signed(provider, provider.sign(provider.new))
    assert token.claims["sub"] == "kari" and metadata["issuer"] == "https://idp.example"
    assert provider.fetches == [False, True]
    provider.fetches.clear()
    decode_signed(provider, provider.sign(provider.old))
    assert provider.fetches == [False]  # a key we hold: no fetch more


def test_a_token_signed_with_a_key_never_published_is_refused() -> None:
    provider = RotatingProvider()
    with pytest.raises((JoseError, ValueError)):
        decode_signed(provider, provider.sign(RSAKey.generate_key(2048, auto_kid=True)))
