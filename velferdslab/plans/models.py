"""The shared plan: goals per domain with a target level and date, and the measures (tiltak)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from velferdslab.db import Base, created_at, enum_column, intpk
from velferdslab.vocabulary import DOMAINS, MeasureStatus

DOMAIN_CHECK = "domain IN (" + ", ".join(f"'{d}'" for d in DOMAINS) + ")"


class Goal(Base):
    __tablename__ = "goal"
    __table_args__ = (
        CheckConstraint(DOMAIN_CHECK, name="known_domain"),
        CheckConstraint("target_level BETWEEN 0 AND 3", name="target_level_range"),
    )

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(20))
    target_level: Mapped[int] = mapped_column(SmallInteger)
    target_date: Mapped[dt.date | None]
    description: Mapped[str] = mapped_column(Text, default="")
    # The day the goal was reached or set aside; a closed goal stays in the plan's history.
    closed_on: Mapped[dt.date | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Measure(Base):
    __tablename__ = "measure"
    __table_args__ = (CheckConstraint(f"domain IS NULL OR {DOMAIN_CHECK}", name="known_domain"),)

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(String(20))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    due_on: Mapped[dt.date | None]
    status: Mapped[MeasureStatus] = mapped_column(
        enum_column(MeasureStatus, "measure_status"), default=MeasureStatus.PLANNED
    )
    created_at: Mapped[created_at]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
