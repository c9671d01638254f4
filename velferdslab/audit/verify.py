"""Checking the audit log against signed checkpoints: the chain's own links, then each
checkpoint's signature and the hash it vouches for, in one pass over the events."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from velferdslab.audit.checkpoints import Checkpoint
from velferdslab.audit.services import ChainReport, canonical_time, walk_chain
from velferdslab.db import AnySession


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


def check_chain(session: AnySession) -> ChainReport:
    """The chain's own links and hashes, as `verify_chain`, over plain rows (faster)."""
    return walk_chain(session)[0]


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
    chain, total, hashes = walk_chain(session, wanted)
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


def numbering_problems(stored: list[Checkpoint], copy: list[Checkpoint] | None) -> list[str]:
    """What the checkpoints' numbers and the copy kept off the database show: a number missing
    from the stored ones (a checkpoint removed), and every copied checkpoint the database lacks
    (removed, perhaps with the events after it — which the copy's own check then shows)."""
    problems = []
    numbers = {c.sequence for c in stored if c.sequence is not None}
    missing = sorted(set(range(1, max(numbers, default=0) + 1)) - numbers)
    if missing:
        shown = ", ".join(str(n) for n in missing[:10])
        problems.append(f"checkpoints number {shown} are missing from the database (removed)")
    if copy is not None:
        kept = {c.signature for c in stored}
        for checkpoint in copy:
            if checkpoint.signature not in kept:
                problems.append(
                    f"checkpoint number {checkpoint.sequence} of {checkpoint.event_count} events "
                    f"at {canonical_time(checkpoint.at)}Z is in the copy kept off the database "
                    "but not in the database (removed)"
                )
    return problems
