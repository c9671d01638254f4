"""How a record reaches the archive, behind one interface (`wire.Transport`): a folder an
archive imports from (here), or KS's Fiks IO (`fiks_io`). Chosen by `ARCHIVE_TRANSPORT` (off |
folder | fiks-io).

Both may be given the same record twice (a worker killed between sending and storing that it
sent): the archive recognises it by its referanseEksternNoekkel, and the folder drop writes
the same file name again, atomically, so there is never a half-written or second file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from velferdslab.archive import receipts
from velferdslab.archive.receipts import Reply
from velferdslab.archive.wire import (
    RECEIPT_FILE,
    RECEIPT_TYPE,
    RECEIVED_TYPE,
    SEND_TYPE,
    Incoming,
    Transport,
    TransportError,
)

__all__ = [
    "RECEIPT_FILE",
    "RECEIPT_TYPE",
    "RECEIVED_TYPE",
    "SEND_TYPE",
    "FolderTransport",
    "Incoming",
    "Transport",
    "TransportError",
    "transport_from",
]


def __getattr__(name: str) -> Any:
    """`FiksIoTransport` is still importable from here, loaded when first asked for."""
    if name == "FiksIoTransport":
        from velferdslab.archive.fiks_io import FiksIoTransport

        return FiksIoTransport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def transport_from(config: Mapping[str, Any]) -> Transport | None:
    name = str(config.get("ARCHIVE_TRANSPORT") or "off")
    if name == "off":
        return None
    if name == "folder":
        if not config.get("ARCHIVE_FOLDER"):
            raise TransportError("ARCHIVE_TRANSPORT=folder needs ARCHIVE_FOLDER")
        return FolderTransport(Path(str(config["ARCHIVE_FOLDER"])))
    if name == "fiks-io":
        # Imported here: Fiks IO's AMQP client, HTTP and CMS libraries (some 30 MB) are loaded
        # only by a process that sends through it, not by every web worker.
        from velferdslab.archive.fiks_io import FiksIoTransport

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

    def close(self) -> None:
        pass
