"""The evidence behind the figures (issue 28): comparison cohorts — readings of families not in
the lab, under a pseudonymous reference only — and the lab's pre-registration of what it will
measure. Both live in their own tables: a cohort's families are never families of the lab."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from velferdslab.db import Base, created_at, intpk
from velferdslab.vocabulary import DOMAINS


class ComparisonCohort(Base):
    """A cohort as uploaded: its name, the file it came from, and its readings."""

    __tablename__ = "comparison_cohort"

    id: Mapped[intpk]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    families: Mapped[int]
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]

    readings: Mapped[list[CohortReading]] = relationship(
        cascade="all, delete-orphan", lazy="raise", passive_deletes=True
    )


def _level_column() -> Any:
    return mapped_column(SmallInteger, nullable=True)


class CohortReading(Base):
    """One family of a cohort on one date: its level (0–3) per domain, blank where not read.
    No name, no national id, no free text: the reference is the cohort's own pseudonym."""

    __tablename__ = "cohort_reading"
    __table_args__ = (
        UniqueConstraint("cohort_id", "reference", "assessed_on"),
        *(CheckConstraint(f"level_{d} BETWEEN 0 AND 3", name=f"level_{d}_range") for d in DOMAINS),
    )

    id: Mapped[intpk]
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("comparison_cohort.id", ondelete="CASCADE"), index=True
    )
    reference: Mapped[str] = mapped_column(String(100))
    assessed_on: Mapped[dt.date]
    level_housing: Mapped[int | None] = _level_column()
    level_work: Mapped[int | None] = _level_column()
    level_school: Mapped[int | None] = _level_column()
    level_network: Mapped[int | None] = _level_column()
    level_finance: Mapped[int | None] = _level_column()
    level_health: Mapped[int | None] = _level_column()
    level_childhood: Mapped[int | None] = _level_column()


class Preregistration(Base):
    """One version of a lab's pre-registration: what it will measure, from which quarter, by
    when, and the targets. Never changed once written; a change is the next version."""

    __tablename__ = "preregistration"
    __table_args__ = (
        UniqueConstraint("municipality_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("horizon_on > baseline_on", name="horizon_after_baseline"),
    )

    id: Mapped[intpk]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    version: Mapped[int]
    indicator: Mapped[str] = mapped_column(String(40))
    baseline_on: Mapped[dt.date]
    horizon_on: Mapped[dt.date]
    # [{"value": 0.1, "by": "2027-12-31"}, …]: the indicator's change the lab aims for.
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    # Whether any of the lab's families had a reading after the baseline when this was written:
    # a registration made after results existed says so wherever it is shown.
    results_existed: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]


@event.listens_for(Preregistration, "before_update")
def _never_changed(_mapper: Any, _connection: Any, row: Preregistration) -> None:
    raise ValueError(f"pre-registration {row.id} is immutable: register a new version")
