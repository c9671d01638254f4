"""What every archive transport shares: the interface (`Transport`), an answer read back
(`Incoming`), the error that leaves a record queued, and Fiks Arkiv V2's message types
(Schema/V2/meldingstyper/meldingstyper.json)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from velferdslab.archive.receipts import Reply

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

    def replies(self) -> list[Incoming]:
        """The answers waiting; each stays waiting until it is acknowledged."""

    def acknowledge(self, incoming: Incoming) -> None:
        """Take an answer off the queue, once the outbox has stored what it says."""

    def close(self) -> None:
        """Let go of connections; an answer not acknowledged is delivered again later."""
