"""Assessments (a level per domain on a date), progress notes, and the editable level help texts.

Levels are stored as their ordinal 0–3 (unsustainable … sustainable), one column per domain, so
that the benefit engine reads a whole country's trajectories as one narrow table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from velferdslab.db import Base, created_at, intpk
from velferdslab.plans.models import DOMAIN_CHECK
from velferdslab.vocabulary import DOMAINS


def _level_checks(prefix: str) -> list[CheckConstraint]:
    return [
        CheckConstraint(f"{prefix}{d} BETWEEN 0 AND 3", name=f"{prefix}{d}_range") for d in DOMAINS
    ]


class Assessment(Base):
    __tablename__ = "assessment"
    __table_args__ = (
        *_level_checks("level_"),
        *_level_checks("family_level_"),
        CheckConstraint("overall BETWEEN 0 AND 3", name="overall_range"),
        CheckConstraint("overall_override BETWEEN 0 AND 3", name="override_range"),
        CheckConstraint(
            "overall_override IS NULL OR override_reason IS NOT NULL", name="override_has_reason"
        ),
    )

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    assessed_on: Mapped[dt.date] = mapped_column(index=True)
    level_housing: Mapped[int | None] = mapped_column(SmallInteger)
    level_work: Mapped[int | None] = mapped_column(SmallInteger)
    level_school: Mapped[int | None] = mapped_column(SmallInteger)
    level_network: Mapped[int | None] = mapped_column(SmallInteger)
    level_finance: Mapped[int | None] = mapped_column(SmallInteger)
    level_health: Mapped[int | None] = mapped_column(SmallInteger)
    level_childhood: Mapped[int | None] = mapped_column(SmallInteger)
    # The family's own reading, where it differs from the team's.
    family_level_housing: Mapped[int | None] = mapped_column(SmallInteger)
    family_level_work: Mapped[int | None] = mapped_column(SmallInteger)
    family_level_school: Mapped[int | None] = mapped_column(SmallInteger)
    family_level_network: Mapped[int | None] = mapped_column(SmallInteger)
    family_level_finance: Mapped[int | None] = mapped_column(SmallInteger)
    family_level_health: Mapped[int | None] = mapped_column(SmallInteger)
    family_level_childhood: Mapped[int | None] = mapped_column(SmallInteger)
    # {domain: short text}
    rationale: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Derived by the configured rule from the carried-forward levels; kept beside the override.
    overall: Mapped[int | None] = mapped_column(SmallInteger)
    overall_override: Mapped[int | None] = mapped_column(SmallInteger)
    override_reason: Mapped[str | None] = mapped_column(Text)
    assessed_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    @hybrid_property
    def effective_overall(self) -> int | None:
        """The team's override where it gave one, else the derived level (both are stored):
        one definition for a record and for a query."""
        return self.overall_override if self.overall_override is not None else self.overall

    @effective_overall.inplace.expression
    @classmethod
    def _effective_overall_sql(cls) -> ColumnElement[int | None]:
        return func.coalesce(cls.overall_override, cls.overall)

    def levels(self) -> dict[str, int | None]:
        return {d: getattr(self, f"level_{d}") for d in DOMAINS}

    def family_levels(self) -> dict[str, int | None]:
        return {d: getattr(self, f"family_level_{d}") for d in DOMAINS}

    def set_levels(self, levels: dict[str, int | None], *, family: bool = False) -> None:
        prefix = "family_level_" if family else "level_"
        for domain in DOMAINS:
            setattr(self, prefix + domain, levels.get(domain))


class ProgressNote(Base):
    __tablename__ = "progress_note"
    __table_args__ = (CheckConstraint(f"domain IS NULL OR {DOMAIN_CHECK}", name="known_domain"),)

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    written_on: Mapped[dt.date]
    domain: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]


class LevelDescription(Base):
    """An admin's edit of the help text beside the assessment form (defaults live in config/)."""

    __tablename__ = "level_description"
    __table_args__ = (
        CheckConstraint(DOMAIN_CHECK, name="known_domain"),
        CheckConstraint("level BETWEEN 0 AND 3", name="level_range"),
        CheckConstraint("language IN ('nb', 'en')", name="known_language"),
    )

    domain: Mapped[str] = mapped_column(String(20), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
