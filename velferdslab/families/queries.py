"""Read models for the pages: a user's families with their latest level, in one query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from velferdslab import policy
from velferdslab.assessments.models import Assessment
from velferdslab.db import AnySession
from velferdslab.families.models import Family, Member
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


def my_families(
    session: AnySession, user: User, today: dt.date, search: str = ""
) -> list[FamilyRow]:
    """The families a lead leads or a consented team member works with, newest first; `search`
    keeps those whose reference or a member's name contains it (only among the families the
    policy already lets the user see, so a name never reaches beyond them)."""
    latest = (
        select(
            Assessment.family_id,
            func.max(Assessment.assessed_on).label("last_on"),
        )
        .group_by(Assessment.family_id)
        .subquery()
    )
    visible = policy.visible_families(user, "assessments.read", today)
    query = (
        select(Family, latest.c.last_on)
        .outerjoin(latest, latest.c.family_id == Family.id)
        .where(visible)
        .order_by(Family.status, Family.referred_on.desc())
    )
    wanted = search.strip()[:100]
    if wanted:
        pattern = "%" + wanted.replace("\\", "").replace("%", "").replace("_", "") + "%"
        named = select(Member.id).where(
            Member.family_id == Family.id, Member.full_name.ilike(pattern)
        )
        query = query.where(
            policy.visible_families(user, "members.read", today),
            or_(Family.reference.ilike(pattern), named.exists()),
        )
    rows = session.execute(query).all()
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
            Assessment.effective_overall.label("level"),
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


SORTS = ("reference", "status", "level", "assessed")
STALE_AFTER = dt.timedelta(days=91)  # three months


@dataclass(frozen=True)
class ListChoices:
    """The list's filters and order, as read from the query string."""

    search: str = ""
    status: str = ""
    level: str = ""  # "0"–"3", "none" (not assessed) or "" (any)
    stale: bool = False
    sort: str = ""
    descending: bool = False


def filter_and_sort(rows: list[FamilyRow], choices: ListChoices, today: dt.date) -> list[FamilyRow]:
    """Status, overall level and 'last assessed more than three months ago (or never)', then
    the chosen order; the list is a user's own families, so this runs on the rows at hand."""
    kept = [
        row
        for row in rows
        if (not choices.status or row.status == choices.status)
        and (
            not choices.level
            or (choices.level == "none" and row.overall is None)
            or (choices.level.isdigit() and row.overall == int(choices.level))
        )
        and (
            not choices.stale
            or row.last_assessed_on is None
            or row.last_assessed_on < today - STALE_AFTER
        )
    ]
    keys = {
        "reference": lambda r: r.reference,
        "status": lambda r: r.status,
        "level": lambda r: (r.overall is None, r.overall or 0),
        "assessed": lambda r: r.last_assessed_on or dt.date.min,
    }
    if choices.sort in keys:
        kept.sort(key=keys[choices.sort], reverse=choices.descending)  # type: ignore[arg-type]
    return kept
