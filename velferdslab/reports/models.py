"""The registry of issued PDF reports, so that an auditor can verify a file later."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from velferdslab.db import Base, created_at, enum_column, intpk
from velferdslab.vocabulary import ReportKind


class IssuedReport(Base):
    __tablename__ = "issued_report"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'ready', 'failed')", name="known_status"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        CheckConstraint("language IN ('nb', 'en')", name="known_language"),
    )

    id: Mapped[intpk]
    kind: Mapped[ReportKind] = mapped_column(enum_column(ReportKind, "report_kind"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    # Everything the report was asked for: period, as_of, filters.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assumption_set_id: Mapped[int | None] = mapped_column(ForeignKey("assumption_set.id"))
    assumption_set_version: Mapped[int | None]
    language: Mapped[str] = mapped_column(String(2), default="nb")
    data_snapshot_at: Mapped[dt.datetime | None]
    issued_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[created_at]
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
