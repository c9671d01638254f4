"""Versioned assumption sets of the benefit model, with a source for every value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from velferdslab.db import Base, created_at, enum_column, intpk
from velferdslab.plans.models import DOMAIN_CHECK
from velferdslab.vocabulary import Category, Confidence, OverallRule, Payer


def _share(name: str) -> CheckConstraint:
    return CheckConstraint(f"{name} >= 0 AND {name} <= 1", name=f"{name}_share")


class AssumptionSet(Base):
    __tablename__ = "assumption_set"
    __table_args__ = (
        UniqueConstraint("name", "version"),
        _share("success_rate"),
        _share("deadweight"),
        _share("attribution"),
        _share("drop_off"),
        CheckConstraint("tax_financing_cost >= 0", name="tax_cost_non_negative"),
        CheckConstraint("horizon_years BETWEEN 0 AND 200", name="horizon_range"),
        CheckConstraint("sustain_months BETWEEN 1 AND 120", name="sustain_months_range"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(150))
    version: Mapped[int] = mapped_column(Integer, default=1)
    price_year: Mapped[int]
    success_rate: Mapped[float] = mapped_column(Float)
    deadweight: Mapped[float] = mapped_column(Float)
    attribution: Mapped[float] = mapped_column(Float)
    drop_off: Mapped[float] = mapped_column(Float)
    horizon_years: Mapped[int]
    # Months at stable or better before a move counts as lasting (benefit-model.md).
    sustain_months: Mapped[int] = mapped_column(Integer, default=6, server_default="6")
    # [{"from_year": 1, "rate": 0.04}, …]
    discount_schedule: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    tax_financing_cost: Mapped[float] = mapped_column(Float)
    # {"A": 0.0, "B": 0.1, "C": 0.25}
    optimism_bias: Mapped[dict[str, float]] = mapped_column(JSON)
    overall_rule: Mapped[OverallRule] = mapped_column(enum_column(OverallRule, "overall_rule"))
    # {parameter name: source text} for the scalar parameters.
    sources: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    # Set once an issued report used the set: from then on a change makes a new version.
    immutable: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[created_at]

    cost_items: Mapped[list[CostItem]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CostItem.position"
    )


class CostItem(Base):
    __tablename__ = "cost_item"
    __table_args__ = (
        UniqueConstraint("assumption_set_id", "position"),
        CheckConstraint(DOMAIN_CHECK, name="known_domain"),
        CheckConstraint(
            "cost_unsustainable >= 0 AND cost_exposed >= 0 AND cost_stable >= 0"
            " AND cost_sustainable >= 0",
            name="costs_non_negative",
        ),
        CheckConstraint(
            "category <> 'fiscal' OR payer IN ('municipal', 'county', 'state')",
            name="fiscal_has_public_payer",
        ),
    )

    id: Mapped[intpk]
    assumption_set_id: Mapped[int] = mapped_column(
        ForeignKey("assumption_set.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200), default="")
    domain: Mapped[str] = mapped_column(String(20))
    payer: Mapped[Payer] = mapped_column(enum_column(Payer, "payer"))
    category: Mapped[Category] = mapped_column(enum_column(Category, "category"))
    confidence: Mapped[Confidence] = mapped_column(enum_column(Confidence, "confidence"))
    source: Mapped[str] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(default=False)
    cost_unsustainable: Mapped[Decimal]
    cost_exposed: Mapped[Decimal]
    cost_stable: Mapped[Decimal]
    cost_sustainable: Mapped[Decimal]


def annual_costs(item: CostItem) -> tuple[float, float, float, float]:
    return (
        float(item.cost_unsustainable),
        float(item.cost_exposed),
        float(item.cost_stable),
        float(item.cost_sustainable),
    )
