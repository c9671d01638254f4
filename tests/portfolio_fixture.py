"""A small municipality whose portfolio is counted by hand, for the dashboard, Excel and PDF tests.

Twelve families, one domain assessed (housing), so each family's overall level is its housing
level. Assessed 15.01.2025, 15.05.2025 and 15.08.2025; valued on 30.09.2025.

    family   F1 F2 F3 F4 F5 F6 | F7 F8 F9 F10 F11 F12
    Jan       0  0  0  0  0  0 |  1  1  1  1   1   1
    May       1  1  0  0  0  0 |  2  2  2  2   2   1
    Aug       1  1  2  0  0  0 |  3  3  2  2   2   1

Families per level (unsustainable, exposed, stable, sustainable) at each quarter end:
    31.03.2025  6 6 0 0   stable or better 0 of 12 (0 %)
    30.06.2025  4 3 5 0   stable or better 5 of 12 (42 %); 4 and 3 are small: shown as the
                          groups below stable 7 / stable or better 5
    30.09.2025  3 3 4 2   stable or better 6 of 12 (50 %); every level small: groups 6 / 6
From baseline to now: below stable → below stable 6 (F1 F2 F4 F5 F6 F12), below stable →
stable or better 6 (F3 F7 F8 F9 F10 F11); nobody started at stable or better.

Money: every family has a budget of 100 000 kr in 2024 and in 2025. Approved spending: 10 000 kr
on 15.06.2024 for F1–F5 (50 000 kr in 2024), 20 000 kr on 10.03.2025 for F1–F6 (120 000 kr in
2025); all-time total 170 000 kr, the period 01.01.2025–30.09.2025 holds 120 000 kr. F1's 2025
expenditure is the member's, within the member's mandate of 25 000 kr; F2 has one more of
30 000 kr (01.04.2025) decided by the lead above the member's mandate; F3 one of 5 000 kr
pending. So the period's approved spending is 150 000 kr and the all-time total 200 000 kr.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from tests.factories import Lab, add_assessment, make_family, make_lab
from velferdslab.budgets.models import Budget, Contribution, Expenditure
from velferdslab.db import AnySession
from velferdslab.families.models import Family

AS_OF = dt.date(2025, 9, 30)
PERIOD = (dt.date(2025, 1, 1), dt.date(2025, 9, 30))
PATHS = [
    (0, 1, 1),
    (0, 1, 1),
    (0, 0, 2),
    (0, 0, 0),
    (0, 0, 0),
    (0, 0, 0),
    (1, 2, 3),
    (1, 2, 3),
    (1, 2, 2),
    (1, 2, 2),
    (1, 2, 2),
    (1, 1, 1),
]
DATES = (dt.date(2025, 1, 15), dt.date(2025, 5, 15), dt.date(2025, 8, 15))
PERIOD_APPROVED = 150_000
ALL_TIME_APPROVED = 200_000


@dataclass
class Portfolio:
    lab: Lab
    families: list[Family]
    within: Expenditure  # F1's, approved within the member's mandate
    above: Expenditure  # F2's, decided by the lead
    pending: Expenditure


def _spend(
    session: AnySession,
    lab: Lab,
    family: Family,
    on: dt.date,
    amount: int,
    description: str,
    *,
    status: str = "approved",
    decided_by: int | None = None,
    note: str | None = None,
) -> Expenditure:
    budget = session.scalars(
        select(Budget).where(Budget.family_id == family.id, Budget.year == on.year)
    ).one()
    expenditure = Expenditure(
        family_id=family.id,
        budget_id=budget.id,
        spent_on=on,
        amount=Decimal(amount),
        description=description,
        paying_agency_id=lab.nav.id,
        status=status,
        requested_by=lab.member.id,
        decided_by=None if status == "pending" else (decided_by or lab.member.id),
        decided_at=None
        if status == "pending"
        else dt.datetime.combine(on, dt.time(10, 30), tzinfo=dt.UTC),
        decision_note=note,
        created_at=dt.datetime.combine(on, dt.time(8, 0), tzinfo=dt.UTC),
    )
    session.add(expenditure)
    session.flush()
    return expenditure


def make_portfolio(session: AnySession) -> Portfolio:
    lab = make_lab(session)
    families = []
    for path in PATHS:
        family = make_family(session, lab, year=2025, member_mandate=Decimal(25_000))
        session.add(
            Budget(
                family_id=family.id,
                year=2024,
                amount=Decimal(100_000),
                contributions=[Contribution(agency_id=lab.nav.id, amount=Decimal(100_000))],
            )
        )
        for on, level in zip(DATES, path, strict=True):
            add_assessment(session, family, on, housing=level)
        families.append(family)
    session.flush()
    for family in families[:5]:
        _spend(session, lab, family, dt.date(2024, 6, 15), 10_000, "Depositum for leilighet")
    spent = [
        _spend(session, lab, family, dt.date(2025, 3, 10), 20_000, "Fritidsaktivitet for barna")
        for family in families[:6]
    ]
    above = _spend(
        session,
        lab,
        families[1],
        dt.date(2025, 4, 1),
        30_000,
        "Førerkort for mor",
        decided_by=lab.lead.id,
        note="Gir mulighet for jobb i Asker sentrum",
    )
    pending = _spend(
        session, lab, families[2], dt.date(2025, 9, 1), 5_000, "Skoleutstyr", status="pending"
    )
    return Portfolio(lab, families, spent[0], above, pending)
