"""The archive's outbox (one row per arkivmelding) and each municipality's archive settings."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from velferdslab.db import Base, created_at, enum_column, intpk


class ArchiveKind(StrEnum):
    FOLDER = "folder"  # the family's saksmappe, created at enrolment
    CONSENT_GIVEN = "consent_given"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    PLAN = "plan"  # the plan when made and at each later change of goals
    SPENDING_DECISION = "spending_decision"  # above the member's mandate, approved or rejected
    TEAM_CHANGE = "team_change"
    CONCLUSION = "conclusion"  # with the family report
    NOTE = "note"  # working notes: only when a municipality turns them on


# Archived unless the municipality says otherwise (issue 27.1).
DEFAULT_KINDS = tuple(kind.value for kind in ArchiveKind if kind is not ArchiveKind.NOTE)


class ArchiveState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    RECEIVED = "received"  # the archive's "mottatt"
    RECEIPTED = "receipted"  # the archive's "kvittering": stored, with its ids
    FAILED = "failed"  # an error message; retried with the same key


class ArchiveRecord(Base):
    __tablename__ = "archive_record"

    id: Mapped[intpk]
    # referanseEksternNoekkel/noekkel: made once, at creation, and sent on every attempt, so that
    # the archive recognises a resent message as the one it has.
    key: Mapped[str] = mapped_column(String(36), unique=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    kind: Mapped[ArchiveKind] = mapped_column(enum_column(ArchiveKind, "archive_kind"))
    occurred_on: Mapped[dt.date]
    # The facts the document and the metadata are made from, as they were at the time.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[ArchiveState] = mapped_column(
        enum_column(ArchiveState, "archive_state"), default=ArchiveState.QUEUED, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    sent_at: Mapped[dt.datetime | None]
    received_at: Mapped[dt.datetime | None]
    receipted_at: Mapped[dt.datetime | None]
    # Fiks IO's id of the last message sent; its answers name it (svarPaMelding).
    message_id: Mapped[str | None] = mapped_column(String(36), index=True)
    archive_system_id: Mapped[str | None] = mapped_column(String(100))
    # An entry's journal number (journalår/sekvensnummer); a folder's case number (saksår/…).
    journal_number: Mapped[str | None] = mapped_column(String(50))
    # The document (PDF/A), made once before the first attempt and resent unchanged.
    document_name: Mapped[str | None] = mapped_column(String(100))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))


class ArchiveSettings(Base):
    """Per municipality: the metadata its archive asks for, the screening and what is archived."""

    __tablename__ = "archive_settings"

    id: Mapped[intpk]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), unique=True)
    administrative_unit: Mapped[str] = mapped_column(String(150), default="")
    classification_system: Mapped[str] = mapped_column(String(50), default="")
    class_id: Mapped[str] = mapped_column(String(50), default="")
    screening: Mapped[bool] = mapped_column(Boolean, default=True)
    access_restriction: Mapped[str] = mapped_column(String(20), default="13")
    screening_authority: Mapped[str] = mapped_column(
        String(200), default="Offl. § 13 jf. fvl. § 13"
    )
    national_ids: Mapped[bool] = mapped_column(Boolean, default=False)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_KINDS))
