"""A fake Fiks IO on 127.0.0.1, written from KS's protocol documents: POST /fiks-io/api/v1/send
takes a multipart `metadata` (JSON: sender, recipient, meldingType, ttl, headere) and `data`
(the ASiC-E) with the integration's headers and a bearer token, and answers the message's id.
The archive behind it answers `…opprett.mottatt` and `…opprett.kvittering` (or an error
message) to the sender's account when the test says so; the sender reads its account over
HTTP (GET …/kontoer/{id}/meldinger, DELETE to acknowledge) where real Fiks IO uses AMQP."""

from __future__ import annotations

import base64
import email.parser
import email.policy
import io
import json
import threading
import uuid
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.archive.helpers import Archive, message_types
from velferdslab.archive.transports import RECEIPT_FILE, RECEIPT_TYPE, RECEIVED_TYPE, SEND_TYPE

ACCOUNT = str(uuid.uuid5(uuid.NAMESPACE_URL, "velferdslab-sender"))
RECIPIENT = str(uuid.uuid5(uuid.NAMESPACE_URL, "kommunens-arkiv"))
INTEGRATION_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "integrasjon"))
PASSWORD = "integrasjonspassord-test"
ERROR_TYPE = "no.ks.fiks.arkiv.v2.feilmelding.ugyldigforespoersel"


class FakeFiksIo:
    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.sends = 0
        self.hang_on_send: int | None = None  # hold this send's answer until `release`
        self.hung = threading.Event()
        self.release = threading.Event()
        self.waiting: list[tuple[str, str, bytes]] = []  # (meldingId, key, answer) not yet sent
        self.inbox: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def settings(self) -> dict[str, str]:
        return {
            "ARCHIVE_TRANSPORT": "fiks-io",
            "ARCHIVE_FIKS_IO_URL": self.url,
            "ARCHIVE_FIKS_IO_ACCOUNT_ID": ACCOUNT,
            "ARCHIVE_FIKS_IO_RECIPIENT_ACCOUNT_ID": RECIPIENT,
            "ARCHIVE_FIKS_IO_INTEGRATION_ID": INTEGRATION_ID,
            "ARCHIVE_FIKS_IO_INTEGRATION_PASSWORD": PASSWORD,
            "ARCHIVE_FIKS_IO_TOKEN": "maskinporten-token-test",
        }

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def answer_all(self) -> None:
        """The archive processes what it received: "mottatt", then its receipt or error."""
        with self.lock:
            waiting, self.waiting = self.waiting, []
        for message_id, key, answer in waiting:
            self._reply(message_id, RECEIVED_TYPE, None)
            kind = ERROR_TYPE if key in self.archive.refuse else RECEIPT_TYPE
            self._reply(message_id, kind, answer)

    def _reply(self, message_id: str, kind: str, payload: bytes | None) -> None:
        data = None
        if payload is not None:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr(
                    RECEIPT_FILE if kind == RECEIPT_TYPE else "feilmelding.xml", payload
                )
            data = base64.b64encode(buffer.getvalue()).decode()
        reply_id = str(uuid.uuid4())
        with self.lock:
            self.inbox[reply_id] = {
                "meldingId": reply_id,
                "meldingType": kind,
                "svarPaMelding": message_id,
                "avsenderKontoId": RECIPIENT,
                "mottakerKontoId": ACCOUNT,
                "data": data,
            }

    def receive(self, headers: Any, body: bytes) -> tuple[int, Any]:
        if (
            headers.get("IntegrasjonId") != INTEGRATION_ID
            or headers.get("IntegrasjonPassord") != PASSWORD
            or not headers.get("Authorization", "").startswith("Bearer ")
        ):
            return 401, {"feil": "ukjent integrasjon"}
        parts = _multipart(headers.get("Content-Type", ""), body)
        metadata = json.loads(parts["metadata"])
        if metadata["meldingType"] not in message_types() or metadata["meldingType"] != SEND_TYPE:
            return 400, {"feil": "ukjent meldingstype"}
        if metadata["mottakerKontoId"] != RECIPIENT or metadata["avsenderKontoId"] != ACCOUNT:
            return 400, {"feil": "ukjent konto"}
        key, answer = self.archive.receive(parts["data"])
        message_id = str(uuid.uuid4())
        with self.lock:
            self.sends += 1
            self.waiting.append((message_id, key, answer))
            hang = self.sends == self.hang_on_send
        if hang:  # stored at the archive; the sender never hears so
            self.hung.set()
            self.release.wait(60)
            return 503, {"feil": "avbrutt"}
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
            self._answer(
                *fake.receive(self.headers, body)
                if self.path == "/fiks-io/api/v1/send"
                else (404, {})
            )

        def do_GET(self) -> None:
            if self.path != f"/fiks-io/api/v1/kontoer/{ACCOUNT}/meldinger":
                return self._answer(404, {})
            with fake.lock:
                messages = list(fake.inbox.values())
            self._answer(200, messages)

        def do_DELETE(self) -> None:
            reply_id = self.path.rsplit("/", 1)[-1]
            with fake.lock:
                fake.inbox.pop(reply_id, None)
            self._answer(200, {})

    return Handler
