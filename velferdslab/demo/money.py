"""A family's budgets, who contributes to them, and spending that keeps to mandate and budget."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from velferdslab.demo.reference import EXPENDITURES
from velferdslab.vocabulary import DOMAINS


@dataclass
class Team:
    lead_id: int
    lead_agency: int
    members: list[tuple[int, int, Decimal]]  # (user, agency, mandate)
    agencies: list[int] = field(default_factory=list)


def budget_rows(
    rng: np.random.Generator, family_id: int, ids: dict[str, int], years: list[int], team: Team
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, tuple[int, Decimal]]]:
    budgets, contributions, by_year = [], [], {}
    for year in years:
        amount = Decimal(int(rng.integers(10, 41)) * 10_000)
        budget_id = ids["budget"]
        ids["budget"] += 1
        budgets.append(
            {"id": budget_id, "family_id": family_id, "year": year, "amount": amount, "version": 1}
        )
        payers = rng.choice(
            team.agencies, size=min(len(team.agencies), int(rng.integers(2, 5))), replace=False
        )
        shares = rng.dirichlet(np.ones(len(payers)))
        parts = [Decimal(int(amount * Decimal(str(round(s, 4))) / 1000) * 1000) for s in shares]
        parts[-1] = amount - sum(parts[:-1], Decimal(0))
        for agency, part in zip(payers, parts, strict=True):
            contributions.append(
                {
                    "id": ids["contribution"],
                    "budget_id": budget_id,
                    "agency_id": int(agency),
                    "amount": part,
                }
            )
            ids["contribution"] += 1
        by_year[year] = (budget_id, amount)
    return budgets, contributions, by_year


def expenditure_rows(
    rng: np.random.Generator,
    family_id: int,
    ids: dict[str, int],
    start: dt.date,
    end: dt.date,
    team: Team,
    budgets: dict[int, tuple[int, Decimal]],
) -> list[dict[str, Any]]:
    """≈10 expenditures: within the requester's mandate approved at once by the requester; above
    it approved, rejected or still pending with the lead; never past the year's budget."""
    rows = []
    approved: dict[int, Decimal] = dict.fromkeys(budgets, Decimal(0))
    span = max(1, (end - start).days)
    for _ in range(int(rng.integers(7, 14))):
        spent_on = start + dt.timedelta(days=int(rng.integers(0, span + 1)))
        if spent_on.year not in budgets:
            continue
        budget_id, budget = budgets[spent_on.year]
        user, agency, mandate = team.members[int(rng.integers(0, len(team.members)))]
        amount = Decimal(int(rng.integers(5, 400)) * 100)
        status, decider = _decision(rng, amount, mandate, user, team.lead_id)
        if status == "approved" and approved[spent_on.year] + amount > budget:
            status, decider = "rejected", team.lead_id  # the lead says no: the budget is spent
        if status == "approved":
            approved[spent_on.year] += amount
        rows.append(
            {
                "id": ids["expenditure"],
                "family_id": family_id,
                "budget_id": budget_id,
                "spent_on": spent_on,
                "amount": amount,
                "description": str(rng.choice(EXPENDITURES)),
                "domain": str(rng.choice(DOMAINS)),
                "paying_agency_id": agency,
                "measure_id": None,
                "status": status,
                "requested_by": user,
                "decided_by": decider,
                "decided_at": None
                if decider is None
                else dt.datetime.combine(spent_on, dt.time(12), tzinfo=dt.UTC),
                "decision_note": None,
            }
        )
        ids["expenditure"] += 1
    return rows


def _decision(
    rng: np.random.Generator, amount: Decimal, mandate: Decimal, user: int, lead: int
) -> tuple[str, int | None]:
    if amount <= mandate or user == lead:
        return "approved", user
    draw = rng.random()
    if draw < 0.7:
        return "approved", lead
    if draw < 0.85:
        return "rejected", lead
    return "pending", None
