"""A family with everything a sweep or an access request touches, named so a leak shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, add_assessment, make_family
from velferdslab.assessments.models import ProgressNote
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.families.models import Consent, Family, Member
from velferdslab.plans.models import Goal, Measure
from velferdslab.vocabulary import FamilyStatus

# Valid national ids (checked with the mod-11 rule), distinct across families.
PARENT_ID = "31129956715"
CHILD_ID = "02013299997"


def rich_family(
    db: scoped_session,
    lab: Lab,
    *,
    tag: str,
    ended_on: dt.date | None = None,
    parent_id: str | None = PARENT_ID,
    child_id: str | None = CHILD_ID,
) -> Family:
    family = make_family(db, lab, year=2024, referred_on=dt.date(2024, 1, 2))
    parent = family.members[0]
    parent.full_name, parent.national_id = f"Solveig {tag}sen", parent_id
    parent.birth_date = dt.date(1999, 12, 31)
    child = Member(
        family_id=family.id,
        full_name=f"Ola {tag}sen",
        national_id=child_id,
        birth_date=dt.date(2032, 1, 2) if child_id == CHILD_ID else dt.date(2015, 5, 17),
        relation="child",
    )
    db.add(child)
    family.own_goals = f"Egen bolig for {tag}-familien"
    family.dreams = f"Drømmen til {tag}: en hage"
    assessment = add_assessment(db, family, dt.date(2024, 2, 1), housing=0, finance=1, work=1)
    assessment.rationale = {"housing": f"Bor hos venner i {tag}veien 3"}
    assessment.family_level_housing = 1
    add_assessment(db, family, dt.date(2024, 9, 1), housing=2, finance=2, work=1)
    db.add(
        ProgressNote(
            family_id=family.id, written_on=dt.date(2024, 3, 1), domain="housing",
            text=f"Møte med {tag} om leilighet", author_id=lab.lead.id,
        )
    )  # fmt: skip
    consent = db.scalars(select(Consent).where(Consent.family_id == family.id)).one()
    consent.scope = f"{tag} samtykker til deling med NAV"
    db.add(Goal(family_id=family.id, domain="housing", target_level=2, description=f"Bolig {tag}"))
    db.add(Measure(family_id=family.id, description=f"Søke startlån for {tag}"))
    budget = db.scalars(select(Budget).where(Budget.family_id == family.id)).one()
    db.add(
        Expenditure(
            family_id=family.id, budget_id=budget.id, spent_on=dt.date(2024, 4, 2),
            amount=Decimal("12345.67"), description=f"Depositum {tag}veien 3",
            paying_agency_id=lab.nav.id, status="approved", requested_by=lab.member.id,
            decided_by=lab.lead.id, decision_note=f"Godkjent for {tag}",
        )
    )  # fmt: skip
    if ended_on is not None:
        family.status, family.concluded_on = FamilyStatus.CONCLUDED, ended_on
    db.flush()
    return family


def personal_texts(db: scoped_session, family: Family) -> list[str]:
    """Every personal value the fixture wrote for this family."""
    members = db.scalars(select(Member).where(Member.family_id == family.id)).all()
    values: list[Any] = []
    for member in members:
        values += [member.full_name, member.national_id]
    return [v for v in values if v]
