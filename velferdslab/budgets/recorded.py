"""Spending as it was recorded (a lab's past, brought in by an import): the rules of
request_expenditure for a whole family at once. The family's budgets are read and locked once,
the approved total kept as the rows are added, and the rows written in one INSERT with one
event naming them (by status): a historical decision is taken as recorded, but nothing approved
or pending beyond the year's budget (a rejection recorded beyond it stands: it takes nothing
from the budget).

A family's new budgets likewise (record_budgets): set_budget's rules for each year, the agencies
checked in one query, the budgets and their contributions written in one INSERT each.

While an import collects its rows (velferdslab.bulk) the rows are collected for its COPY instead
of written; every rule is applied here as before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, func, select

from velferdslab.audit.log import record
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.budgets.services import (
    budget_for_year,
    check_year,
    contribution_amounts,
    money,
    over_budget,
)
from velferdslab.bulk import insert_rows
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import Conflict, Text, ValidationFailed
from velferdslab.families.models import Family
from velferdslab.families.services import check_agencies_of
from velferdslab.vocabulary import ExpenditureStatus

BUDGET = cast(Table, Budget.__table__)
CONTRIBUTION = cast(Table, Contribution.__table__)
EXPENDITURE = cast(Table, Expenditure.__table__)


@dataclass(frozen=True)
class NewBudget:
    year: int
    amount: Decimal
    contributions: Sequence[Mapping[str, object]]  # {agency_id, amount}, as set_budget's


def check_budget(budget: NewBudget) -> None:
    """A year's budget by set_budget's own rules, but its agencies (ValidationFailed)."""
    check_year(budget.year)
    contribution_amounts(money(budget.amount), budget.contributions)


def record_budgets(
    session: AnySession,
    family: Family,
    new: Sequence[NewBudget],
    *,
    fresh: bool = False,
    known_agencies: Collection[int] = (),
) -> list[Budget]:
    """Create the family's budgets for years it has none, each checked as set_budget checks it;
    one event each. The budgets are returned as written (ids, years and amounts), outside the
    session: what RecordedSpending needs to spend from them. `fresh`: the caller created the
    family in this transaction (it has no budget yet); `known_agencies`: agencies the caller
    read as the municipality's in it (check_agencies_of)."""
    for budget in new:
        check_budget(budget)
    if not new:
        return []
    check_agencies_of(
        session,
        {int(str(c["agency_id"])) for b in new for c in b.contributions},
        family.municipality_id,
        "contributions",
        Text("Unknown agency among the contributions."),
        known_agencies,
    )
    years = [b.year for b in new]
    query = select(Budget.year).where(Budget.family_id == family.id, Budget.year.in_(years))
    taken: set[int] = set() if fresh else set(session.scalars(query))
    if taken or len(set(years)) < len(years):
        year = min(taken or {y for y in years if years.count(y) > 1})
        raise Conflict(
            Text("The family has a budget for %(year)s already.", year=year),
            {"year": [Text("A budget for %(year)s exists.", year=year)]},
        )
    rows = [{"family_id": family.id, "year": b.year, "amount": money(b.amount)} for b in new]
    # Core INSERTs of whole lists (one statement each on both databases), or collected for an
    # import's COPY (velferdslab.bulk).
    ids: dict[int, int] = dict(insert_rows(session, BUDGET, rows, "year", "id"))  # type: ignore[arg-type]
    shares = [
        {"budget_id": ids[b.year], "agency_id": agency_id, "amount": amount}
        for b in new
        for agency_id, amount in sorted(
            contribution_amounts(money(b.amount), b.contributions).items()
        )
    ]
    if shares:
        insert_rows(session, CONTRIBUTION, shares)
    for b in new:
        record(session, "create", "budget", ids[b.year], family_id=family.id)
    return [
        Budget(id=ids[b.year], family_id=family.id, year=b.year, amount=money(b.amount))
        for b in new
    ]


class RecordedSpending:
    """add() checks and adds one expenditure; finish() writes them all and records events."""

    def __init__(self, session: AnySession, family: Family) -> None:
        self.session, self.family = session, family
        self.budgets: dict[int, Budget] = {}
        self.approved: dict[int, Decimal] = {}
        self.added: list[dict[str, object]] = []

    def fresh(self, budgets: Sequence[Budget]) -> None:
        """Budgets created in this transaction (record_budgets): nothing is spent from them, and
        no one else sees them to lock them."""
        for budget in budgets:
            self.budgets[budget.year], self.approved[budget.year] = budget, Decimal(0)

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
            {
                "family_id": self.family.id,
                "budget_id": budget.id,
                "spent_on": spent_on,
                "amount": amount,
                "description": description,
                "domain": domain,
                "paying_agency_id": paying_agency_id,
                "requested_by": requested_by,
                "status": ExpenditureStatus(status),
                "decided_by": decided_by if decided else None,
                "decided_at": utcnow() if decided else None,
            }
        )

    def finish(self) -> None:
        """The rows in one INSERT (or collected for an import's COPY), and one event naming
        them with their statuses."""
        written = insert_rows(self.session, EXPENDITURE, self.added, "id", "status")
        statuses: dict[str, list[int]] = {}
        for spent_id, status in sorted(written):
            statuses.setdefault(ExpenditureStatus(status).value, []).append(spent_id)
        record(self.session, "create", "expenditure", None, family_id=self.family.id,
               details={"count": len(written), "ids": statuses})  # fmt: skip
