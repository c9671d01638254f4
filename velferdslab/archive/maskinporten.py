"""A Maskinporten access token for Fiks IO (scope `ks:fiks`) by the JWT grant (RFC 7523): an
assertion signed RS256 with the virksomhet's key, its certificate in `x5c`, claims aud, iss
(the Maskinporten client id), scope, iat, exp (2 minutes, as KS's client) and jti; POSTed as
`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…` to the token endpoint.
The token is kept until `RENEW_BEFORE_SECONDS` before it expires, per process."""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

from velferdslab.archive.wire import TransportError

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_SECONDS = 120
RENEW_BEFORE_SECONDS = 60


@dataclass
class Maskinporten:
    token_url: str
    client_id: str
    audience: str
    scope: str
    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    timeout: float = 30
    clock: Callable[[], float] = time.time
    _token: str | None = field(default=None, init=False)
    _renew_at: float = field(default=0.0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def assertion(self) -> str:
        now = int(self.clock())
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        header = {"alg": "RS256", "x5c": [base64.b64encode(der).decode()]}
        claims = {
            "aud": self.audience,
            "iss": self.client_id,
            "scope": self.scope,
            "iat": now,
            "exp": now + ASSERTION_SECONDS,
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(header, claims, RSAKey.import_key(self.private_key))

    def token(self) -> str:
        with self._lock:
            if self._token is None or self.clock() >= self._renew_at:
                self._fetch()
            assert self._token is not None
            return self._token

    def _fetch(self) -> None:
        form = {"grant_type": GRANT_TYPE, "assertion": self.assertion()}
        try:
            answer = requests.post(self.token_url, data=form, timeout=self.timeout)
        except requests.RequestException as error:
            raise TransportError(f"Maskinporten did not answer: {type(error).__name__}") from error
        if answer.status_code != 200:
            raise TransportError(
                f"Maskinporten refused the token ({answer.status_code}): {answer.text[:200]}"
            )
        body = answer.json()
        started = self.clock()
        self._token = str(body["access_token"])
        lifetime = int(body.get("expires_in", 120))
        self._renew_at = started + max(lifetime - RENEW_BEFORE_SECONDS, lifetime / 2)


_KEPT: dict[tuple[str, ...], Maskinporten] = {}
_KEPT_LOCK = threading.Lock()


def kept(source: Maskinporten) -> Maskinporten:
    """One source (and so one cached token) per endpoint, client, scope and certificate in
    this process: each outbox pass makes a new transport, the token outlives it."""
    fingerprint = source.certificate.fingerprint(hashes.SHA256())
    key = (source.token_url, source.client_id, source.audience, source.scope, fingerprint.hex())
    with _KEPT_LOCK:
        return _KEPT.setdefault(key, source)
