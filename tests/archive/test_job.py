"""The existing job queue sends: a commit that queued a record starts the job `archive.send`
(here in a background thread, as `make run` does), which hands the folder to the archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.archive.conftest import enrolled_family
from tests.factories import make_lab
from velferdslab import jobs
from velferdslab.extensions import db as flask_db


def test_a_commit_that_queues_a_record_starts_the_job_that_sends_it(
    committing_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop = tmp_path / "drop"
    monkeypatch.setitem(committing_app.config, "JOBS", "thread")
    monkeypatch.setitem(committing_app.config, "ARCHIVE_TRANSPORT", "folder")
    monkeypatch.setitem(committing_app.config, "ARCHIVE_FOLDER", str(drop))
    with committing_app.app_context():
        lab = make_lab(flask_db.session)
        flask_db.session.commit()
        enrolled_family(flask_db.session, lab)
        assert not drop.exists()  # nothing leaves before the commit
        flask_db.session.commit()
        flask_db.session.remove()
    future = jobs.submitted(committing_app, "archive.send")
    assert future is not None
    future.result(timeout=120)
    assert len(list(drop.glob("*.zip"))) == 1
