"""Tables of the privacy duties: retention periods, legal holds, sweeps, anonymised families,
member-level protection, notes given in confidence, and access requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from velferdslab.db import Base, created_at, enum_column, intpk
from velferdslab.vocabulary import Protection


class RetentionPolicy(Base):
    """How many whole years after a family's conclusion or withdrawal its personal data are
    kept, set per municipality by an admin (the default is in velferdslab.privacy.retention)."""

    __tablename__ = "retention_policy"
    __table_args__ = (CheckConstraint("years BETWEEN 1 AND 100", name="years_range"),)

    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), primary_key=True)
    years: Mapped[int]
    set_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[created_at]


class LegalHold(Base):
    """Keeps a family out of the retention sweep (a complaint, a court case, an inspection)."""

    __tablename__ = "legal_hold"

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    placed_at: Mapped[created_at]
    released_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    released_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RetentionSweep(Base):
    """One run of the sweep and what it did (or, dry, would do), family by family."""

    __tablename__ = "retention_sweep"

    id: Mapped[intpk]
    as_of: Mapped[dt.date]
    dry_run: Mapped[bool]
    run_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[created_at]
    # {"due": [{family_id, reference, municipality, ended_on, due_on, cleared: {...}}],
    #  "held": [{family_id, reference, due_on}]}
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AnonymisedFamily(Base):
    __tablename__ = "anonymised_family"

    family_id: Mapped[int] = mapped_column(
        ForeignKey("family.id", ondelete="CASCADE"), primary_key=True
    )
    sweep_id: Mapped[int] = mapped_column(ForeignKey("retention_sweep.id"))
    anonymised_at: Mapped[created_at]


class MemberProtection(Base):
    """A member with a protected address of their own (kode 6/7), and the agencies whose names
    would reveal where they live (their school, kindergarten, GP, housing office)."""

    __tablename__ = "member_protection"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("family_member.id", ondelete="CASCADE"), primary_key=True
    )
    protection: Mapped[Protection] = mapped_column(enum_column(Protection, "member_protection"))
    location_agency_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]


class ConfidentialNote(Base):
    """A progress note holding what a child told in confidence: withheld from the others'
    access packages while the child is under the age limit (ACCESS_CONFIDENCE_AGE)."""

    __tablename__ = "confidential_note"

    note_id: Mapped[int] = mapped_column(
        ForeignKey("progress_note.id", ondelete="CASCADE"), primary_key=True
    )
    child_member_id: Mapped[int] = mapped_column(
        ForeignKey("family_member.id", ondelete="CASCADE"), index=True
    )
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]


class AccessRequest(Base):
    """A family member's request for a copy of their data (GDPR art. 15, fvl. § 18) and the
    package that answered it: a PDF/A in the report registry and the same data as JSON."""

    __tablename__ = "access_request"
    __table_args__ = (CheckConstraint("channel IN ('lead', 'received')", name="known_channel"),)

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("family_member.id", ondelete="CASCADE"))
    received_on: Mapped[dt.date]
    # "lead": chosen by the family's lead; "received": registered by an admin from a letter.
    channel: Mapped[str] = mapped_column(String(10))
    requested_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("issued_report.id"))
    package_json: Mapped[str | None] = mapped_column(Text)
    json_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]
