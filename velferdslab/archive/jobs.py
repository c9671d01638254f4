"""The job `archive.send`: one pass of the outbox (velferdslab/jobs.py runs it after a commit
that queued a record; `velferdslab archive send` runs the same pass from a timer)."""

from __future__ import annotations

from velferdslab import jobs
from velferdslab.archive.outbox import run_once

NAME = "archive.send"


@jobs.job(NAME)
def send() -> None:
    run_once()
