"""KS's Fiks IO, as its clients (ks-no/fiks-io-client-dotnet, fiks-io-klient-java) speak it.

Sending: the outbox's zip is signed as an ASiC-E with the virksomhet's key (`asice`), encrypted
to the archive account's certificate from the Fiks IO catalogue (`cms`: AES-256-CBC, RSA-OAEP
SHA-256), and POSTed to `/fiks-io/api/v1/send` (multipart `metadata` + `data`) with the
integration's id and password and a Maskinporten token (`maskinporten`).

Answers: Fiks IO puts them on the account's queue `fiksio.konto.<account>` of its AMQP 0-9-1
broker (RabbitMQ; login: the integration id, password "<integration password> <token>"), with
headers `melding-id`, `type`, `avsender-id`, `svar-til`, the body encrypted to the account's
key. Each is taken with `basic_get` unacknowledged and acknowledged only after the outbox has
stored what it says: a worker that dies before that leaves it on the queue, delivered again.
"""

from __future__ import annotations

import json
import logging
import ssl
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pika
import pika.exceptions
import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from velferdslab.archive import asice, cms, receipts
from velferdslab.archive.maskinporten import Maskinporten, kept
from velferdslab.archive.receipts import Reply
from velferdslab.archive.wire import (
    RECEIPT_FILE,
    RECEIVED_TYPE,
    SEND_TYPE,
    Incoming,
    TransportError,
)

log = logging.getLogger(__name__)

QUEUE_PREFIX = "fiksio.konto."
TTL_MS = 14 * 24 * 3600 * 1000
CATALOGUE_SECONDS = 3600  # a recipient's certificate is looked up again after an hour
MOST_PER_PASS = 500
REQUIRED = (
    "URL",
    "AMQP_URL",
    "ACCOUNT_ID",
    "RECIPIENT_ACCOUNT_ID",
    "INTEGRATION_ID",
    "INTEGRATION_PASSWORD",
    "ACCOUNT_PRIVATE_KEY",
    "SIGNING_KEY",
    "SIGNING_CERTIFICATE",
    "MASKINPORTEN_URL",
    "MASKINPORTEN_AUDIENCE",
    "MASKINPORTEN_CLIENT_ID",
    "MASKINPORTEN_SCOPE",
)

_catalogue: dict[tuple[str, str], tuple[x509.Certificate, float]] = {}
_catalogue_lock = threading.Lock()


def _private_key(path: str, setting: str) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise TransportError(f"{setting}: no readable PEM private key at {path}") from error
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TransportError(f"{setting}: Fiks IO needs an RSA key")
    return key


def _certificate(path: str, setting: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(Path(path).read_bytes())
    except (OSError, ValueError) as error:
        raise TransportError(f"{setting}: no readable PEM certificate at {path}") from error


class FiksIoTransport:
    def __init__(self, config: Mapping[str, Any]) -> None:
        setting = {name: str(config.get(f"ARCHIVE_FIKS_IO_{name}") or "") for name in REQUIRED}
        missing = [f"VELFERDSLAB_ARCHIVE_FIKS_IO_{n}" for n in REQUIRED if not setting[n]]
        if missing:
            raise TransportError(
                "ARCHIVE_TRANSPORT=fiks-io cannot send without " + ", ".join(missing)
            )
        self.base = setting["URL"].rstrip("/")
        self.amqp_url = setting["AMQP_URL"]
        self.account = setting["ACCOUNT_ID"]
        self.recipient = setting["RECIPIENT_ACCOUNT_ID"]
        self.integration_id = setting["INTEGRATION_ID"]
        self.integration_password = setting["INTEGRATION_PASSWORD"]
        self.timeout = float(config.get("ARCHIVE_FIKS_IO_TIMEOUT_SECONDS") or 30)
        self.account_key = _private_key(setting["ACCOUNT_PRIVATE_KEY"], "ACCOUNT_PRIVATE_KEY")
        self.signing_key = _private_key(setting["SIGNING_KEY"], "SIGNING_KEY")
        self.signing_certificate = _certificate(
            setting["SIGNING_CERTIFICATE"], "SIGNING_CERTIFICATE"
        )
        self.maskinporten = kept(
            Maskinporten(
                token_url=setting["MASKINPORTEN_URL"],
                client_id=setting["MASKINPORTEN_CLIENT_ID"],
                audience=setting["MASKINPORTEN_AUDIENCE"],
                scope=setting["MASKINPORTEN_SCOPE"],
                private_key=self.signing_key,
                certificate=self.signing_certificate,
                timeout=self.timeout,
            )
        )
        self._connection: Any = None
        self._channel: Any = None

    # -- sending ---------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.maskinporten.token()}",
            "IntegrasjonId": self.integration_id,
            "IntegrasjonPassord": self.integration_password,
        }

    def _call(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            response = requests.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise TransportError(f"Fiks IO did not answer: {type(error).__name__}") from error
        if response.status_code >= 400:
            raise TransportError(f"Fiks IO answered {response.status_code}: {response.text[:200]}")
        return response

    def recipient_certificate(self) -> x509.Certificate:
        """The archive account's public certificate from the Fiks IO catalogue, kept an hour."""
        cache_key = (self.base, self.recipient)
        with _catalogue_lock:
            found = _catalogue.get(cache_key)
        if found is not None and time.monotonic() - found[1] < CATALOGUE_SECONDS:
            return found[0]
        url = f"{self.base}/fiks-io/katalog/api/v1/kontoer/{self.recipient}/offentligNokkel"
        body = self._call("GET", url).json()
        pem = body.get("nokkel") or body.get("Nokkel")
        try:
            certificate = x509.load_pem_x509_certificate(str(pem).encode())
        except ValueError as error:
            raise TransportError("the Fiks IO catalogue gave no certificate") from error
        with _catalogue_lock:
            _catalogue[cache_key] = (certificate, time.monotonic())
        return certificate

    def send(self, key: str, package: bytes) -> str | None:
        signed = asice.sign(package, self.signing_key, self.signing_certificate, key)
        try:
            encrypted = cms.encrypt(signed, self.recipient_certificate())
        except cms.CmsError as error:
            raise TransportError(f"cannot encrypt to the archive's account: {error}") from error
        metadata = {
            "avsenderKontoId": self.account,
            "mottakerKontoId": self.recipient,
            "meldingType": SEND_TYPE,
            "ttl": TTL_MS,
            "headere": {"klientMeldingId": key},
        }
        files = {
            "metadata": (None, json.dumps(metadata), "application/json"),
            "data": (key, encrypted, "application/octet-stream"),
        }
        url = f"{self.base}/fiks-io/api/v1/send"
        answer = self._call("POST", url, files=files, headers=self._headers()).json()
        return str(answer["meldingId"])

    # -- answers over AMQP -----------------------------------------------------------------

    def _parameters(self) -> pika.ConnectionParameters:
        url = urlsplit(self.amqp_url)
        secure = url.scheme == "amqps"
        vhost = unquote(url.path[1:]) if len(url.path) > 1 else "/"
        return pika.ConnectionParameters(
            host=url.hostname or "localhost",
            port=url.port or (5671 if secure else 5672),
            virtual_host=vhost,
            credentials=pika.PlainCredentials(
                self.integration_id, f"{self.integration_password} {self.maskinporten.token()}"
            ),
            ssl_options=(
                pika.SSLOptions(ssl.create_default_context(), url.hostname) if secure else None
            ),
            connection_attempts=1,
            socket_timeout=self.timeout,
            blocked_connection_timeout=self.timeout,
            client_properties={"connection_name": "Velferdslab arkiv"},
        )

    def _open(self) -> Any:
        if self._channel is None or not self._channel.is_open:
            self.close()
            try:
                self._connection = pika.BlockingConnection(self._parameters())
                self._channel = self._connection.channel()
            except (
                pika.exceptions.ProbableAuthenticationError,
                pika.exceptions.AuthenticationError,
            ) as error:
                raise TransportError(
                    "Fiks IO's queue refused the login (integration id, password and token)"
                ) from error
            except pika.exceptions.AMQPError as error:
                raise TransportError(
                    f"Fiks IO's queue is out of reach: {type(error).__name__}"
                ) from error
        return self._channel

    def replies(self) -> list[Incoming]:
        channel = self._open()
        found = []
        try:
            for _ in range(MOST_PER_PASS):
                method, properties, body = channel.basic_get(
                    QUEUE_PREFIX + self.account, auto_ack=False
                )
                if method is None:
                    break
                headers = {k: _text(v) for k, v in (properties.headers or {}).items()}
                found.append(
                    Incoming(
                        self._reply_of(headers, body or b""),
                        None,
                        headers.get("svar-til"),
                        str(method.delivery_tag),
                    )
                )
        except pika.exceptions.AMQPError as error:
            raise TransportError(
                f"reading Fiks IO's queue failed: {type(error).__name__}"
            ) from error
        return found

    def _reply_of(self, headers: Mapping[str, str], body: bytes) -> Reply:
        kind = headers.get("type", "")
        if kind == RECEIVED_TYPE:
            return Reply(receipts.RECEIVED)
        if not body:
            where = "in Fiks IO's dokumentlager" if "dokumentlager-id" in headers else "empty"
            return Reply(receipts.ERROR, error=f"{kind} answer without a payload ({where})")
        try:
            opened = asice.open_container(cms.decrypt(body, self.account_key), signed=False)
            names = sorted(n for n in opened.files if n.endswith(".xml") and "/" not in n)
            xml = opened.files[RECEIPT_FILE if RECEIPT_FILE in names else names[0]]
            return receipts.read(xml)
        except (cms.CmsError, asice.InvalidContainer, IndexError, receipts.UnreadableReply) as e:
            return Reply(receipts.ERROR, error=f"unreadable {kind} answer: {e}")

    def acknowledge(self, incoming: Incoming) -> None:
        # On the channel it came on: a delivery tag means nothing on another. Lost with its
        # channel, the answer is delivered again and read again, harmlessly.
        if self._channel is None or not self._channel.is_open:
            raise TransportError("the AMQP channel closed before the answer was acknowledged")
        try:
            self._channel.basic_ack(int(incoming.token))
        except pika.exceptions.AMQPError as error:
            raise TransportError(f"acknowledging failed: {type(error).__name__}") from error

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except pika.exceptions.AMQPError:
                log.info("archive: the AMQP connection was gone already")


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
