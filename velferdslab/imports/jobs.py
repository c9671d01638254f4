"""A large file's import (or dry run) as the background job `imports.run` (velferdslab/jobs.py
runs it, on the queue's worker or in a thread, as it runs the PDF reports).

The request stores the upload with a queued run and answers at once; the job claims the run,
applies the file in one transaction and commits once at the end, so a run cancelled before it
commits keeps nothing. Its progress, and a lead's request to cancel, pass outside that
transaction, on PostgreSQL through a short session of their own. SQLite has one writer: the
running import holds it, so there the progress passes within the process (the thread mode that
SQLite runs with) and a cancel waits for the run's end (a queued run is cancelled at once).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from velferdslab import jobs
from velferdslab.db import utcnow
from velferdslab.extensions import db
from velferdslab.imports import services
from velferdslab.imports.models import ImportRun
from velferdslab.imports.reading import TooManyRows, UnreadableFile
from velferdslab.users.models import User

NAME = "imports.run"
# Within one process (SQLite): run id -> percent done.
PROGRESS: dict[int, int] = {}


def mark_failed(session: Session, kwargs: dict[str, Any], reason: str) -> None:
    run = session.get(ImportRun, kwargs["import_id"])
    if run is not None and run.status in ("queued", "running"):
        run.status, run.error, run.upload = "failed", reason, None
        run.finished_at = utcnow()


def _own_session() -> bool:
    return db.engine.dialect.name == "postgresql"


def between_families(import_id: int, done: int, total: int) -> None:
    """Every fiftieth of the file: say how far it got, and stop if the lead asked to."""
    step = max(total // 50, 1)
    if done % step:
        return
    percent = 1 + done * 98 // max(total, 1)
    if _own_session():
        with Session(db.engine) as probe:
            wanted = probe.scalar(
                select(ImportRun.cancel_requested).where(ImportRun.id == import_id)
            )
            probe.execute(
                update(ImportRun).where(ImportRun.id == import_id).values(progress=percent)
            )
            probe.commit()
    else:
        PROGRESS[import_id] = percent
        wanted = False
    if wanted:
        raise services.Cancelled()


@jobs.job(NAME, on_give_up=mark_failed)
def run_queued(import_id: int) -> None:
    claimed = db.session.execute(
        update(ImportRun)
        .where(ImportRun.id == import_id, ImportRun.status.in_(("queued", "running")))
        .where(ImportRun.cancel_requested.is_(False))
        .values(status="running", progress=1)
    )
    db.session.commit()
    if not claimed.rowcount:  # type: ignore[attr-defined]
        return  # done already, cancelled or given up
    run = db.session.get_one(ImportRun, import_id, populate_existing=True)
    user = db.session.get_one(User, run.created_by)
    data = _upload(import_id)
    try:
        services.run_import(
            db.session,
            user,
            run,
            data,
            rule=str(current_app.config["OVERALL_RULE"]),
            max_rows=int(current_app.config["IMPORT_MAX_ROWS"]),
            progress=lambda done, total: between_families(import_id, done, total),
        )
    except services.Cancelled:
        db.session.rollback()
        _end(import_id, "cancelled", None)
        return
    except (UnreadableFile, TooManyRows) as error:  # no second attempt reads it better
        db.session.rollback()
        _end(import_id, "failed", str(error)[:500])
        return
    finally:
        PROGRESS.pop(import_id, None)
    run.upload, run.progress = None, 100
    db.session.commit()


UPLOAD_SLICE = 4 << 20


def _upload(import_id: int) -> bytes:
    """The stored upload, read 4 MB at a time: the whole value in one read came from
    PostgreSQL as text twice the file's size (bytea's hex form), held by the connection for the
    rest of the run (a national lab's 48.5 MB file: some 280 MB at the peak, 90 MB after)."""
    size = db.session.scalar(select(func.length(ImportRun.upload)).where(ImportRun.id == import_id))
    data = bytearray()
    for start in range(1, (size or 0) + 1, UPLOAD_SLICE):
        data += (
            db.session.scalar(
                select(func.substr(ImportRun.upload, start, UPLOAD_SLICE)).where(
                    ImportRun.id == import_id
                )
            )
            or b""
        )
    return bytes(data)


def _end(import_id: int, status: str, error: str | None) -> None:
    db.session.execute(
        update(ImportRun)
        .where(ImportRun.id == import_id)
        .values(status=status, error=error, upload=None, finished_at=utcnow())
    )
    db.session.commit()


def start(run: ImportRun, data: bytes) -> None:
    run.status, run.upload, run.progress = "queued", data, 0
    db.session.flush()
    jobs.enqueue(NAME, import_id=run.id)


def cancel(run: ImportRun) -> None:
    """Stop a run before it commits: a queued one at once, a running one at its next step."""
    if run.status not in ("queued", "running"):
        return
    run.cancel_requested = True
    if run.status == "queued":
        run.status, run.upload, run.finished_at = "cancelled", None, utcnow()


def progress_of(run: ImportRun) -> int:
    return PROGRESS.get(run.id, run.progress)
