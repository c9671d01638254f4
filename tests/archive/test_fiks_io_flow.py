"""A family's records through the fake Fiks IO and a real RabbitMQ, on SQLite and PostgreSQL:
sent signed and encrypted, "mottatt" read from the queue (received), the receipt (receipted
with the journal number), the error message (failed, then retried with the same key); an
answer stored but never acknowledged comes again and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.archive.conftest import enrolled_family, whole_journey
from tests.archive.fake_fiks_io import FakeFiksIo
from tests.factories import Lab
from velferdslab.archive.models import ArchiveRecord, ArchiveState
from velferdslab.archive.outbox import apply, run_once
from velferdslab.archive.package import container
from velferdslab.archive.transports import FiksIoTransport
from velferdslab.archive.wire import RECEIPT_TYPE, TransportError
from velferdslab.audit.models import AuditEvent
from velferdslab.families.models import Family


def records(db: scoped_session, family: Family) -> list[ArchiveRecord]:
    statement = select(ArchiveRecord).where(ArchiveRecord.family_id == family.id)
    rows = list(db.scalars(statement.order_by(ArchiveRecord.id)))
    for row in rows:
        db.refresh(row)
    return rows


def test_a_family_goes_through_fiks_io_and_the_answers_come_over_amqp(
    db: scoped_session, lab: Lab, fiks_io: FakeFiksIo
) -> None:
    family = enrolled_family(db, lab)
    whole_journey(db, lab, family)
    folder, *entries = records(db, family)

    assert run_once().sent == 1  # the folder; the entries wait for its receipt
    payload = fiks_io.received[0]
    assert b"arkivmelding" not in payload  # only the archive account's key opens it
    assert fiks_io.archive.deliveries == [folder.key]  # signature and schema checked

    fiks_io.answer_all(received_only=True)
    assert run_once().answers == 1
    assert records(db, family)[0].state is ArchiveState.RECEIVED
    assert fiks_io.queued() == 0  # acknowledged once stored

    fiks_io.answer_all()
    summary = run_once()  # the receipt, then the entries go
    assert summary.answers == 1 and summary.sent == len(entries)
    stored = records(db, family)[0]
    assert stored.state is ArchiveState.RECEIPTED
    assert stored.journal_number == f"2026/{fiks_io.archive.stored[folder.key]['journal']}"

    fiks_io.answer_all()
    assert run_once().answers == len(entries)
    assert {r.state for r in records(db, family)} == {ArchiveState.RECEIPTED}
    assert sorted(fiks_io.archive.stored) == sorted(r.key for r in records(db, family))
    assert fiks_io.queued() == 0
    # One token and one catalogue lookup served every pass of this process.
    assert fiks_io.token_requests == 1 and fiks_io.catalogue_lookups == 1


def test_an_error_fails_the_record_and_an_answer_delivered_again_changes_nothing(
    db: scoped_session, lab: Lab, fiks_io: FakeFiksIo
) -> None:
    family = enrolled_family(db, lab)
    folder = records(db, family)[0]
    fiks_io.archive.refuse.add(folder.key)
    run_once()
    fiks_io.answer_all()

    # A worker reads the error and stores it, then dies before acknowledging it.
    reader = FiksIoTransport(fiks_io.settings())
    (answer,) = reader.replies()
    apply(folder, answer.reply)
    db.commit()
    reader.close()
    db.refresh(folder)
    assert folder.state is ArchiveState.FAILED and folder.failures == 1
    assert "Ukjent klassifikasjon" in (folder.error or "")
    assert fiks_io.queued() == 1  # not acknowledged: delivered again

    fiks_io.archive.refuse.clear()
    summary = run_once()  # reads it again (harmless), then retries with the same key
    assert summary.answers == 1 and summary.sent == 1
    db.refresh(folder)
    assert folder.failures == 1 and folder.state is ArchiveState.SENT
    assert fiks_io.queued() == 0
    assert fiks_io.archive.deliveries == [folder.key, folder.key]

    fiks_io.answer_all()
    run_once()
    db.refresh(folder)
    assert folder.state is ArchiveState.RECEIPTED and folder.error is None
    assert list(fiks_io.archive.stored) == [folder.key]


def test_an_answer_we_cannot_open_is_kept_as_the_error_and_the_record_sent_again(
    db: scoped_session, lab: Lab, fiks_io: FakeFiksIo
) -> None:
    family = enrolled_family(db, lab)
    run_once()
    message_id, key, answer = fiks_io.waiting.pop()
    fiks_io.account = fiks_io.recipient  # the archive encrypts to the wrong certificate
    fiks_io.publish(message_id, RECEIPT_TYPE, answer)
    run_once()
    folder = records(db, family)[0]
    assert folder.failures == 1 and folder.state is ArchiveState.SENT  # tried again
    assert "unreadable" in (folder.error or "") and "someone else" in (folder.error or "")
    assert fiks_io.archive.deliveries == [key, key]
    assert fiks_io.queued() == 0


def test_the_queue_takes_only_the_integration_with_its_password_and_live_token(
    db: scoped_session, lab: Lab, fiks_io: FakeFiksIo
) -> None:
    enrolled_family(db, lab)
    run_once()
    fiks_io.answer_all(received_only=True)
    wrong = FiksIoTransport({**fiks_io.settings(), "ARCHIVE_FIKS_IO_INTEGRATION_PASSWORD": "feil"})
    with pytest.raises(TransportError, match="refused the login"):
        wrong.replies()  # RabbitMQ refuses "<feil> <token>"
    with pytest.raises(TransportError, match="401"):
        wrong.send("noekkel", container(b"<arkivmelding/>", {}))
    assert fiks_io.queued() == 1  # still there for the right integration
    right = FiksIoTransport(fiks_io.settings())
    assert len(right.replies()) == 1
    right.close()


def test_a_mottatt_and_a_receipt_delivered_again_change_nothing(
    db: scoped_session, lab: Lab, fiks_io: FakeFiksIo
) -> None:
    family = enrolled_family(db, lab)
    folder = records(db, family)[0]
    run_once()
    fiks_io.answer_all(received_only=True)
    fiks_io.answer_all()
    reader = FiksIoTransport(fiks_io.settings())
    answers = reader.replies()
    assert [a.reply.kind for a in answers] == ["mottatt", "kvittering"]
    for answer in answers:  # stored, then the worker dies before acknowledging
        apply(folder, answer.reply)
        db.commit()
    reader.close()
    db.refresh(folder)
    journal_number = folder.journal_number
    assert folder.state is ArchiveState.RECEIPTED and fiks_io.queued() == 2

    assert run_once().answers == 2  # delivered again, read again
    db.refresh(folder)
    assert folder.state is ArchiveState.RECEIPTED and folder.journal_number == journal_number
    assert fiks_io.queued() == 0
    events = db.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity == "archive_record", AuditEvent.entity_id == folder.id
        )
    ).all()
    assert sorted(events) == ["queue", "receipt", "receive", "send"], events  # each once
