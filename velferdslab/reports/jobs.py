"""Making a report in the background of the worker that took the request.

The request commits the queued report and answers at once; one thread per worker process then
reads the figures in one transaction (a consistent snapshot on PostgreSQL), renders the PDF and
stores it, committing its progress between the stages so that any worker can report it. A report
whose worker died is shown as failed after `STALE_AFTER`.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache

from flask import Flask, current_app
from sqlalchemy import event

from velferdslab.audit.services import PendingEvent, write_events
from velferdslab.extensions import db
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.services import make_report

log = logging.getLogger(__name__)


@cache
def _executor() -> ThreadPoolExecutor:
    # Created on first use, so after gunicorn forked its workers; one report at a time per
    # worker keeps memory bounded and leaves the other worker free for requests.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="report")


def submit_after_commit(report_id: int) -> None:
    """Start the job once the request's transaction has committed the queued report."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session = db.session()

    def start(_session: object) -> None:
        jobs = app.extensions.setdefault("velferdslab_report_jobs", {})
        jobs[report_id] = _executor().submit(run, app, report_id)

    event.listen(session, "after_commit", start, once=True)


def job(app: Flask, report_id: int) -> Future[None] | None:
    """The running job of a report, for tests that wait for it."""
    future: Future[None] | None = app.extensions.get("velferdslab_report_jobs", {}).get(report_id)
    return future


def run(app: Flask, report_id: int) -> None:
    with app.app_context():
        try:
            _run(report_id)
        except Exception as error:  # the report must end failed, never stay "running"
            log.exception("report %s failed", report_id)
            db.session.rollback()
            report = db.session.get(IssuedReport, report_id)
            if report is not None:
                report.status = "failed"
                report.error = f"{type(error).__name__}: {error}"[:500]
                db.session.commit()
        finally:
            db.session.remove()


def _run(report_id: int) -> None:
    report = db.session.get(IssuedReport, report_id)
    if report is None or report.status != "queued":
        return
    report.status, report.progress = "running", 5
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})

    def between_stages(progress: int) -> None:
        report.progress = progress
        db.session.commit()  # ends the read transaction: the rest is rendering

    make_report(report, lambda _progress: None, between_stages)
    write_events(
        db.session,
        [
            PendingEvent(
                action="render",
                entity="report",
                entity_id=report.id,
                family_id=report.family_id,
                user_id=report.issued_by,
                details={"kind": report.kind.value, "sha256": report.sha256},
            )
        ],
    )
    db.session.commit()
