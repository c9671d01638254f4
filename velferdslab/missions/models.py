"""A mission, the municipalities whose families count, its target versions and its log.

The target (baseline and target) is versioned: once a report has shown a version it is frozen,
and a change of target adds a version; every version stays visible (benefit-model.md,
"Missions")."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from velferdslab.db import Base, created_at, enum_column, intpk


class MissionIndicator(StrEnum):
    SHARE_STABLE_OR_BETTER = "share_stable_or_better"
    LASTING_MOVES = "lasting_moves"
    FAMILIES = "families"


class MissionDecisionKind(StrEnum):
    CONTINUE = "continue"
    ADJUST = "adjust"
    STOP = "stop"


class Mission(Base):
    __tablename__ = "mission"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(200))
    indicator: Mapped[MissionIndicator] = mapped_column(
        enum_column(MissionIndicator, "mission_indicator")
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
    version: Mapped[int] = mapped_column(Integer, default=1)

    municipality_rows: Mapped[list[MissionMunicipality]] = relationship(
        cascade="all, delete-orphan", order_by="MissionMunicipality.municipality_id"
    )
    targets: Mapped[list[MissionTarget]] = relationship(
        cascade="all, delete-orphan", order_by="MissionTarget.version"
    )
    decisions: Mapped[list[MissionDecision]] = relationship(
        cascade="all, delete-orphan", order_by="(MissionDecision.decided_on, MissionDecision.id)"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def municipality_ids(self) -> list[int]:
        return [row.municipality_id for row in self.municipality_rows]

    @property
    def target(self) -> MissionTarget:
        """The version in force: the latest."""
        return self.targets[-1]


class MissionMunicipality(Base):
    __tablename__ = "mission_municipality"
    __table_args__ = (UniqueConstraint("mission_id", "municipality_id"),)

    id: Mapped[intpk]
    mission_id: Mapped[int] = mapped_column(
        ForeignKey("mission.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)


class MissionTarget(Base):
    __tablename__ = "mission_target"
    __table_args__ = (
        UniqueConstraint("mission_id", "version"),
        CheckConstraint("baseline_on < target_by", name="baseline_before_target"),
    )

    id: Mapped[intpk]
    mission_id: Mapped[int] = mapped_column(
        ForeignKey("mission.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    baseline_value: Mapped[float] = mapped_column(Float)
    baseline_on: Mapped[dt.date]
    target_value: Mapped[float] = mapped_column(Float)
    target_by: Mapped[dt.date]
    # Set when an issued report showed this version: it no longer changes in place.
    shown_in_report: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]


class MissionDecision(Base):
    __tablename__ = "mission_decision"

    id: Mapped[intpk]
    mission_id: Mapped[int] = mapped_column(
        ForeignKey("mission.id", ondelete="CASCADE"), index=True
    )
    decided_on: Mapped[dt.date]
    decision: Mapped[MissionDecisionKind] = mapped_column(
        enum_column(MissionDecisionKind, "mission_decision_kind")
    )
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # An adjustment may bring a new target version with it.
    target_version: Mapped[int | None]
    created_at: Mapped[created_at]
