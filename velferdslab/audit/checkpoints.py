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
report is issued — and checked by `verify_with_checkpoints`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import DateTime, Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, mapped_column

from velferdslab.audit.services import GENESIS, ChainReport, canonical_time
from velferdslab.db import AnySession, Base, as_utc, intpk, utcnow

FORMAT = "velferdslab-audit-checkpoint/v1"


class CheckpointKeyError(RuntimeError):
    """The signing or public key is missing or unreadable."""


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

    def message(self) -> bytes:
        return signed_message(self.event_count, self.last_event_id, self.last_hash, self.at)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
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
        )


def signed_message(
    event_count: int, last_event_id: int | None, last_hash: str, at: dt.datetime
) -> bytes:
    """The exact bytes that are signed: one line per field, so anyone can re-check by hand."""
    last_id = "" if last_event_id is None else str(last_event_id)
    return f"{FORMAT}\n{event_count}\n{last_id}\n{last_hash}\n{canonical_time(at)}Z\n".encode()


# --- keys -------------------------------------------------------------------------------------


def generate_key_pair(directory: Path) -> tuple[Path, Path]:
    """A new signing key (PEM, readable by its owner only) and its public key beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path = directory / "audit-signing-key.pem"
    public_path = directory / "audit-public-key.pem"
    if private_path.exists():
        raise CheckpointKeyError(f"{private_path} exists: refusing to overwrite a signing key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public_path.write_bytes(public_pem(key.public_key()))
    return private_path, public_path


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _load_private(data: bytes) -> Ed25519PrivateKey:
    stripped = data.strip()
    try:
        if stripped.startswith(b"-----BEGIN"):
            key = serialization.load_pem_private_key(stripped, password=None)
        else:  # the 32-byte seed in base64, e.g. from a secret store
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(stripped, validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise CheckpointKeyError(f"the audit signing key is unreadable: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointKeyError("the audit signing key is not an Ed25519 key")
    return key


def load_public_key(data: bytes) -> Ed25519PublicKey:
    stripped = data.strip()
    try:
        if stripped.startswith(b"-----BEGIN PRIVATE"):
            return _load_private(stripped).public_key()
        if stripped.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(stripped)
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(stripped, validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise CheckpointKeyError(f"the audit public key is unreadable: {error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointKeyError("the audit public key is not an Ed25519 key")
    return key


def signing_key(config: Mapping[str, Any]) -> Ed25519PrivateKey | None:
    """The configured signing key: AUDIT_SIGNING_KEY (PEM or base64 seed, from the
    environment) or AUDIT_SIGNING_KEY_FILE. None when neither is set."""
    secret = config.get("AUDIT_SIGNING_KEY")
    if secret:
        return _load_private(str(secret).encode())
    path = config.get("AUDIT_SIGNING_KEY_FILE")
    if not path and config.get("ENV") == "development":
        path = _development_key()
    if path:
        try:
            return _load_private(Path(path).read_bytes())
        except OSError as error:
            raise CheckpointKeyError(
                f"cannot read the audit signing key file {path}: {error}"
            ) from None
    return None


def _development_key() -> Path:
    """`make run` signs checkpoints out of the box: a key in the instance folder, made once.
    Development only; production names its key (docs/privacy.md)."""
    from velferdslab.settings import PROJECT_ROOT

    folder = PROJECT_ROOT / "instance"
    path = folder / "audit-signing-key.pem"
    if not path.exists():
        # another worker may make it this very moment
        with contextlib.suppress(CheckpointKeyError, FileExistsError):
            generate_key_pair(folder)
    return path


def public_key(config: Mapping[str, Any]) -> Ed25519PublicKey | None:
    """The key that checks checkpoints: AUDIT_PUBLIC_KEY_FILE, else the signing key's."""
    path = config.get("AUDIT_PUBLIC_KEY_FILE")
    if path:
        try:
            return load_public_key(Path(path).read_bytes())
        except OSError as error:
            raise CheckpointKeyError(
                f"cannot read the audit public key file {path}: {error}"
            ) from None
    private = signing_key(config)
    return None if private is None else private.public_key()


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
    signature = key.sign(signed_message(count, last_id, last_hash, at))
    row = AuditCheckpoint(
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


# --- verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointReport:
    chain: ChainReport
    checked: int  # checkpoints whose signature and hash matched
    problems: list[str]

    @property
    def intact(self) -> bool:
        return self.chain.intact and not self.problems


def _signature_valid(key: Ed25519PublicKey, checkpoint: Checkpoint) -> bool:
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def _rows_in_order(session: AnySession, batch: int = 20_000) -> Iterator[Any]:
    """The events as plain rows (no ORM objects: a third of the time on a large log), in id
    order, a batch at a time by keyset."""
    from velferdslab.audit.services import AUDIT_TABLE

    columns = AUDIT_TABLE.c
    last_id = 0
    while True:
        rows = session.execute(
            select(
                columns.id, columns.at, columns.user_id, columns.action, columns.entity,
                columns.entity_id, columns.family_id, columns.ip, columns.details,
                columns.prev_hash, columns.hash,
            )
            .where(columns.id > last_id)
            .order_by(columns.id)
            .limit(batch)
        ).all()  # fmt: skip
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def check_chain(session: AnySession) -> ChainReport:
    """The chain's own links and hashes, as `verify_chain`, over plain rows (faster)."""
    return _walk(session, set())[0]


def _walk(
    session: AnySession, counts: set[int]
) -> tuple[ChainReport, int, dict[int, tuple[int, str]]]:
    """One pass over the log: the chain's own check (as `verify_chain`), the number of events,
    and (event id, hash) at each position a checkpoint names."""
    from velferdslab.audit.services import event_hash

    found: dict[int, tuple[int, str]] = {}
    prev, position = GENESIS, 0
    broken: ChainReport | None = None
    for event in _rows_in_order(session):
        if broken is None:
            if event.prev_hash != prev:
                broken = ChainReport(
                    position, event.id, "its link to the event before it is broken"
                )
            elif event_hash(prev, event) != event.hash:
                broken = ChainReport(position, event.id, "its content does not match its hash")
        position += 1
        if position in counts:
            found[position] = (event.id, event.hash)
        prev = event.hash
    return broken or ChainReport(position, None, None), position, found


def verify_with_checkpoints(
    session: AnySession,
    key: Ed25519PublicKey,
    checkpoints: list[Checkpoint],
    *,
    now: dt.datetime | None = None,
    max_age: dt.timedelta | None = None,
) -> CheckpointReport:
    """The chain's own links and hashes, then every checkpoint against it: its signature with
    `key`, and that the chain's event number `event_count` carries the signed hash. An edit,
    a deletion, an insertion or a reordering breaks a link (or, recomputed, a signed hash); a
    cut-off tail leaves fewer events than a checkpoint counts. `max_age`: the newest checkpoint
    must be at most this old (stored checkpoints could have been removed with the events)."""
    problems: list[str] = []
    wanted = {c.event_count for c in checkpoints if c.event_count > 0}
    chain, total, hashes = _walk(session, wanted)
    checked = 0
    for checkpoint in checkpoints:
        when = canonical_time(checkpoint.at)
        label = f"checkpoint of {checkpoint.event_count} events at {when}Z"
        if not _signature_valid(key, checkpoint):
            problems.append(
                f"{label}: the signature does not match the public key (forged or altered)"
            )
            continue
        if checkpoint.event_count > total:
            problems.append(
                f"{label}: the log holds only {total} events: "
                f"{checkpoint.event_count - total} signed events are missing (cut off or deleted)"
            )
            continue
        if checkpoint.event_count == 0:
            checked += 1
            continue
        event_id, event_hash_ = hashes[checkpoint.event_count]
        if event_hash_ != checkpoint.last_hash:
            problems.append(
                f"{label}: event number {checkpoint.event_count} (id {event_id}) does not carry "
                "the signed hash: the events before it were altered, removed, inserted or reordered"
            )
            continue
        checked += 1
    if not checkpoints:
        problems.append("no signed checkpoint to check the log against")
    elif max_age is not None and now is not None:
        newest = max(c.at for c in checkpoints)
        if now - newest > max_age:
            problems.append(
                f"the newest checkpoint is from {canonical_time(newest)}Z, older than the "
                "checkpoint interval allows: newer checkpoints may have been removed"
            )
    return CheckpointReport(chain, checked, problems)


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
