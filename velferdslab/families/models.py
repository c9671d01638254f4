"""The family (the case), its members, its consents and its investment team."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from velferdslab.db import Base, created_at, enum_column, intpk
from velferdslab.vocabulary import FamilyStatus, Protection, Relation, TeamRole


class Family(Base):
    __tablename__ = "family"
    __table_args__ = (
        UniqueConstraint("municipality_id", "reference"),
        UniqueConstraint("municipality_id", "reference_year", "reference_number"),
        CheckConstraint(
            "enrolled_on IS NULL OR enrolled_on >= referred_on", name="enrolled_after_referred"
        ),
        CheckConstraint(
            "concluded_on IS NULL OR concluded_on >= referred_on", name="concluded_after_referred"
        ),
        CheckConstraint(
            "concluded_on IS NULL OR enrolled_on IS NULL OR concluded_on >= enrolled_on",
            name="concluded_after_enrolled",
        ),
        CheckConstraint(
            "status NOT IN ('active', 'concluded') OR enrolled_on IS NOT NULL",
            name="enrolled_date_when_enrolled",
        ),
        CheckConstraint(
            "status NOT IN ('concluded', 'withdrawn') OR concluded_on IS NOT NULL",
            name="end_date_when_ended",
        ),
        CheckConstraint("reference_number > 0", name="reference_number_positive"),
        # The lab's own id (an import's `Referanse`): re-imports match on it.
        UniqueConstraint("municipality_id", "external_reference"),
    )

    id: Mapped[intpk]
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    # Human-readable, carries no personal data: PREFIX-YEAR-NNNN.
    reference: Mapped[str] = mapped_column(String(20))
    reference_year: Mapped[int]
    reference_number: Mapped[int]
    external_reference: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[FamilyStatus] = mapped_column(
        enum_column(FamilyStatus, "family_status"), default=FamilyStatus.REFERRED
    )
    referred_on: Mapped[dt.date]
    enrolled_on: Mapped[dt.date | None]
    # The end date of both ends of the journey: concluded or withdrawn.
    concluded_on: Mapped[dt.date | None]
    investment_lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id"), index=True
    )
    protection: Mapped[Protection] = mapped_column(
        enum_column(Protection, "protection"), default=Protection.NONE
    )
    # The family's own goals and dreams from the shared plan ("duken").
    own_goals: Mapped[str | None] = mapped_column(Text)
    dreams: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    # Optimistic locking: the ETag of the API and the If-Match check.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    members: Mapped[list[Member]] = relationship(
        back_populates="family", cascade="all, delete-orphan", order_by="Member.id"
    )


class Member(Base):
    __tablename__ = "family_member"
    __table_args__ = (UniqueConstraint("family_id", "national_id"),)

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(150))
    national_id: Mapped[str | None] = mapped_column(String(11))
    birth_date: Mapped[dt.date | None]
    relation: Mapped[Relation] = mapped_column(enum_column(Relation, "relation"))
    created_at: Mapped[created_at]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    family: Mapped[Family] = relationship(back_populates="members")


class Consent(Base):
    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint("expires_on IS NULL OR expires_on >= given_on", name="expires_after_given"),
        CheckConstraint(
            "withdrawn_on IS NULL OR withdrawn_on >= given_on", name="withdrawn_after_given"
        ),
    )

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    given_on: Mapped[dt.date]
    expires_on: Mapped[dt.date | None]
    withdrawn_on: Mapped[dt.date | None]
    # What the family agreed to share, in its own words from the consent form.
    scope: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    agency_rows: Mapped[list[ConsentAgency]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def agency_ids(self) -> list[int]:
        return sorted(row.agency_id for row in self.agency_rows)

    def covers(self, agency_id: int | None, on: dt.date) -> bool:
        if agency_id is None or agency_id not in self.agency_ids:
            return False
        if self.withdrawn_on is not None and self.withdrawn_on <= on:
            return False
        if self.expires_on is not None and self.expires_on < on:
            return False
        return self.given_on <= on


class ConsentAgency(Base):
    __tablename__ = "consent_agency"

    consent_id: Mapped[int] = mapped_column(
        ForeignKey("consent.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)


class TeamMembership(Base):
    __tablename__ = "team_membership"
    __table_args__ = (
        CheckConstraint("mandate_nok >= 0", name="mandate_non_negative"),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    team_role: Mapped[TeamRole] = mapped_column(enum_column(TeamRole, "team_role"))
    # What the member may commit alone, delegated by the agency.
    mandate_nok: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    joined_on: Mapped[dt.date]
    left_on: Mapped[dt.date | None]
    created_at: Mapped[created_at]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    def is_current(self, on: dt.date) -> bool:
        return self.joined_on <= on and (self.left_on is None or self.left_on >= on)
