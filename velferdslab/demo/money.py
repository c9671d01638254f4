"""A family's budgets, who contributes to them, and spending that keeps to mandate and budget."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from velferdslab.demo.reference import APPROVAL_NOTES, FUNDERS, REJECTION_NOTES, SPENDING
from velferdslab.vocabulary import DOMAINS

SPENDING_DOMAINS = {
    "Depositum for leilighet": "housing",
    "Møbler til ny bolig": "housing",
    "Flyttebil": "housing",
    "Kurs i norsk": "work",
    "Transport til arbeidspraksis": "work",
    "Førerkortopplæring": "work",
    "Sommerjobbtilskudd": "work",
    "Mobiltelefon og abonnement": "network",
    "Leksehjelp": "school",
    "Tannbehandling": "health",
    "Treningskort": "health",
    "Gjeldsordning: innløsning av smålån": "finance",
}


@dataclass
class Team:
    lead_id: int
    lead_agency: int
    members: list[tuple[int, int, Decimal]]  # (user, agency, mandate)
    agencies: list[int] = field(default_factory=list)
    kinds: dict[int, str] = field(default_factory=dict)  # agency id → kind

    def funders(self) -> list[int]:
        """The team's agencies that put money into a budget (the lead's always does)."""
        return [a for a in self.agencies if self.kinds.get(a, "housing") in FUNDERS]


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
        funders = team.funders()
        payers = rng.choice(funders, size=min(len(funders), int(rng.integers(2, 5))), replace=False)
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
    now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """A year's spending like a lab's: items that fit the paying agency, sized as such things
    cost, using 55–90 % of the year's budget (pro rata for a part year). Requested on the day it
    is dated, as the spending form does; within the requester's mandate approved at once, above it
    decided by the lead one to six days after the request (or still pending when that is not yet
    past), so never dated after its decision; never past the year's budget."""
    now = now or dt.datetime.combine(end, dt.time(15), tzinfo=dt.UTC)
    rows: list[dict[str, Any]] = []
    for year, (budget_id, budget) in sorted(budgets.items()):
        first, last = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
        if last < first:
            continue
        part = ((last - first).days + 1) / 365
        target = float(budget) * rng.uniform(0.55, 0.9) * min(1.0, part * 1.1)
        used, approved = 0.0, Decimal(0)
        for _ in range(30):
            if used >= target:
                break
            choice = _item(rng, team)
            if choice is None:
                break
            (description, low, high, _payers), (user, agency, mandate) = choice
            amount = Decimal(int(rng.uniform(low, high) / 100) * 100)
            spent_on = first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))
            requested = dt.datetime.combine(  # the form's date: the day it is asked for
                spent_on, dt.time(int(rng.integers(7, 14)), int(rng.integers(0, 60))), tzinfo=dt.UTC
            )
            requested = min(requested, now - dt.timedelta(hours=1))
            status, decider, decided = _decision(rng, amount, mandate, user, team.lead_id)
            if status == "approved" and approved + amount > budget:
                # the lead says no, days later: the budget is spent
                status, decider, decided = "rejected", team.lead_id, "by_lead"
            decided_at = None
            if decider is not None:
                decided_at = (
                    requested
                    if decided == "at_once"
                    else requested
                    + dt.timedelta(days=int(rng.integers(1, 7)), hours=int(rng.integers(0, 5)))
                )
                if decided_at > now:  # not yet decided today
                    status, decider, decided_at = "pending", None, None
            if status == "approved":
                approved += amount
            if status != "rejected":
                used += float(amount)
            rows.append(
                {
                    "id": ids["expenditure"],
                    "family_id": family_id,
                    "budget_id": budget_id,
                    "spent_on": spent_on,
                    "amount": amount,
                    "description": description,
                    "domain": SPENDING_DOMAINS.get(description, str(rng.choice(DOMAINS))),
                    "paying_agency_id": agency,
                    "measure_id": None,
                    "status": status,
                    "requested_by": user,
                    "decided_by": decider,
                    "decided_at": decided_at,
                    "decision_note": _note(rng, status, decided),
                    "created_at": requested,
                }
            )
            ids["expenditure"] += 1
    return rows


def _item(
    rng: np.random.Generator, team: Team
) -> tuple[tuple[str, int, int, tuple[str, ...]], tuple[int, int, Decimal]] | None:
    """A team member and something their agency would pay for."""
    options = [
        (item, member)
        for member in team.members
        for item in SPENDING
        if team.kinds.get(member[1], "housing") in item[3]
    ]
    if not options:
        return None
    return options[int(rng.integers(0, len(options)))]


def _note(rng: np.random.Generator, status: str, decided: str) -> str | None:
    if status == "rejected":
        return str(rng.choice(REJECTION_NOTES))
    if status == "approved" and decided == "by_lead" and rng.random() < 0.6:
        return str(rng.choice(APPROVAL_NOTES))
    return None


def _decision(
    rng: np.random.Generator, amount: Decimal, mandate: Decimal, user: int, lead: int
) -> tuple[str, int | None, str]:
    if amount <= mandate or user == lead:
        return "approved", user, "at_once"
    draw = rng.random()
    if draw < 0.75:
        return "approved", lead, "by_lead"
    if draw < 0.9:
        return "rejected", lead, "by_lead"
    return "pending", None, "waiting"
