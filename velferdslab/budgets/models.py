"""A family's yearly budget, the agencies' contributions to it, and the spending against it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from velferdslab.benefits.spending import is_approved_by
from velferdslab.db import Base, created_at, enum_column, intpk
from velferdslab.plans.models import DOMAIN_CHECK
from velferdslab.vocabulary import ExpenditureStatus


class Budget(Base):
    __tablename__ = "budget"
    __table_args__ = (
        UniqueConstraint("family_id", "year"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    amount: Mapped[Decimal]
    created_at: Mapped[created_at]
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    contributions: Mapped[list[Contribution]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Contribution.agency_id"
    )


class Contribution(Base):
    __tablename__ = "contribution"
    __table_args__ = (
        UniqueConstraint("budget_id", "agency_id"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
    )

    id: Mapped[intpk]
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    amount: Mapped[Decimal]


class Expenditure(Base):
    __tablename__ = "expenditure"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"domain IS NULL OR {DOMAIN_CHECK}", name="known_domain"),
        CheckConstraint("status = 'pending' OR decided_by IS NOT NULL", name="decided_has_decider"),
    )

    id: Mapped[intpk]
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budget.id"), index=True)
    spent_on: Mapped[dt.date]
    amount: Mapped[Decimal]
    description: Mapped[str] = mapped_column(Text)
    domain: Mapped[str | None] = mapped_column(String(20))
    paying_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measure.id", ondelete="SET NULL"))
    status: Mapped[ExpenditureStatus] = mapped_column(
        enum_column(ExpenditureStatus, "expenditure_status")
    )
    requested_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[dt.datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]

    def _approved_by(self, as_of: dt.date) -> bool:
        return is_approved_by(ExpenditureStatus(self.status).value, self.spent_on, as_of)

    @classmethod
    def _approved_by_sql(cls, as_of: dt.date) -> ColumnElement[bool]:
        return and_(cls.status == ExpenditureStatus.APPROVED, cls.spent_on <= as_of)

    # Counts in approved spending up to a date: the rule of benefits/spending.py, for a record
    # (Python) and in a query (SQL).
    approved_by = hybrid_method(_approved_by, _approved_by_sql)
