"""Making a PDF report: the job `reports.make` (velferdslab/jobs.py runs it, on the queue's
worker or in a background thread).

The request commits the queued report and answers at once; the job then reads the figures in
one transaction (a consistent snapshot on PostgreSQL), renders the PDF and stores it, committing
its progress between the stages so that any app instance can show it. The job is idempotent: a
report already made is left alone, and a second run (a message handed on after a crash) that
finishes after the first one keeps the first one's file, hash and single `render` event.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from velferdslab import jobs
from velferdslab.audit.log import record
from velferdslab.extensions import db
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.services import make_report

NAME = "reports.make"


def mark_failed(session: Session, kwargs: dict[str, Any], reason: str) -> None:
    report = session.get(IssuedReport, kwargs["report_id"])
    if report is not None and report.status != "ready":
        report.status, report.error = "failed", reason


class _MadeElsewhere(Exception):
    """Another run of the job (a message handed on while its worker still lived) finished it."""


def _status_now(report_id: int) -> str | None:
    """Outside the job's own transaction, a REPEATABLE READ snapshot on PostgreSQL. (SQLite has
    no queue, hence no second run; its transactions take the write lock, so none is opened.)"""
    if db.engine.dialect.name != "postgresql":
        return None
    with Session(db.engine) as probe:
        return probe.scalar(select(IssuedReport.status).where(IssuedReport.id == report_id))


@jobs.job(NAME, on_give_up=mark_failed)
def make(report_id: int) -> None:
    # Claim it: only a queued report, or one whose last run died while it was running.
    claimed = db.session.execute(
        update(IssuedReport)
        .where(IssuedReport.id == report_id, IssuedReport.status.in_(("queued", "running")))
        .values(status="running", progress=5, error=None)
    )
    db.session.commit()
    if not claimed.rowcount:  # type: ignore[attr-defined]
        return  # made already, or given up
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    report = db.session.get(IssuedReport, report_id, populate_existing=True)
    assert report is not None

    def between_stages(progress: int) -> None:
        if _status_now(report_id) == "ready":
            raise _MadeElsewhere()
        report.progress = progress
        db.session.commit()  # ends the read transaction: the rest is rendering

    try:
        make_report(report, lambda _progress: None, between_stages)
    except _MadeElsewhere:
        db.session.rollback()
        return
    with db.session.no_autoflush:  # lock the row before writing; another run may have finished
        stored = db.session.scalar(
            select(IssuedReport.status).where(IssuedReport.id == report_id).with_for_update()
        )
    if stored == "ready":
        db.session.rollback()
        return
    record(
        db.session,
        "render",
        "report",
        report.id,
        family_id=report.family_id,
        details={"kind": report.kind.value, "sha256": report.sha256},
        user_id=report.issued_by,
    )
    db.session.commit()


def start(report: IssuedReport) -> None:
    """Have an issued report made: within this request when JOBS is `inline`, else by the job
    once the request commits (on the queue's worker, or in a thread without a broker)."""
    if jobs.mode(current_app) == "inline":
        make_report(report, lambda _progress: None, lambda _progress: None)
    else:
        jobs.enqueue(NAME, report_id=report.id)
