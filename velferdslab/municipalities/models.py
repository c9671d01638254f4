"""Municipalities (the tenants) and the agencies that staff teams and pay."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from velferdslab.db import Base, created_at, enum_column, intpk
from velferdslab.vocabulary import AgencyKind, GovernmentLevel


class Municipality(Base):
    __tablename__ = "municipality"
    __table_args__ = (
        CheckConstraint("length(number) = 4", name="number_four_digits"),
        CheckConstraint("length(reference_prefix) BETWEEN 2 AND 5", name="prefix_length"),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # kommunenummer, e.g. "3203" for Asker: a string because leading zeros matter ("0301").
    number: Mapped[str] = mapped_column(String(4), unique=True)
    # Family references read PREFIX-YEAR-SEQ, e.g. ASK-2025-0007.
    reference_prefix: Mapped[str] = mapped_column(String(5), unique=True)
    created_at: Mapped[created_at]


class Agency(Base):
    __tablename__ = "agency"
    __table_args__ = (UniqueConstraint("municipality_id", "name"),)

    id: Mapped[intpk]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[AgencyKind] = mapped_column(enum_column(AgencyKind, "agency_kind"))
    government_level: Mapped[GovernmentLevel] = mapped_column(
        enum_column(GovernmentLevel, "government_level")
    )
    created_at: Mapped[created_at]
