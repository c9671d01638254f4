"""Signed checkpoints of the audit chain: the anchor outside the database.

The hash chain alone proves nothing against someone who can write to the database: they can
edit an event and recompute every later hash, or cut off the newest events. A checkpoint states
"the first N events end in hash H, at time T" and is signed with an Ed25519 key that is never
stored in the database (a key file or a secret in the environment), in the manner of
Certificate Transparency's signed tree heads (RFC 9162) and Sigstore Rekor's checkpoints.
Whoever keeps a copy of the checkpoints (the municipality's archive, the audit PDF) can later
prove that the chain they see is the chain that was signed.

Checkpoints are made by `make_checkpoint` — at a fixed interval by `checkpoint_job` (a plain
function for any job runner or a timer running `velferdslab audit checkpoint`) and whenever a
report is issued — numbered 1, 2, 3, … in the signed text, copied off the database as they are
committed (a file and/or a URL: AUDIT_CHECKPOINT_COPY_FILE, AUDIT_CHECKPOINT_COPY_URL), and
checked by velferdslab.audit.verify.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app, has_app_context
from sqlalchemy import DateTime, Integer, String, Text, event, func, select, text
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from velferdslab.audit.keys import CheckpointKeyError as CheckpointKeyError
from velferdslab.audit.keys import generate_key_pair as generate_key_pair
from velferdslab.audit.keys import key_id, public_key, public_pem, signing_key
from velferdslab.audit.keys import load_public_key as load_public_key
from velferdslab.audit.services import GENESIS, canonical_time
from velferdslab.db import AnySession, Base, as_utc, intpk, utcnow

FORMAT = "velferdslab-audit-checkpoint/v1"
# v2 signs the checkpoint's sequence number too: checkpoints removed from the database leave a
# gap, or a number signed twice, against the copy kept off it.
FORMAT_SEQUENCED = "velferdslab-audit-checkpoint/v2"


class AuditCheckpoint(Base):
    __tablename__ = "audit_checkpoint"

    id: Mapped[intpk]
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    # The first `event_count` events of the chain, in id order, end in `last_hash`.
    event_count: Mapped[int] = mapped_column(Integer)
    last_event_id: Mapped[int | None]
    last_hash: Mapped[str] = mapped_column(String(64))
    # Why it was made: "interval", "report 17", "manual".
    reason: Mapped[str] = mapped_column(String(40))
    # The first 16 hex digits of SHA-256 over the raw public key: which key signed it.
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(Text)  # base64 of the 64-byte Ed25519 signature
    # 1, 2, 3, … (signed); None for the checkpoints made before it was (v1).
    sequence: Mapped[int | None] = mapped_column(Integer)


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as exported and verified: plain data, no database row."""

    event_count: int
    last_event_id: int | None
    last_hash: str
    at: dt.datetime
    key_id: str
    signature: str
    reason: str = ""
    sequence: int | None = None

    def message(self) -> bytes:
        return signed_message(
            self.event_count, self.last_event_id, self.last_hash, self.at, self.sequence
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT if self.sequence is None else FORMAT_SEQUENCED,
            "sequence": self.sequence,
            "event_count": self.event_count,
            "last_event_id": self.last_event_id,
            "last_hash": self.last_hash,
            "at": canonical_time(self.at) + "Z",
            "key_id": self.key_id,
            "signature": self.signature,
            "reason": self.reason,
        }

    @classmethod
    def from_row(cls, row: AuditCheckpoint) -> Checkpoint:
        return cls(
            row.event_count,
            row.last_event_id,
            row.last_hash,
            as_utc(row.at),
            row.key_id,
            row.signature,
            row.reason,
            row.sequence,
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checkpoint:
        at = dt.datetime.fromisoformat(str(data["at"]).removesuffix("Z"))
        return cls(
            int(data["event_count"]),
            None if data.get("last_event_id") is None else int(data["last_event_id"]),
            str(data["last_hash"]),
            as_utc(at),
            str(data["key_id"]),
            str(data["signature"]),
            str(data.get("reason", "")),
            None if data.get("sequence") is None else int(data["sequence"]),
        )


def signed_message(
    event_count: int,
    last_event_id: int | None,
    last_hash: str,
    at: dt.datetime,
    sequence: int | None = None,
) -> bytes:
    """The exact bytes that are signed: one line per field, so anyone can re-check by hand."""
    last_id = "" if last_event_id is None else str(last_event_id)
    fields = f"{event_count}\n{last_id}\n{last_hash}\n{canonical_time(at)}Z\n"
    if sequence is None:
        return f"{FORMAT}\n{fields}".encode()
    return f"{FORMAT_SEQUENCED}\n{sequence}\n{fields}".encode()


# --- making checkpoints -----------------------------------------------------------------------

_HEAD = text(
    "SELECT id, hash, (SELECT count(*) FROM audit_event) AS n"
    " FROM audit_event ORDER BY id DESC LIMIT 1"
)


def chain_head(session: AnySession) -> tuple[int, int | None, str]:
    """(number of events, newest id, newest hash), read in one statement so that they agree."""
    row = session.execute(_HEAD).one_or_none()
    if row is None:
        return 0, None, GENESIS
    return int(row.n), int(row.id), str(row.hash)


def make_checkpoint(
    session: AnySession, key: Ed25519PrivateKey, reason: str, at: dt.datetime | None = None
) -> AuditCheckpoint:
    """Sign the chain as it stands and store the checkpoint (the caller commits)."""
    count, last_id, last_hash = chain_head(session)
    at = (at or utcnow()).astimezone(dt.UTC)
    sequence = int(session.scalar(select(func.max(AuditCheckpoint.sequence))) or 0) + 1
    signature = key.sign(signed_message(count, last_id, last_hash, at, sequence))
    row = AuditCheckpoint(
        sequence=sequence,
        at=at,
        event_count=count,
        last_event_id=last_id,
        last_hash=last_hash,
        reason=reason[:40],
        key_id=key_id(key.public_key()),
        signature=base64.b64encode(signature).decode(),
    )
    session.add(row)
    session.flush()
    copy_when_committed(session, Checkpoint.from_row(row))
    return row


def checkpoint_if_configured(
    session: AnySession, config: Mapping[str, Any], reason: str
) -> AuditCheckpoint | None:
    key = signing_key(config)
    return None if key is None else make_checkpoint(session, key, reason)


def checkpoint_job(app: Any) -> int | None:
    """The interval job: one checkpoint, committed. A plain function of the app, for any job
    runner (or `velferdslab audit checkpoint` from a timer). Returns the checkpoint's id, or
    None when no signing key is configured."""
    from velferdslab.extensions import db

    with app.app_context():
        try:
            row = checkpoint_if_configured(db.session, app.config, "interval")
            db.session.commit()
            return None if row is None else row.id
        finally:
            db.session.remove()


def stored_checkpoints(
    session: AnySession, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> list[Checkpoint]:
    query = select(AuditCheckpoint).order_by(AuditCheckpoint.event_count, AuditCheckpoint.id)
    if since is not None:
        query = query.where(AuditCheckpoint.at >= since)
    if until is not None:
        query = query.where(AuditCheckpoint.at < until)
    return [Checkpoint.from_row(row) for row in session.scalars(query)]


def export(checkpoints: Iterable[Checkpoint], key: Ed25519PublicKey | None) -> str:
    """The archive's copy: JSON with the public key, so the file is checkable on its own."""
    document = {
        "format": FORMAT,
        "public_key": None if key is None else public_pem(key).decode(),
        "key_id": None if key is None else key_id(key),
        "checkpoints": [c.as_dict() for c in checkpoints],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def parse_export(content: str) -> list[Checkpoint]:
    try:
        document = json.loads(content)
        items = document["checkpoints"] if isinstance(document, dict) else document
        return [Checkpoint.from_dict(item) for item in items]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"not a checkpoint file: {error}") from None


# --- in the audit report ------------------------------------------------------------------------


def report_checkpoints(
    session: AnySession,
    config: Mapping[str, Any],
    made: AuditCheckpoint | None,
    period: tuple[dt.date, dt.date],
    language: str,
) -> tuple[dict[str, Any], str]:
    """What the audit PDF prints about checkpoints (the one made as it was issued, with its
    signature and the public key, and those of the period), and the JSON file it attaches:
    the same export `velferdslab audit checkpoints` writes, so the auditor can keep it and
    later run `velferdslab audit verify --public-key … --checkpoints …` against the live log."""
    from velferdslab.formatting import format_datetime, format_number

    key = public_key(config)
    start = dt.datetime.combine(period[0], dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(period[1] + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    in_period = stored_checkpoints(session, since=start, until=end)
    issued = None if made is None else Checkpoint.from_row(made)
    listed = [c for c in in_period if c != issued]
    if issued is not None:
        listed.append(issued)

    def shown(checkpoint: Checkpoint) -> dict[str, Any]:
        return {
            "at": format_datetime(checkpoint.at, seconds=True, language=language),
            "event_count": format_number(checkpoint.event_count, language=language),
            "last_hash": checkpoint.last_hash,
            "signature": checkpoint.signature,
            "key_id": checkpoint.key_id,
        }

    block = {
        "configured": key is not None,
        "issued": None if issued is None else shown(issued),
        "period": [shown(c) for c in in_period[-50:]],
        "period_count": len(in_period),
        "public_key": None if key is None else public_pem(key).decode(),
        "key_id": None if key is None else key_id(key),
    }
    return block, export(listed, key)


# --- copies off the database ---------------------------------------------------------------
# Each checkpoint is copied as it is committed, so that removing the newest checkpoints together
# with the events after them shows; `velferdslab audit verify` compares the database with the file.

log = logging.getLogger(__name__)
COPIES_KEY = "velferdslab_checkpoint_copies"
POST_TIMEOUT_SECONDS = 5


def copy_when_committed(session: AnySession, checkpoint: Checkpoint) -> None:
    """Copy the checkpoint off the database once its transaction committed (a checkpoint
    rolled back is never copied: the copy would accuse the database of losing it)."""
    if not has_app_context():
        return
    file = str(current_app.config.get("AUDIT_CHECKPOINT_COPY_FILE") or "")
    url = str(current_app.config.get("AUDIT_CHECKPOINT_COPY_URL") or "")
    if file or url:
        session.info.setdefault(COPIES_KEY, []).append((checkpoint.as_dict(), file, url))


@event.listens_for(Session, "after_commit")
def _copy_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the transaction may still roll back
    for document, file, url in session.info.pop(COPIES_KEY, []):
        # The checkpoint stands in the database whatever happens here; a failed copy is logged
        # loudly (the next `audit verify` names the checkpoint the copy lacks).
        if file:
            try:
                append(Path(file), document)
            except OSError:
                log.exception("audit checkpoint %s not copied to %s", document["sequence"], file)
        if url:
            try:
                post(url, document)
            except OSError:
                log.exception("audit checkpoint %s not posted", document["sequence"])


@event.listens_for(Session, "after_soft_rollback")
def _drop_copies(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:
        session.info.pop(COPIES_KEY, None)


def append(path: Path, document: dict[str, Any]) -> None:
    line = json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n"
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line)


def post(url: str, document: dict[str, Any]) -> None:
    if not url.startswith(("https://", "http://")):
        raise OSError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=json.dumps(document).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=POST_TIMEOUT_SECONDS) as response:  # noqa: S310
        response.read()


def read_copy(path: Path) -> list[Checkpoint]:
    """The checkpoints of a copy file, in the order they were made."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append(Checkpoint.from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"line {number} is not a checkpoint: {error}") from None
    return found
