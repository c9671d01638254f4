"""Read models for the pages: a user's families with their latest level, in one query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from velferdslab import policy
from velferdslab.assessments.models import Assessment
from velferdslab.db import AnySession
from velferdslab.families.models import Family
from velferdslab.users.models import User


@dataclass(frozen=True)
class FamilyRow:
    id: int
    reference: str
    status: str
    protection: str
    overall: int | None
    last_assessed_on: dt.date | None
    i_lead: bool


def my_families(session: AnySession, user: User, today: dt.date) -> list[FamilyRow]:
    """The families a lead leads or a consented team member works with, newest first."""
    latest = (
        select(
            Assessment.family_id,
            func.max(Assessment.assessed_on).label("last_on"),
        )
        .group_by(Assessment.family_id)
        .subquery()
    )
    visible = policy.visible_families(user, "assessments.read", today)
    rows = session.execute(
        select(Family, latest.c.last_on)
        .outerjoin(latest, latest.c.family_id == Family.id)
        .where(visible)
        .order_by(Family.status, Family.referred_on.desc())
    ).all()
    overall = _latest_overall(session, [family.id for family, _ in rows])
    return [
        FamilyRow(
            id=family.id,
            reference=family.reference,
            status=family.status.value,
            protection=family.protection.value,
            overall=overall.get(family.id),
            last_assessed_on=last_on,
            i_lead=policy.is_lead_of(user, family),
        )
        for family, last_on in rows
    ]


def _latest_overall(session: AnySession, family_ids: list[int]) -> dict[int, int | None]:
    if not family_ids:
        return {}
    ranked = (
        select(
            Assessment.family_id,
            func.coalesce(Assessment.overall_override, Assessment.overall).label("level"),
            func.row_number()
            .over(
                partition_by=Assessment.family_id,
                order_by=(Assessment.assessed_on.desc(), Assessment.id.desc()),
            )
            .label("rank"),
        )
        .where(Assessment.family_id.in_(family_ids))
        .subquery()
    )
    rows = session.execute(select(ranked.c.family_id, ranked.c.level).where(ranked.c.rank == 1))
    return {family_id: level for family_id, level in rows}
