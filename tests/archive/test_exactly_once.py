"""Exactly once by key: `velferdslab archive send` (over the fake Fiks IO: signed, encrypted,
answers over RabbitMQ) killed while Fiks IO holds its message (the archive has stored it, the
outbox never heard), then run again — the record goes again with the same key, arkivmelding
and document, the archive keeps one record per key, every record is receipted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.archive.conftest import enrolled_family, whole_journey
from tests.archive.fake_fiks_io import Broker, FakeFiksIo
from tests.archive.helpers import Archive
from tests.factories import make_lab
from tests.isolated import isolated_database
from velferdslab.app import create_app
from velferdslab.archive.models import ArchiveRecord, ArchiveState
from velferdslab.extensions import db as flask_db
from velferdslab.schema import upgrade_database

pytestmark = [pytest.mark.db, pytest.mark.slow]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    with isolated_database("archive_once", tmp_path) as url:
        yield url


def archive_send(url: str, fake: FakeFiksIo) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VELFERDSLAB_DATABASE_URL": url,
        "VELFERDSLAB_ENV": "development",
        "VELFERDSLAB_SECRET_KEY": "archive-test-secret-not-for-production",
        **{f"VELFERDSLAB_{k}": v for k, v in fake.settings().items()},
    }
    command = [sys.executable, "-c", "from velferdslab.cli import main; main()", "archive", "send"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )


def finished(process: subprocess.Popen[bytes]) -> str:
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output.decode()
    return output.decode()


def states(app: Flask) -> list[tuple[str, ArchiveState]]:
    with app.app_context():
        rows = flask_db.session.execute(
            select(ArchiveRecord.key, ArchiveRecord.state).order_by(ArchiveRecord.id)
        ).all()
        flask_db.session.remove()
    return [(key, state) for key, state in rows]


def test_a_worker_killed_mid_send_resends_with_the_same_key_and_the_archive_keeps_one(
    database: str, broker: Broker, tmp_path: Path
) -> None:
    fake = FakeFiksIo(Archive(), tmp_path / "fiks-io", broker)
    app = create_app(
        {
            "ENV": "test",
            "DATABASE_URL": database,
            "JOBS": "inline",
            "SECRET_KEY": "archive-test-secret-not-for-production",
            **fake.settings(),
        }
    )
    upgrade_database(app)
    with app.app_context():
        lab = make_lab(flask_db.session)
        whole_journey(flask_db.session, lab, enrolled_family(flask_db.session, lab))
        flask_db.session.commit()
        flask_db.session.remove()
    keys = [key for key, _state in states(app)]
    assert len(keys) == 7

    finished(archive_send(database, fake))  # the folder
    fake.answer_all()
    fake.hang_on_send = 3  # the second journal entry: stored by the archive, never answered
    worker = archive_send(database, fake)
    assert fake.hung.wait(120), "the worker never reached the archive"
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(30)
    assert worker.stdout is not None
    worker.stdout.close()
    fake.release.set()
    sent_before = dict(states(app))
    lost = keys[2]
    assert sent_before[lost] is ArchiveState.QUEUED  # the outbox never heard it went
    assert fake.archive.deliveries.count(lost) == 1  # yet the archive has it

    finished(archive_send(database, fake))  # resends it, same key
    fake.answer_all()
    finished(archive_send(database, fake))  # reads the receipts

    assert fake.archive.deliveries.count(lost) == 2
    assert sorted(fake.archive.stored) == sorted(keys)  # one record per key
    assert [state for _key, state in states(app)] == [ArchiveState.RECEIPTED] * len(keys)
    with app.app_context():
        record = flask_db.session.scalar(select(ArchiveRecord).where(ArchiveRecord.key == lost))
        assert record is not None and record.attempts == 2
        assert record.journal_number == f"2026/{fake.archive.stored[lost]['journal']}"
        flask_db.session.remove()
        flask_db.engine.dispose()
    fake.close()
