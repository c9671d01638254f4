"""The history of imports (dry runs too): what was sent, by whom, in which mode, how far a
background run got, and what came of it. (A family's `Referanse` is its `external_reference`.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from velferdslab.db import Base, created_at, intpk

# queued and running: a background run (a large file); cancelled: stopped before it committed.
STATUSES = ("queued", "running", "done", "failed", "cancelled")


class ImportRun(Base):
    """One upload: what was sent (name, SHA-256), by whom, in which mode, and what came of it."""

    __tablename__ = "import_run"

    id: Mapped[intpk]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[created_at]
    dry_run: Mapped[bool]
    status: Mapped[str] = mapped_column(String(10), default="done")
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # {created, updated, unchanged, refused}
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # [{sheet, row, column, value, severity, code, message: {en, nb}}]; national ids masked.
    report: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # {reference: created | updated | unchanged | refused}
    families: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The refused families' rows as typed, to download and fix: {headers: {sheet: [...]},
    # rows: [{sheet, row, cells}]}; national ids masked as in the report.
    rejected: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    finished_at: Mapped[dt.datetime | None]
    # A background run: percent done, why it failed, and a lead's request to stop it.
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    # The uploaded file while a background run waits for it or runs; emptied when it ends.
    upload: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
