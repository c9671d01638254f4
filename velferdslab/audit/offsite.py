"""Each checkpoint copied off the database as it is committed, so that removing the newest
checkpoints together with the events after them shows: a file (AUDIT_CHECKPOINT_COPY_FILE,
one JSON checkpoint a line, mode 0600, on other storage than the database's) and/or a URL
(AUDIT_CHECKPOINT_COPY_URL: each checkpoint POSTed as JSON, e.g. to a log collector).
`velferdslab audit verify` compares the database with the file by default."""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from pathlib import Path
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from velferdslab.audit.checkpoints import Checkpoint
from velferdslab.db import AnySession

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
