"""Budgets, contributions and the spending rules: mandate, year budget, the lead's decision.

The year's approved total may never pass the budget, also when requests arrive at once: the
budget row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite takes its write lock at BEGIN)
before the approved total is read, so concurrent requests are decided one after the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from velferdslab import policy
from velferdslab.archive import hooks as archive
from velferdslab.audit.log import record
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import Conflict, NotFound, Text, ValidationFailed
from velferdslab.families.models import Family, TeamMembership
from velferdslab.families.services import check_agencies_of
from velferdslab.users.models import User
from velferdslab.vocabulary import ExpenditureStatus

CENT = Decimal("0.01")
# The years a budget may be set for (the API's schema says the same).
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class SpendingLimits:
    """What a user may spend on a family in a year: shown before the form is sent."""

    year: int
    budget: Decimal | None
    approved: Decimal
    pending: Decimal
    mandate: Decimal
    decides_alone: bool

    @property
    def remaining(self) -> Decimal:
        return (self.budget or Decimal(0)) - self.approved


def money(value: Decimal | float | int | str) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def budget_for_year(session: AnySession, family_id: int, year: int, *, lock: bool) -> Budget:
    query = select(Budget).where(Budget.family_id == family_id, Budget.year == year)
    if lock:
        query = query.with_for_update()
    budget = session.scalars(query).one_or_none()
    if budget is None:
        raise Conflict(
            Text(
                "The family has no budget for %(year)s: the investment lead sets it first.",
                year=year,
            ),
            {"spent_on": [Text("No budget for %(year)s.", year=year)]},
        )
    return budget


def approved_total(session: AnySession, budget_id: int) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(Expenditure.amount), 0)).where(
            Expenditure.budget_id == budget_id,
            Expenditure.status == ExpenditureStatus.APPROVED,
        )
    )
    return money(total or 0)


def pending_total(session: AnySession, budget_id: int) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(Expenditure.amount), 0)).where(
            Expenditure.budget_id == budget_id,
            Expenditure.status == ExpenditureStatus.PENDING,
        )
    )
    return money(total or 0)


def current_mandate(session: AnySession, family_id: int, user_id: int, on: dt.date) -> Decimal:
    memberships = session.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family_id, TeamMembership.user_id == user_id
        )
    ).all()
    mandates = [m.mandate_nok for m in memberships if m.is_current(on)]
    return max(mandates, default=Decimal(0))


def decides_alone(family: Family, user: User) -> bool:
    # The family's investment lead is the one who decides above mandates.
    return policy.is_lead_of(user, family)


def spending_limits(
    session: AnySession, family: Family, user: User, year: int, today: dt.date
) -> SpendingLimits:
    budget = session.scalars(
        select(Budget).where(Budget.family_id == family.id, Budget.year == year)
    ).one_or_none()
    spent = (
        session.execute(
            select(Expenditure.budget_id, Expenditure.amount, Expenditure.status).where(
                Expenditure.budget_id == budget.id
            )
        ).all()
        if budget
        else []
    )
    memberships = session.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family.id, TeamMembership.user_id == user.id
        )
    ).all()
    return limits_from(family, user, year, today, [budget] if budget else [], spent, memberships)


def spent_on(budget_id: int, expenditures: Iterable[Any]) -> tuple[Decimal, Decimal]:
    """The approved and the pending total of one budget, from expenditure rows already read
    (anything with budget_id, amount and status). What is left is the budget less the approved
    total: the rule that refuses spending counts only approved spending."""
    totals = {ExpenditureStatus.APPROVED: Decimal(0), ExpenditureStatus.PENDING: Decimal(0)}
    for row in expenditures:
        if row.budget_id == budget_id and row.status in totals:
            totals[row.status] += row.amount
    return money(totals[ExpenditureStatus.APPROVED]), money(totals[ExpenditureStatus.PENDING])


def limits_from(
    family: Family,
    user: User,
    year: int,
    today: dt.date,
    budgets: Iterable[Budget],
    expenditures: Iterable[Any],
    memberships: Iterable[TeamMembership],
) -> SpendingLimits:
    """The limits from rows already read: the family's budgets, its expenditures (anything with
    budget_id, amount and status) and its team memberships (others' are ignored)."""
    budget = next((b for b in budgets if b.year == year), None)
    approved, pending = spent_on(budget.id, expenditures) if budget else (Decimal(0), Decimal(0))
    mandates = [
        m.mandate_nok
        for m in memberships
        if m.user_id == user.id and m.family_id == family.id and m.is_current(today)
    ]
    return SpendingLimits(
        year=year,
        budget=budget.amount if budget else None,
        approved=approved,
        pending=pending,
        mandate=max(mandates, default=Decimal(0)),
        decides_alone=decides_alone(family, user),
    )


def _check_within_budget(session: AnySession, budget: Budget, amount: Decimal) -> None:
    over_budget(budget, approved_total(session, budget.id), amount)


def over_budget(budget: Budget, approved: Decimal, amount: Decimal) -> None:
    """Refuse what could never be approved: more than is left of the year's budget."""
    if approved + amount > budget.amount:
        left = budget.amount - approved
        raise Conflict(
            Text(
                "The %(year)s budget would be exceeded: %(left)s NOK of %(budget)s NOK is left, "
                "%(amount)s NOK was asked for.",
                year=budget.year,
                left=money(left),
                budget=money(budget.amount),
                amount=money(amount),
            ),
            {
                "amount": [
                    Text(
                        "At most %(left)s NOK is left of the %(year)s budget.",
                        left=money(left),
                        year=budget.year,
                    )
                ]
            },
        )


def request_expenditure(
    session: AnySession,
    family: Family,
    requester: User,
    *,
    spent_on: dt.date,
    amount: Decimal,
    description: str,
    paying_agency_id: int,
    domain: str | None = None,
    measure_id: int | None = None,
    today: dt.date | None = None,
) -> Expenditure:
    """Approved at once within the requester's mandate, else pending for the lead's decision."""
    today = today or dt.date.today()
    amount = money(amount)
    if amount <= 0:
        raise ValidationFailed(
            Text("The amount must be positive."), {"amount": [Text("Must be above 0.")]}
        )
    budget = budget_for_year(session, family.id, spent_on.year, lock=True)
    # Refuse what could never be approved: more than is left of the year's budget.
    _check_within_budget(session, budget, amount)
    within_mandate = decides_alone(family, requester) or amount <= current_mandate(
        session, family.id, requester.id, today
    )
    expenditure = Expenditure(
        family_id=family.id,
        budget_id=budget.id,
        spent_on=spent_on,
        amount=amount,
        description=description,
        domain=domain,
        paying_agency_id=paying_agency_id,
        measure_id=measure_id,
        requested_by=requester.id,
        status=ExpenditureStatus.APPROVED if within_mandate else ExpenditureStatus.PENDING,
        decided_by=requester.id if within_mandate else None,
        decided_at=utcnow() if within_mandate else None,
    )
    session.add(expenditure)
    session.flush()
    record(session, "create", "expenditure", expenditure.id, family_id=family.id)
    return expenditure


def decide_expenditure(
    session: AnySession,
    family: Family,
    expenditure: Expenditure,
    decider: User,
    *,
    approve: bool,
    note: str | None = None,
) -> Expenditure:
    if not decides_alone(family, decider):
        raise NotFound()
    if expenditure.status != ExpenditureStatus.PENDING:
        raise Conflict(
            Text("The expenditure is already %(status)s.", status=expenditure.status.value),
            {
                "status": [
                    Text(
                        "Only a pending one can be decided; this is %(status)s.",
                        status=expenditure.status.value,
                    )
                ]
            },
        )
    if approve:
        budget = budget_for_year(session, family.id, expenditure.spent_on.year, lock=True)
        _check_within_budget(session, budget, expenditure.amount)
    expenditure.status = ExpenditureStatus.APPROVED if approve else ExpenditureStatus.REJECTED
    expenditure.decided_by = decider.id
    expenditure.decided_at = utcnow()
    expenditure.decision_note = note
    session.flush()
    record(session, "approve" if approve else "reject", "expenditure", expenditure.id,
           family_id=family.id)  # fmt: skip
    archive.spending_decided(session, expenditure)
    return expenditure


def set_budget(
    session: AnySession,
    family: Family,
    *,
    year: int,
    amount: Decimal,
    contributions: Sequence[Mapping[str, object]] = (),
) -> Budget:
    """Create or change the year's budget and its contributions (who invests how much): the
    same rules for the API and the lead's form on the family page."""
    check_year(year)
    _check_contributors(session, family, contributions)
    amount = money(amount)
    budget = session.scalars(
        select(Budget).where(Budget.family_id == family.id, Budget.year == year).with_for_update()
    ).one_or_none()
    created = budget is None
    if budget is None:
        budget = Budget(family_id=family.id, year=year, amount=amount)
        session.add(budget)
        session.flush()
    else:
        approved = approved_total(session, budget.id)
        if amount < approved:
            raise Conflict(
                Text(
                    "%(approved)s NOK is already approved for %(year)s: "
                    "the budget cannot be lower.",
                    approved=money(approved),
                    year=year,
                ),
                {
                    "amount": [
                        Text(
                            "At least %(approved)s NOK (already approved spending).",
                            approved=money(approved),
                        )
                    ]
                },
            )
        budget.amount = amount
    _replace_contributions(budget, contributions)
    session.flush()
    record(session, "create" if created else "update", "budget", budget.id, family_id=family.id)
    return budget


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            Text("Give a year."),
            {"year": [Text("From %(first)s to %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)]},
        )


def _check_contributors(
    session: AnySession, family: Family, contributions: Sequence[Mapping[str, object]]
) -> None:
    """Who invests: agencies of the family's municipality."""
    check_agencies_of(
        session,
        (int(str(row["agency_id"])) for row in contributions),
        family.municipality_id,
        "contributions",
        Text("Unknown agency among the contributions."),
    )


def _replace_contributions(budget: Budget, contributions: Sequence[Mapping[str, object]]) -> None:
    by_agency = contribution_amounts(budget.amount, contributions)
    existing = {c.agency_id: c for c in budget.contributions}
    budget.contributions[:] = [
        _contribution(existing.get(agency_id), agency_id, value)
        for agency_id, value in sorted(by_agency.items())
    ]


def contribution_amounts(
    amount: Decimal, contributions: Sequence[Mapping[str, object]]
) -> dict[int, Decimal]:
    """Who invests how much, each agency once and no more than the budget in all."""
    by_agency: dict[int, Decimal] = {}
    for row in contributions:
        agency_id = int(str(row["agency_id"]))
        if agency_id in by_agency:
            raise ValidationFailed(
                Text("An agency is listed twice."),
                {"contributions": [Text("Agency %(agency)s twice.", agency=agency_id)]},
            )
        by_agency[agency_id] = money(str(row["amount"]))
    total = sum(by_agency.values(), Decimal(0))
    if total > amount:
        raise ValidationFailed(
            Text("The contributions add up to more than the budget."),
            {
                "contributions": [
                    Text(
                        "They add up to %(total)s NOK, the budget is %(budget)s NOK.",
                        total=money(total),
                        budget=money(amount),
                    )
                ]
            },
        )
    return by_agency


def _contribution(existing: Contribution | None, agency_id: int, amount: Decimal) -> Contribution:
    if existing is None:
        return Contribution(agency_id=agency_id, amount=amount)
    existing.amount = amount
    return existing
