"""A fake Fiks IO on 127.0.0.1, written from KS's protocol as its clients speak it
(ks-no/fiks-io-client-dotnet, fiks-io-send-client-dotnet, fiks-io-klient-java,
fiks-maskinporten-client-dotnet, kryptering, fiks-asice-dotnet; docs/archive.md says what was
read where):

- Maskinporten's token endpoint (`POST /token`): a JWT grant whose assertion is signed RS256 by
  the key of the certificate in its `x5c`, for the known client, audience and scope `ks:fiks`,
  at most two minutes long, never replayed; answers an access token that expires.
- The catalogue (`GET /fiks-io/katalog/api/v1/kontoer/{id}/offentligNokkel`): the accounts'
  certificates.
- Sending (`POST /fiks-io/api/v1/send`): the integration's id and password and a live token;
  `metadata` naming the two accounts and a Fiks Arkiv V2 message type; `data` must open with
  the archive account's key only, be a signed ASiC-E signed by the sender's certificate, and
  hold a valid arkivmelding.
- Answers: the archive answers `…opprett.mottatt`, then `…opprett.kvittering` or an error
  message, on the sender account's queue `fiksio.konto.<id>` of a real RabbitMQ, with Fiks IO's
  headers, the payload a signed ASiC-E encrypted to the sender account's certificate. The
  integration logs in as Fiks IO lets it: its id, "<password> <token>" (the latest token).
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
import threading
import time
import urllib.parse
import uuid
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pika
import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.jws import JWSRegistry

from tests.archive.helpers import Archive, message_types
from tests.archive.keys import Party, party
from velferdslab.archive import asice, cms
from velferdslab.archive.wire import RECEIPT_FILE, RECEIPT_TYPE, RECEIVED_TYPE, SEND_TYPE

ACCOUNT = str(uuid.uuid5(uuid.NAMESPACE_URL, "velferdslab-sender"))
RECIPIENT = str(uuid.uuid5(uuid.NAMESPACE_URL, "kommunens-arkiv"))
PASSWORD = "integrasjonspassord-test"
CLIENT_ID = "velferdslab-maskinporten-klient"
AUDIENCE = "https://maskinporten.test/"
ERROR_TYPE = "no.ks.fiks.arkiv.v2.feilmelding.ugyldigforespoersel"
QUEUE = f"fiksio.konto.{ACCOUNT}"


# A grant's header carries the whole certificate (x5c): more than joserfc's 512 bytes.
_ASSERTIONS = JWSRegistry()
_ASSERTIONS.max_header_length = 16384


@dataclass(frozen=True)
class Broker:
    """A RabbitMQ on 127.0.0.1: its AMQP port and its management API (as guest)."""

    host: str
    port: int
    admin: str  # http://guest:guest@127.0.0.1:<port>

    @classmethod
    def from_urls(cls, amqp_url: str, admin: str) -> Broker:
        url = urllib.parse.urlsplit(amqp_url)
        return cls(url.hostname or "127.0.0.1", url.port or 5672, admin.rstrip("/"))

    def put(self, path: str, body: dict[str, Any]) -> None:
        requests.put(f"{self.admin}/api/{path}", json=body, timeout=10).raise_for_status()

    def delete(self, path: str) -> None:
        requests.delete(f"{self.admin}/api/{path}", timeout=10)

    def connect(self, vhost: str) -> pika.BlockingConnection:
        credentials = pika.PlainCredentials("guest", "guest")
        return pika.BlockingConnection(
            pika.ConnectionParameters(self.host, self.port, vhost, credentials)
        )


class FakeFiksIo:
    def __init__(self, archive: Archive, folder: Path, broker: Broker | None = None) -> None:
        self.archive = archive
        self.broker = broker
        self.integration_id = str(uuid.uuid4())  # one RabbitMQ user per fake: tests in parallel
        self.vhost = f"fiks-{uuid.uuid4().hex[:12]}"
        self.sender, self.account = party("virksomhet"), party("konto")
        self.recipient, self.archive_signer = party("arkivkonto"), party("arkivsystem")
        self.sends = 0
        self.received: list[bytes] = []  # each send's `data`, as it travelled
        self.token_requests = 0
        self.catalogue_lookups = 0
        self.token_seconds = 120
        self.clock = time.time  # a test may move the fake's time and the sender's together
        self.tokens: dict[str, float] = {}  # token → when it expires
        self.seen_jti: set[str] = set()
        self.hang_on_send: int | None = None  # hold this send's answer until `release`
        self.hung = threading.Event()
        self.release = threading.Event()
        self.waiting: list[tuple[str, str, bytes]] = []  # (meldingId, key, answer) unanswered
        self.lock = threading.Lock()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for name, pem in {
            "konto.key": self.account.key_pem,
            "virksomhet.key": self.sender.key_pem,
            "virksomhet.crt": self.sender.certificate_pem,
        }.items():
            (folder / name).write_bytes(pem)
        if broker is not None:
            broker.put(f"vhosts/{self.vhost}", {})
            everything = {"configure": ".*", "write": ".*", "read": ".*"}
            broker.put(f"permissions/{self.vhost}/guest", everything)
            broker.put(f"users/{self.integration_id}", {"password": uuid.uuid4().hex, "tags": ""})
            # The integration may only read its account's queue, as on Fiks IO.
            broker.put(
                f"permissions/{self.vhost}/{self.integration_id}",
                {"configure": "^$", "write": "^$", "read": f"^{QUEUE}$"},
            )
            with broker.connect(self.vhost) as connection:
                connection.channel().queue_declare(QUEUE, durable=True)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def settings(self) -> dict[str, str]:
        amqp = f"amqp://{self.broker.host}:{self.broker.port}/{self.vhost}" if self.broker else ""
        return {
            "ARCHIVE_TRANSPORT": "fiks-io",
            "ARCHIVE_FIKS_IO_URL": self.url,
            "ARCHIVE_FIKS_IO_AMQP_URL": amqp,
            "ARCHIVE_FIKS_IO_ACCOUNT_ID": ACCOUNT,
            "ARCHIVE_FIKS_IO_RECIPIENT_ACCOUNT_ID": RECIPIENT,
            "ARCHIVE_FIKS_IO_INTEGRATION_ID": self.integration_id,
            "ARCHIVE_FIKS_IO_INTEGRATION_PASSWORD": PASSWORD,
            "ARCHIVE_FIKS_IO_ACCOUNT_PRIVATE_KEY": str(self.folder / "konto.key"),
            "ARCHIVE_FIKS_IO_SIGNING_KEY": str(self.folder / "virksomhet.key"),
            "ARCHIVE_FIKS_IO_SIGNING_CERTIFICATE": str(self.folder / "virksomhet.crt"),
            "ARCHIVE_FIKS_IO_MASKINPORTEN_URL": f"{self.url}/token",
            "ARCHIVE_FIKS_IO_MASKINPORTEN_AUDIENCE": AUDIENCE,
            "ARCHIVE_FIKS_IO_MASKINPORTEN_CLIENT_ID": CLIENT_ID,
            "ARCHIVE_FIKS_IO_MASKINPORTEN_SCOPE": "ks:fiks",
        }

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        if self.broker is not None:
            self.broker.delete(f"vhosts/{self.vhost}")
            self.broker.delete(f"users/{self.integration_id}")

    # -- the archive's answers, over AMQP ---------------------------------------------------

    def answer_all(self, *, received_only: bool = False) -> None:
        """The archive processes what it received: "mottatt", then its receipt or error."""
        with self.lock:
            waiting = list(self.waiting)
            if not received_only:
                self.waiting = []
        for message_id, key, answer in waiting:
            if received_only:
                self.publish(message_id, RECEIVED_TYPE, None)
                continue
            kind = ERROR_TYPE if key in self.archive.refuse else RECEIPT_TYPE
            self.publish(message_id, kind, answer)

    def publish(self, message_id: str, kind: str, payload: bytes | None) -> None:
        assert self.broker is not None, "answers travel over the broker"
        body = b""
        if payload is not None:
            name = RECEIPT_FILE if kind == RECEIPT_TYPE else "feilmelding.xml"
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as plain:
                plain.writestr(name, payload)
            signer = self.archive_signer
            signed = asice.sign(buffer.getvalue(), signer.key, signer.certificate, message_id)
            body = cms.encrypt(signed, self.account.certificate)
        headers = {
            "melding-id": str(uuid.uuid4()),
            "type": kind,
            "avsender-id": RECIPIENT,
            "svar-til": message_id,
        }
        with self.broker.connect(self.vhost) as connection:
            connection.channel().basic_publish(
                "",
                QUEUE,
                body,
                pika.BasicProperties(headers=headers, delivery_mode=2, expiration=str(86400000)),
            )

    def queued(self) -> int:
        """Answers on the account's queue not yet acknowledged (ready to be delivered)."""
        assert self.broker is not None
        with self.broker.connect(self.vhost) as connection:
            return int(connection.channel().queue_declare(QUEUE, passive=True).method.message_count)

    # -- the HTTP side -----------------------------------------------------------------------

    def token(self, form: dict[str, str]) -> tuple[int, Any]:
        with self.lock:
            self.token_requests += 1
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return 400, {"error": "unsupported_grant_type"}
        assertion = form.get("assertion", "")
        try:
            header = json.loads(base64.urlsafe_b64decode(assertion.split(".")[0] + "=="))
            x5c = base64.b64decode(header["x5c"][0])
            if x5c != self.sender.certificate_der or header.get("alg") != "RS256":
                return 400, {"error": "invalid_client", "error_description": "ukjent sertifikat"}
            public = RSAKey.import_key(self.sender.key.public_key())
            claims = jwt.decode(assertion, public, registry=_ASSERTIONS).claims
        except (ValueError, KeyError, IndexError, JoseError):
            return 400, {"error": "invalid_grant", "error_description": "ugyldig signatur"}
        now = self.clock()
        if not (
            claims.get("aud") == AUDIENCE
            and claims.get("iss") == CLIENT_ID
            and "ks:fiks" in str(claims.get("scope", "")).split()
            and 0 < claims["exp"] - claims["iat"] <= 120
            and claims["iat"] - 10 <= now < claims["exp"]
            and claims.get("jti") not in self.seen_jti
        ):
            return 400, {"error": "invalid_grant", "error_description": f"ugyldig: {claims}"}
        self.seen_jti.add(claims["jti"])
        issued = uuid.uuid4().hex
        with self.lock:
            self.tokens[issued] = now + self.token_seconds
        if self.broker is not None:
            self.broker.put(
                f"users/{self.integration_id}", {"password": f"{PASSWORD} {issued}", "tags": ""}
            )
        return 200, {
            "access_token": issued,
            "token_type": "Bearer",
            "expires_in": self.token_seconds,
            "scope": "ks:fiks",
        }

    def catalogue(self, account: str) -> tuple[int, Any]:
        with self.lock:
            self.catalogue_lookups += 1
        owner = {RECIPIENT: self.recipient, ACCOUNT: self.account}.get(account)
        if owner is None:
            return 404, {"feilmelding": "ukjent konto"}
        pem = owner.certificate_pem.decode()
        return 200, {"nokkel": pem, "serial": str(owner.certificate.serial_number)}

    def receive(self, headers: Any, body: bytes) -> tuple[int, Any]:
        bearer = headers.get("Authorization", "").removeprefix("Bearer ")
        if (
            headers.get("IntegrasjonId") != self.integration_id
            or headers.get("IntegrasjonPassord") != PASSWORD
            or self.tokens.get(bearer, 0) < self.clock()
        ):
            return 401, {"feilmelding": "ukjent integrasjon eller utløpt token"}
        parts = _multipart(headers.get("Content-Type", ""), body)
        metadata = json.loads(parts["metadata"])
        if metadata["meldingType"] not in message_types() or metadata["meldingType"] != SEND_TYPE:
            return 400, {"feilmelding": "ukjent meldingstype"}
        if metadata["mottakerKontoId"] != RECIPIENT or metadata["avsenderKontoId"] != ACCOUNT:
            return 400, {"feilmelding": "ukjent konto"}
        self.received.append(parts["data"])
        try:
            container = cms.decrypt(parts["data"], self.recipient.key)
            opened = asice.open_container(container)
        except (cms.CmsError, asice.InvalidContainer) as error:
            return 400, {"feilmelding": f"ugyldig melding: {error}"}
        if opened.signer != self.sender.certificate:
            return 400, {"feilmelding": "signert av en annen virksomhet"}
        key, answer = self.archive.receive(container)
        message_id = str(uuid.uuid4())
        with self.lock:
            self.sends += 1
            self.waiting.append((message_id, key, answer))
            hang = self.sends == self.hang_on_send
        if hang:  # stored at the archive; the sender never hears so
            self.hung.set()
            self.release.wait(60)
            return 503, {"feilmelding": "avbrutt"}
        return 200, {**metadata, "meldingId": message_id}


def _multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.iter_parts()
    }


def _handler(fake: FakeFiksIo) -> type[BaseHTTPRequestHandler]:
    catalogue = "/fiks-io/katalog/api/v1/kontoer/"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            try:
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender was killed while we held its answer: the point of the test

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path == "/token":
                form = dict(urllib.parse.parse_qsl(body.decode()))
                return self._answer(*fake.token(form))
            if self.path == "/fiks-io/api/v1/send":
                return self._answer(*fake.receive(self.headers, body))
            return self._answer(404, {})

        def do_GET(self) -> None:
            if self.path.startswith(catalogue) and self.path.endswith("/offentligNokkel"):
                account = self.path[len(catalogue) :].split("/")[0]
                return self._answer(*fake.catalogue(account))
            return self._answer(404, {})

    return Handler


__all__ = ["ACCOUNT", "RECIPIENT", "Broker", "FakeFiksIo", "Party"]
