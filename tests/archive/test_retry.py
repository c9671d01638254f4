"""The archive's error message is kept, the record is tried again with the same key, and a
receipt afterwards clears it; after N failures it waits for the admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.archive.conftest import enrolled_family
from tests.archive.helpers import Archive, validate
from tests.factories import Lab
from velferdslab.archive.models import ArchiveRecord, ArchiveState
from velferdslab.archive.outbox import run_once
from velferdslab.archive.receipts import ERROR, UnreadableReply, error_xml, read


def folder_record(db: scoped_session, family_id: int) -> ArchiveRecord:
    return db.scalars(select(ArchiveRecord).where(ArchiveRecord.family_id == family_id)).one()


def test_an_error_message_is_kept_and_the_retry_goes_with_the_same_key(
    db: scoped_session, lab: Lab, drop: Path
) -> None:
    family = enrolled_family(db, lab)
    record = folder_record(db, family.id)
    archive = Archive(refuse={record.key})
    run_once()
    archive.import_folder(drop)
    assert (drop / f"{record.key}.feilmelding.xml").exists()
    run_once()  # reads the error, then tries again at once
    db.refresh(record)
    assert record.failures == 1 and record.state is ArchiveState.SENT
    assert record.error is not None and "Ukjent klassifikasjon" in record.error
    archive.refuse.clear()
    archive.import_folder(drop)
    run_once()
    db.refresh(record)
    assert record.state is ArchiveState.RECEIPTED and record.error is None
    assert archive.deliveries == [record.key, record.key]
    assert list(archive.stored) == [record.key]
    assert not list(drop.glob("*.xml"))  # every answer read is moved aside
    assert len(list((drop / "done").iterdir())) == 2


def test_after_n_failures_the_record_waits_for_the_admin(
    app: Flask, db: scoped_session, lab: Lab, drop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "ARCHIVE_ALERT_AFTER_FAILURES", 2)
    family = enrolled_family(db, lab)
    record = folder_record(db, family.id)
    archive = Archive(refuse={record.key})
    for _attempt in range(2):
        run_once()
        archive.import_folder(drop)
    assert run_once().sent == 0
    db.refresh(record)
    assert record.state is ArchiveState.FAILED and record.failures == 2
    assert archive.deliveries == [record.key, record.key]


def test_both_error_messages_are_read_in_the_schemas_shapes() -> None:
    for kind in ("ugyldigforespoersel", "serverfeil"):
        xml = error_xml("feil-1", "Arkivet er nede", kind)
        validate(xml, f"no.ks.fiks.arkiv.v2.feilmelding.{kind}.xsd")
        reply = read(xml)
        assert (reply.kind, reply.error) == (ERROR, "feil-1: Arkivet er nede")
    with pytest.raises(UnreadableReply):
        read(b"<kvittering>ok</kvittering>")
