"""Spending as it was recorded (a lab's past, brought in by an import): the rules of
request_expenditure for a whole family at once. The family's budgets are read and locked once,
the approved total kept as the rows are added, and the rows written in one flush, each with its
own event: a historical decision is taken as recorded, but nothing approved or pending beyond the
year's budget (a rejection recorded beyond it stands: it takes nothing from the budget)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from velferdslab.audit.log import record
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.budgets.services import budget_for_year, money, over_budget
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import Text, ValidationFailed
from velferdslab.families.models import Family
from velferdslab.vocabulary import ExpenditureStatus


class RecordedSpending:
    """add() checks and adds one expenditure; finish() writes them all and records events."""

    def __init__(self, session: AnySession, family: Family) -> None:
        self.session, self.family = session, family
        self.budgets: dict[int, Budget] = {}
        self.approved: dict[int, Decimal] = {}
        self.added: list[Expenditure] = []

    def _budget(self, year: int) -> Budget:
        if year not in self.budgets:
            budget = budget_for_year(self.session, self.family.id, year, lock=True)
            total = self.session.scalar(
                select(func.coalesce(func.sum(Expenditure.amount), 0)).where(
                    Expenditure.budget_id == budget.id,
                    Expenditure.status == ExpenditureStatus.APPROVED,
                )
            )
            self.budgets[year], self.approved[year] = budget, money(total or 0)
        return self.budgets[year]

    def add(
        self,
        *,
        spent_on: dt.date,
        amount: Decimal,
        description: str,
        paying_agency_id: int,
        domain: str | None,
        status: str,
        requested_by: int,
        decided_by: int,
    ) -> None:
        amount = money(amount)
        if amount <= 0:
            raise ValidationFailed(
                Text("The amount must be positive."), {"amount": [Text("Must be above 0.")]}
            )
        budget = self._budget(spent_on.year)
        if status != ExpenditureStatus.REJECTED:  # a refusal as recorded takes nothing from it
            over_budget(budget, self.approved[spent_on.year], amount)  # as a request is refused
        if status == ExpenditureStatus.APPROVED:
            self.approved[spent_on.year] += amount
        decided = status != ExpenditureStatus.PENDING
        self.added.append(
            Expenditure(
                family_id=self.family.id,
                budget_id=budget.id,
                spent_on=spent_on,
                amount=amount,
                description=description,
                domain=domain,
                paying_agency_id=paying_agency_id,
                requested_by=requested_by,
                status=ExpenditureStatus(status),
                decided_by=decided_by if decided else None,
                decided_at=utcnow() if decided else None,
            )
        )

    def finish(self) -> None:
        self.session.add_all(self.added)
        self.session.flush()
        for spent in self.added:
            record(self.session, "create", "expenditure", spent.id, family_id=self.family.id,
                   details={"status": spent.status.value})  # fmt: skip
