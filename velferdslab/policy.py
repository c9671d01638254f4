"""Who may see and do what: the role table of the domain spec, decided in one place.

Every endpoint and page asks this module. A family is reached through a *relation* between the
user and the family (its lead, a consented team member, an auditor or admin of its municipality);
each permission on a family names the relations that grant it. A record the user may not see is
reported as missing (404), so that its existence does not leak.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from velferdslab.db import AnySession
from velferdslab.errors import Forbidden, NotFound
from velferdslab.families.models import Consent, ConsentAgency, Family, TeamMembership
from velferdslab.users.models import User
from velferdslab.vocabulary import Protection, Role

SQLColumn = ColumnElement[int] | InstrumentedAttribute[int] | InstrumentedAttribute[int | None]


class Relation(StrEnum):
    LEAD = "lead"  # the family's investment lead
    TEAM = "team"  # a current team member whose agency the family's consent covers
    AUDITOR = "auditor"  # read-only, by reference code, no names or national ids
    ADMIN = "admin"  # references and status only


L, T, A, M = Relation.LEAD, Relation.TEAM, Relation.AUDITOR, Relation.ADMIN

# permission -> the relations that grant it. Leaders have no relation to any family: they see
# aggregates only (the portfolio report), never a family row.
FAMILY_PERMISSIONS: dict[str, frozenset[Relation]] = {
    "family.read": frozenset({L, T, A, M}),
    "family.update": frozenset({L}),
    "members.read": frozenset({L, T}),
    "members.write": frozenset({L}),
    "consents.read": frozenset({L}),
    "consents.write": frozenset({L}),
    "team.read": frozenset({L, T}),
    "team.write": frozenset({L}),
    "goals.read": frozenset({L, T}),
    "goals.write": frozenset({L}),
    "measures.read": frozenset({L, T}),
    "measures.write": frozenset({L, T}),
    "budgets.read": frozenset({L, T, A}),
    "budgets.write": frozenset({L}),
    "expenditures.read": frozenset({L, T, A}),
    "expenditures.write": frozenset({L, T}),
    "expenditures.decide": frozenset({L}),
    "assessments.read": frozenset({L, T}),
    "assessments.write": frozenset({L, T}),
    "trajectory.read": frozenset({L, T, A}),
    "notes.read": frozenset({L, T}),
    "notes.write": frozenset({L, T}),
    "gains.read": frozenset({L, A}),
    "access_log.read": frozenset({L, A}),
    "report.family": frozenset({L, T}),
}

# Collection-level permissions (not tied to one family): role -> allowed.
COLLECTION_PERMISSIONS: dict[str, frozenset[Role]] = {
    "families.list": frozenset({Role.INVESTMENT_LEAD, Role.TEAM_MEMBER, Role.AUDITOR, Role.ADMIN}),
    "families.create": frozenset({Role.INVESTMENT_LEAD}),
    "municipalities.read": frozenset(Role),
    "municipalities.write": frozenset({Role.ADMIN}),
    "agencies.read": frozenset(Role),
    "agencies.write": frozenset({Role.ADMIN}),
    "users.read": frozenset({Role.ADMIN, Role.INVESTMENT_LEAD, Role.AUDITOR}),
    "users.write": frozenset({Role.ADMIN}),
    "assumptions.read": frozenset(Role),
    "assumptions.write": frozenset({Role.ADMIN}),
    "level_descriptions.write": frozenset({Role.ADMIN}),
    "portfolio.read": frozenset({Role.LEADER, Role.AUDITOR}),
    "audit_events.read": frozenset({Role.AUDITOR, Role.ADMIN}),
    "reports.issue": frozenset({Role.AUDITOR, Role.LEADER, Role.INVESTMENT_LEAD, Role.TEAM_MEMBER}),
}

# Which report kinds a role may issue (the family report also needs report.family on it).
REPORT_KINDS: dict[str, frozenset[Role]] = {
    "family": frozenset({Role.INVESTMENT_LEAD, Role.TEAM_MEMBER}),
    "portfolio": frozenset({Role.LEADER, Role.AUDITOR}),
    "audit": frozenset({Role.AUDITOR}),
}


def require(user: User, permission: str) -> None:
    if not user.roles.intersection(COLLECTION_PERMISSIONS[permission]):
        raise Forbidden()


def allowed(user: User, permission: str) -> bool:
    return bool(user.roles.intersection(COLLECTION_PERMISSIONS[permission]))


def in_scope(user: User, municipality_id: int | None) -> bool:
    """Regional users (no municipality) see every municipality; the others only their own."""
    return user.municipality_id is None or user.municipality_id == municipality_id


def scope_filter(user: User, column: SQLColumn) -> ColumnElement[bool]:
    return true() if user.municipality_id is None else column == user.municipality_id


def _consent_covers(agency_column: SQLColumn, today: dt.date) -> ColumnElement[bool]:
    return exists(
        select(Consent.id)
        .join(ConsentAgency, ConsentAgency.consent_id == Consent.id)
        .where(
            # The membership's family, not Family: a second correlation level would not bind.
            Consent.family_id == TeamMembership.family_id,
            ConsentAgency.agency_id == agency_column,
            Consent.given_on <= today,
            or_(Consent.expires_on.is_(None), Consent.expires_on >= today),
            or_(Consent.withdrawn_on.is_(None), Consent.withdrawn_on > today),
        )
    )


def _team_condition(user: User, today: dt.date) -> ColumnElement[bool]:
    if not user.has_role(Role.TEAM_MEMBER, Role.INVESTMENT_LEAD):
        return false()
    return exists(
        select(TeamMembership.id).where(
            TeamMembership.family_id == Family.id,
            TeamMembership.user_id == user.id,
            TeamMembership.joined_on <= today,
            or_(TeamMembership.left_on.is_(None), TeamMembership.left_on >= today),
            _consent_covers(TeamMembership.agency_id, today),
        )
    )


def relation_conditions(user: User, today: dt.date) -> dict[Relation, ColumnElement[bool]]:
    """SQL conditions on Family, one per relation, for lists and for single records alike."""
    scope = scope_filter(user, Family.municipality_id)
    not_strict = Family.protection != Protection.STRICTLY_CONFIDENTIAL
    conditions: dict[Relation, ColumnElement[bool]] = {
        Relation.TEAM: and_(scope, _team_condition(user, today)),
    }
    if user.has_role(Role.INVESTMENT_LEAD):
        conditions[Relation.LEAD] = and_(scope, Family.investment_lead_id == user.id)
    if user.has_role(Role.AUDITOR):
        conditions[Relation.AUDITOR] = and_(scope, not_strict)
    if user.has_role(Role.ADMIN):
        conditions[Relation.ADMIN] = and_(scope, not_strict)
    return conditions


def visible_families(user: User, permission: str, today: dt.date) -> ColumnElement[bool]:
    """A WHERE clause selecting the families on which the user holds the permission."""
    granted = FAMILY_PERMISSIONS[permission]
    parts = [cond for rel, cond in relation_conditions(user, today).items() if rel in granted]
    return or_(*parts) if parts else false()


def relations(session: AnySession, user: User, family_id: int, today: dt.date) -> set[Relation]:
    conditions = relation_conditions(user, today)
    columns = [cond.label(rel.value) for rel, cond in conditions.items()]
    row = session.execute(select(*columns).where(Family.id == family_id)).one_or_none()
    if row is None:
        return set()
    return {Relation(name) for name, granted in row._mapping.items() if granted}


def can(session: AnySession, user: User, family_id: int, permission: str, today: dt.date) -> bool:
    return bool(relations(session, user, family_id, today) & FAMILY_PERMISSIONS[permission])


def family_or_404(
    session: AnySession, user: User, family_id: int, permission: str, today: dt.date | None = None
) -> Family:
    """The family, if the user holds the permission on it; otherwise 404, as if it were missing.
    One query: the record and whether the user's relations grant the permission."""
    granted = visible_families(user, permission, today or dt.date.today())
    family = session.scalars(select(Family).where(Family.id == family_id, granted)).one_or_none()
    if family is None:
        raise NotFound()
    return family
