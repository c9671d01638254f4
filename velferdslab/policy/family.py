"""The policy of the family's own pages (/min-side): who signs in, for which family, and what
of the team a member may see of a family with a kode 6 member.

A person is let in by the `pid` claim (the national id ID-porten vouches for), never by `sub`:
as a member of a family that is active, or concluded less than the retention period ago, with a
consent in force today, and at least the configured age by birth date. Children under it never.
Everyone else is answered with the same neutral page, whatever the reason, so the answer says
nothing about whether a family exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, or_, select

from velferdslab.db import AnySession
from velferdslab.families.models import Consent, Family, Member
from velferdslab.people.national_id import InvalidNationalId, parse
from velferdslab.privacy.models import MemberProtection, RetentionPolicy
from velferdslab.vocabulary import FamilyStatus, Protection

# ID-porten's levels, lowest first (eIDAS low, substantial, high).
ACR_LEVELS = ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high")
DEFAULT_ACR = "idporten-loa-substantial"
MIN_AGE_RANGE = (15, 18)


def acr_meets(acr: object, minimum: str) -> bool:
    """Whether the eID level of the sign-in reaches the configured minimum."""
    if not isinstance(acr, str) or acr not in ACR_LEVELS:
        return False
    wanted = minimum if minimum in ACR_LEVELS else DEFAULT_ACR
    return ACR_LEVELS.index(acr) >= ACR_LEVELS.index(wanted)


def age_on(member: Member, on: dt.date) -> int | None:
    """Whole years on `on`, from the birth date on record, else from the national id."""
    born = member.birth_date
    if born is None and member.national_id:
        try:
            born = parse(member.national_id).birth_date
        except InvalidNationalId:
            born = None
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _ended_within_retention(
    family: Family, on: dt.date, years_by_municipality: Mapping[int, int], default: int
) -> bool:
    if family.concluded_on is None:
        return False
    years = years_by_municipality.get(family.municipality_id, default)
    try:
        until = family.concluded_on.replace(year=family.concluded_on.year + years)
    except ValueError:  # 29 February
        until = family.concluded_on.replace(year=family.concluded_on.year + years, day=28)
    return on < until


def portal_families(
    session: AnySession, pid: object, on: dt.date, config: Mapping[str, Any]
) -> list[tuple[int, int]]:
    """(family id, member id) of every family the person with this national id may open on
    the family pages today; empty: the neutral page."""
    if not isinstance(pid, str) or not pid.isdigit() or len(pid) != 11:
        return []
    minimum = min(max(int(config.get("FAMILY_PORTAL_MIN_AGE", 16)), 15), 18)
    default_years = int(config.get("RETENTION_DEFAULT_YEARS") or 10)
    consent_in_force = (
        select(Consent.id)
        .where(
            Consent.family_id == Family.id,
            Consent.given_on <= on,
            or_(Consent.withdrawn_on.is_(None), Consent.withdrawn_on > on),
            or_(Consent.expires_on.is_(None), Consent.expires_on >= on),
        )
        .exists()
    )
    rows = session.execute(
        select(Family, Member)
        .join(Member, Member.family_id == Family.id)
        .where(
            Member.national_id == pid,
            or_(
                Family.status == FamilyStatus.ACTIVE,
                and_(Family.status == FamilyStatus.CONCLUDED, Family.concluded_on.is_not(None)),
            ),
            consent_in_force,
        )
        .order_by(Family.id)
    ).all()
    years = {
        int(number): int(count)
        for number, count in session.execute(
            select(RetentionPolicy.municipality_id, RetentionPolicy.years)
        )
    }
    allowed = []
    for family, member in rows:
        if family.status == FamilyStatus.CONCLUDED and not _ended_within_retention(
            family, on, years, default_years
        ):
            continue
        age = age_on(member, on)
        if age is None or age < minimum:
            continue
        allowed.append((family.id, member.id))
    return allowed


def hidden_agencies(session: AnySession, family_id: int, member_id: int) -> set[int]:
    """The agencies that would reveal where another member with a protected address (kode 6)
    lives: their names, and the staff of them, are not shown to this member (docs/access.md)."""
    members = select(Member.id).where(Member.family_id == family_id, Member.id != member_id)
    hidden: set[int] = set()
    for row in session.scalars(
        select(MemberProtection).where(
            MemberProtection.member_id.in_(members),
            MemberProtection.protection == Protection.STRICTLY_CONFIDENTIAL,
        )
    ):
        hidden |= set(row.location_agency_ids or [])
    return hidden
