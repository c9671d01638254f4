"""API schemas of budgets, contributions, expenditures and spending limits."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from velferdslab.api.common import Date, Flag, Id, Money, QueryId, StrictSchema, Timestamp, text
from velferdslab.budgets.models import Budget
from velferdslab.budgets.services import FIRST_YEAR, LAST_YEAR, approved_total, pending_total
from velferdslab.db import MAX_MONEY
from velferdslab.vocabulary import DOMAINS, ExpenditureStatus, values


class ContributionSchema(StrictSchema):
    agency_id = Id(required=True)
    amount = Money(required=True)


class BudgetSchema(ma.Schema):
    @ma.pre_dump
    def with_figures(self, budget: Budget, **_: Any) -> dict[str, Any]:
        # The figures are read at the moment of the answer: they change with every decision.
        from velferdslab.extensions import db

        approved = approved_total(db.session, budget.id)
        return {
            "id": budget.id,
            "year": budget.year,
            "amount": budget.amount,
            "contributions": budget.contributions,
            "approved": approved,
            "pending": pending_total(db.session, budget.id),
            "remaining": budget.amount - approved,
        }

    id = ma.fields.Integer()
    year = ma.fields.Integer()
    amount = Money()
    contributions = ma.fields.List(ma.fields.Nested(ContributionSchema))
    approved = Money(metadata={"description": "Read-only: approved spending of the year."})
    pending = Money(metadata={"description": "Read-only: spending waiting for the lead."})
    remaining = Money(metadata={"description": "Read-only: amount − approved."})


class BudgetCreateSchema(StrictSchema):
    year = ma.fields.Integer(
        strict=True, required=True, validate=ma.validate.Range(min=FIRST_YEAR, max=LAST_YEAR)
    )
    amount = Money(required=True)
    contributions = ma.fields.List(
        ma.fields.Nested(ContributionSchema), load_default=list, validate=ma.validate.Length(max=50)
    )


class BudgetUpdateSchema(StrictSchema):
    amount = Money()
    contributions = ma.fields.List(
        ma.fields.Nested(ContributionSchema), validate=ma.validate.Length(max=50)
    )


class ExpenditureSchema(ma.Schema):
    id = ma.fields.Integer()
    spent_on = ma.fields.Date()
    amount = Money()
    description = ma.fields.String()
    domain = ma.fields.String(allow_none=True)
    paying_agency_id = ma.fields.Integer()
    measure_id = ma.fields.Integer(allow_none=True)
    status = ma.fields.Function(
        lambda e: e.status.value if hasattr(e.status, "value") else e.status,
        metadata={"enum": list(values(ExpenditureStatus))},
    )
    requested_by = ma.fields.Integer()
    decided_by = ma.fields.Integer(allow_none=True)
    decided_at = Timestamp(allow_none=True)
    decision_note = ma.fields.String(allow_none=True)


class ExpenditureCreateSchema(StrictSchema):
    spent_on = Date(required=True)
    amount = Money(required=True, validate=ma.validate.Range(min=0.01, max=MAX_MONEY))
    description = text(500, min_length=1, required=True)
    domain = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(DOMAINS))
    paying_agency_id = Id(required=True)
    measure_id = Id(allow_none=True)


class DecisionSchema(StrictSchema):
    note = text(2000, allow_none=True)


class LimitsQuerySchema(ma.Schema):
    year = ma.fields.Integer(validate=ma.validate.Range(min=FIRST_YEAR, max=LAST_YEAR))


class SpendingLimitsSchema(ma.Schema):
    year = ma.fields.Integer()
    budget = Money(allow_none=True)
    approved = Money()
    pending = Money()
    remaining = Money()
    mandate = Money()
    decides_alone = Flag()


__all__ = ["QueryId"]
