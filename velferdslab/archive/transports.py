"""How a record reaches the archive, behind one interface (`Transport`): a folder an archive
imports from, or KS's Fiks IO. Chosen by `ARCHIVE_TRANSPORT` (off | folder | fiks-io).

Both may be given the same record twice (a worker killed between sending and storing that it
sent): the archive recognises it by its referanseEksternNoekkel, and the folder drop writes
the same file name again, atomically, so there is never a half-written or second file.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import requests

from velferdslab.archive import receipts
from velferdslab.archive.receipts import Reply

# Fiks Arkiv V2's message types (Schema/V2/meldingstyper/meldingstyper.json).
SEND_TYPE = "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett"
RECEIVED_TYPE = f"{SEND_TYPE}.mottatt"
RECEIPT_TYPE = f"{SEND_TYPE}.kvittering"
RECEIPT_FILE = "arkivmelding-kvittering.xml"


class TransportError(RuntimeError):
    """The message did not get through; it stays queued and is tried again."""


@dataclass(frozen=True)
class Incoming:
    reply: Reply
    key: str | None  # the record's key, when the transport knows it
    message_id: str | None  # the Fiks IO message this answers (svarPaMelding)
    token: str  # what `acknowledge` needs to take it off the queue


class Transport(Protocol):
    def send(self, key: str, package: bytes) -> str | None:
        """Hand the zip over; the transport's message id, if it has one."""

    def replies(self) -> list[Incoming]: ...

    def acknowledge(self, incoming: Incoming) -> None: ...


def transport_from(config: Mapping[str, Any]) -> Transport | None:
    name = str(config.get("ARCHIVE_TRANSPORT") or "off")
    if name == "off":
        return None
    if name == "folder":
        if not config.get("ARCHIVE_FOLDER"):
            raise TransportError("ARCHIVE_TRANSPORT=folder needs ARCHIVE_FOLDER")
        return FolderTransport(Path(str(config["ARCHIVE_FOLDER"])))
    if name == "fiks-io":
        return FiksIoTransport(config)
    raise TransportError(f"unknown ARCHIVE_TRANSPORT {name!r} (off, folder or fiks-io)")


class FolderTransport:
    """`<key>.zip` written into the folder; the archive answers with `<key>.kvittering.xml` or
    `<key>.feilmelding.xml` beside it; an answer read is moved into `done/`."""

    ANSWERS = {".kvittering.xml", ".feilmelding.xml"}

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, key: str, package: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{key}.zip.part"
        partial.write_bytes(package)
        os.replace(partial, self.folder / f"{key}.zip")  # the archive never sees half a file
        return None

    def replies(self) -> list[Incoming]:
        found = []
        for path in sorted(self.folder.glob("*.xml")) if self.folder.is_dir() else ():
            key, _dot, suffix = path.name.partition(".")
            if f".{suffix}" not in self.ANSWERS:
                continue
            try:
                reply = receipts.read(path.read_bytes())
            except receipts.UnreadableReply as error:
                reply = Reply(receipts.ERROR, error=f"unreadable answer {path.name}: {error}")
            found.append(Incoming(reply, key, None, str(path)))
        return found

    def acknowledge(self, incoming: Incoming) -> None:
        path = Path(incoming.token)
        done = self.folder / "done"
        done.mkdir(exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        os.replace(path, done / f"{path.name}.{stamp}")


class FiksIoTransport:
    """Fiks IO's HTTP send API (POST /fiks-io/api/v1/send: a `metadata` part naming sender,
    recipient and message type, a `data` part with the ASiC-E). Fiks IO delivers answers over
    AMQP; this adapter reads them from `GET …/kontoer/{account}/meldinger` and acknowledges with
    DELETE, the HTTP stand-in the fake endpoint of the tests offers (docs/archive.md says what a
    real connection still needs)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.base = str(config.get("ARCHIVE_FIKS_IO_URL") or "").rstrip("/")
        self.account = str(config.get("ARCHIVE_FIKS_IO_ACCOUNT_ID") or "")
        self.recipient = str(config.get("ARCHIVE_FIKS_IO_RECIPIENT_ACCOUNT_ID") or "")
        self.timeout = float(config.get("ARCHIVE_FIKS_IO_TIMEOUT_SECONDS") or 30)
        self.headers = {
            "Authorization": f"Bearer {config.get('ARCHIVE_FIKS_IO_TOKEN') or ''}",
            "IntegrasjonId": str(config.get("ARCHIVE_FIKS_IO_INTEGRATION_ID") or ""),
            "IntegrasjonPassord": str(config.get("ARCHIVE_FIKS_IO_INTEGRATION_PASSWORD") or ""),
        }
        if not (self.base and self.account and self.recipient):
            raise TransportError(
                "fiks-io needs ARCHIVE_FIKS_IO_URL, _ACCOUNT_ID and _RECIPIENT_ACCOUNT_ID"
            )

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = requests.request(
                method, f"{self.base}{path}", headers=self.headers, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as error:
            raise TransportError(f"Fiks IO did not answer: {type(error).__name__}") from error
        if response.status_code >= 400:
            raise TransportError(f"Fiks IO answered {response.status_code}: {response.text[:200]}")
        return response

    def send(self, key: str, package: bytes) -> str | None:
        metadata = {
            "avsenderKontoId": self.account,
            "mottakerKontoId": self.recipient,
            "meldingType": SEND_TYPE,
            "ttl": 14 * 24 * 3600 * 1000,
            "headere": {"klientMeldingId": key},
        }
        files = {
            "metadata": (None, json.dumps(metadata), "application/json"),
            "data": ("melding.zip", package, "application/octet-stream"),
        }
        answer = self._call("POST", "/fiks-io/api/v1/send", files=files).json()
        return str(answer["meldingId"])

    def replies(self) -> list[Incoming]:
        path = f"/fiks-io/api/v1/kontoer/{self.account}/meldinger"
        found = []
        for message in self._call("GET", path).json():
            found.append(
                Incoming(
                    _reply_of(message),
                    (message.get("headere") or {}).get("klientMeldingId"),
                    message.get("svarPaMelding"),
                    str(message["meldingId"]),
                )
            )
        return found

    def acknowledge(self, incoming: Incoming) -> None:
        self._call("DELETE", f"/fiks-io/api/v1/kontoer/{self.account}/meldinger/{incoming.token}")


def _reply_of(message: Mapping[str, Any]) -> Reply:
    kind = str(message.get("meldingType", ""))
    if kind == RECEIVED_TYPE:
        return Reply(receipts.RECEIVED)
    payload = base64.b64decode(message.get("data") or b"")
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            names = [n for n in archive.namelist() if n.endswith(".xml") and "/" not in n]
            xml = archive.read(RECEIPT_FILE if RECEIPT_FILE in names else names[0])
        return receipts.read(xml)
    except (zipfile.BadZipFile, IndexError, KeyError, receipts.UnreadableReply) as error:
        return Reply(receipts.ERROR, error=f"unreadable {kind} answer: {error}")
