"""The outbox: send what is queued (and retry what failed), then read the archive's answers.

A record's states: queued → sent → received (the archive's "mottatt") → receipted (its
"kvittering", with the archive's system id and journal number), or failed (an error message,
kept; tried again with the same key until `ARCHIVE_ALERT_AFTER_FAILURES` failures, then left
for the admin, whose page shows it). Each step commits before the next, so a worker killed at
any point leaves a record that is either still queued (and is sent again, with the same key
and the same bytes: the archive recognises it) or sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from velferdslab.archive.documents import make_document
from velferdslab.archive.models import ArchiveKind, ArchiveRecord, ArchiveState
from velferdslab.archive.package import package
from velferdslab.archive.receipts import ERROR, RECEIPT, RECEIVED, Reply
from velferdslab.archive.transports import transport_from
from velferdslab.archive.wire import Incoming, Transport, TransportError
from velferdslab.audit import log as audit_log
from velferdslab.db import utcnow
from velferdslab.extensions import db

log = logging.getLogger(__name__)


@dataclass
class Summary:
    sent: int = 0
    answers: int = 0
    errors: list[str] = field(default_factory=list)


def alert_after() -> int:
    return int(current_app.config.get("ARCHIVE_ALERT_AFTER_FAILURES", 3))


def run_once(transport: Transport | None = None) -> Summary:
    """One pass of the outbox (the job and `velferdslab archive send`); commits as it goes."""
    transport = transport or transport_from(current_app.config)
    summary = Summary()
    if transport is None:
        return summary
    try:
        read_answers(transport, summary)
    finally:
        transport.close()  # an answer read but not acknowledged is delivered again
    send_pending(transport, summary)
    return summary


def due() -> list[int]:
    """What to send now, oldest first. A journal entry waits for its family's folder to be
    receipted: the archive files it into that folder, found by the folder's key."""
    waiting = or_(
        ArchiveRecord.state == ArchiveState.QUEUED,
        (ArchiveRecord.state == ArchiveState.FAILED) & (ArchiveRecord.failures < alert_after()),
    )
    folder = aliased(ArchiveRecord)
    folder_stored = exists().where(
        folder.family_id == ArchiveRecord.family_id,
        folder.kind == ArchiveKind.FOLDER,
        folder.state == ArchiveState.RECEIPTED,
    )
    ready = or_(ArchiveRecord.kind == ArchiveKind.FOLDER, folder_stored)
    statement = select(ArchiveRecord.id).where(waiting, ready).order_by(ArchiveRecord.id)
    return list(db.session.scalars(statement))


def send_pending(transport: Transport, summary: Summary) -> None:
    for record_id in due():
        record = db.session.get(ArchiveRecord, record_id)
        assert record is not None
        make_document(record)  # once: a resend carries the same bytes
        record.attempts += 1
        db.session.commit()
        try:
            message_id = transport.send(record.key, package(db.session, record))
        except TransportError as error:
            record.error = str(error)[:2000]
            db.session.commit()
            summary.errors.append(str(error))
            log.warning("archive: %s", error)
            return  # the archive is out of reach: the rest waits for the next pass
        record.state, record.sent_at, record.message_id = ArchiveState.SENT, utcnow(), message_id
        audit_log.record(
            db.session,
            "send",
            "archive_record",
            record.id,
            family_id=record.family_id,
            details={"key": record.key, "attempt": record.attempts},
        )
        db.session.commit()
        summary.sent += 1


def read_answers(transport: Transport, summary: Summary) -> None:
    try:
        incoming = transport.replies()
    except TransportError as error:
        summary.errors.append(str(error))
        return
    for answer in incoming:
        record = _record_for(answer)
        if record is None:
            log.warning("archive: an answer for no record of ours (%s)", answer.key)
        else:
            apply(record, answer.reply)
            db.session.commit()  # stored before it leaves the queue: at least once
            summary.answers += 1
        try:
            transport.acknowledge(answer)
        except TransportError as error:
            summary.errors.append(str(error))
            return  # the rest come again, and are read again harmlessly


def _record_for(answer: Incoming) -> ArchiveRecord | None:
    key = answer.key or answer.reply.key
    if key:
        return db.session.scalar(select(ArchiveRecord).where(ArchiveRecord.key == key))
    if answer.message_id:
        return db.session.scalar(
            select(ArchiveRecord).where(ArchiveRecord.message_id == answer.message_id)
        )
    return None


def apply(record: ArchiveRecord, reply: Reply) -> None:
    details: dict[str, Any] = {"key": record.key}
    if record.state is ArchiveState.RECEIPTED:
        return  # stored: a late "mottatt" or a second answer changes nothing
    if reply.kind == RECEIVED:
        if record.state is ArchiveState.SENT:
            record.state, record.received_at = ArchiveState.RECEIVED, utcnow()
            audit_log.record(
                db.session,
                "receive",
                "archive_record",
                record.id,
                family_id=record.family_id,
                details=details,
            )
    elif reply.kind == RECEIPT:
        record.state, record.receipted_at = ArchiveState.RECEIPTED, utcnow()
        record.archive_system_id, record.journal_number = reply.system_id, reply.journal_number
        record.error = None
        audit_log.record(
            db.session,
            "receipt",
            "archive_record",
            record.id,
            family_id=record.family_id,
            details={**details, "journal_number": reply.journal_number},
        )
    elif reply.kind == ERROR:
        if record.state not in (ArchiveState.SENT, ArchiveState.RECEIVED):
            return  # no send is waiting for it: an error delivered again, or a late one
        record.state, record.failures = ArchiveState.FAILED, record.failures + 1
        record.error = (reply.error or "")[:2000]
        audit_log.record(
            db.session,
            "fail",
            "archive_record",
            record.id,
            family_id=record.family_id,
            details={**details, "failures": record.failures},
        )
