"""The core of the policy: roles, relations to a family, permissions and the family checks.

Every endpoint and page asks this module. A family is reached through a *relation* between the
user and the family (its lead, a consented team member, an auditor or admin of its municipality);
each permission on a family names the relations that grant it. A record the user may not see is
reported as missing (404), so that its existence does not leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, Integer, Select, and_, bindparam, exists, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from velferdslab.audit.models import AuditEvent
from velferdslab.audit.refusals import audit_refusal
from velferdslab.db import AnySession
from velferdslab.errors import Forbidden, NotFound
from velferdslab.families.consent_gaps import LostAccess, consent_gaps
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
    # The lead's privacy duties: access packages, protected addresses, confirming anonymisation
    # of a strictly confidential family (velferdslab.policy.privacy).
    "privacy.lead": frozenset({L}),
    # The events of a family on the audit log (/audit-events, the auditor's log page): only for
    # those who may see the family itself in their audit role. A strictly confidential (kode 6)
    # family has no auditor or admin relation, so its events are on no one's audit log; its lead
    # sees them on the family's own access log (access_log.read).
    "audit_log.family_events": frozenset({A, M}),
    # What was handed to the municipality's archive (issue 27): kinds, name-free titles, states,
    # dates and the archive's numbers, for the lead and the admin (no auditor: it is no figure).
    "archive.read": frozenset({L, M}),
}

# The relations a role can give its holder to a family.
ROLE_RELATIONS: dict[Role, frozenset[Relation]] = {
    Role.INVESTMENT_LEAD: frozenset({L, T}),
    Role.TEAM_MEMBER: frozenset({T}),
    Role.AUDITOR: frozenset({A}),
    Role.ADMIN: frozenset({M}),
    Role.LEADER: frozenset(),
}


def reads_family_data(role: Role | str) -> bool:
    """Whether the role opens anything of a family beyond its reference and status: granting it
    is audited as such ("grant_family_access") and an admin may never grant it to themselves."""
    relations = ROLE_RELATIONS[Role(role)]
    return any(
        granted & relations
        for name, granted in FAMILY_PERMISSIONS.items()
        if name not in ("family.read", "audit_log.family_events", "archive.read")
    )


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
    # Spreadsheet import (issue 25): the lead for their municipality's families, and the admin.
    "imports.run": frozenset({Role.INVESTMENT_LEAD, Role.ADMIN}),
    # The history of imports and their reports: also the auditor of the municipality.
    "imports.read": frozenset({Role.INVESTMENT_LEAD, Role.ADMIN, Role.AUDITOR}),
    # The refused rows as typed (names, masked ids): not the admin, who reaches no personal data.
    "imports.rejected_rows": frozenset({Role.INVESTMENT_LEAD, Role.AUDITOR}),
    "reports.issue": frozenset({Role.AUDITOR, Role.LEADER, Role.INVESTMENT_LEAD, Role.TEAM_MEMBER}),
}

# The pages each role opens, by area (every page of an area asks the same permission; the menu
# shows an area's entry to those who hold it). A role without it gets 403 — except the admin's
# pages, answered 404 to everyone else, so that their existence is not shown.
PAGE_PERMISSIONS: dict[str, frozenset[Role]] = {
    "pages.my_families": frozenset({Role.TEAM_MEMBER, Role.INVESTMENT_LEAD}),
    "pages.lead": frozenset({Role.INVESTMENT_LEAD}),
    "pages.dashboard": COLLECTION_PERMISSIONS["portfolio.read"],
    "pages.audit": frozenset({Role.AUDITOR}),
    "pages.reports": COLLECTION_PERMISSIONS["reports.issue"],
    "pages.admin": frozenset({Role.ADMIN}),
    "pages.imports": COLLECTION_PERMISSIONS["imports.read"],
    # The evidence behind the figures: the comparison cohort's estimate, the pre-registration.
    "pages.evidence": frozenset({Role.LEADER, Role.INVESTMENT_LEAD, Role.AUDITOR, Role.ADMIN}),
}
HIDDEN_PAGES = frozenset({"pages.admin"})


def page_allowed(user: User, page: str) -> bool:
    return bool(user.roles.intersection(PAGE_PERMISSIONS[page]))


def require_page(user: User, page: str) -> User:
    """The user, if their roles open this area of pages; else 403 (404 for hidden areas)."""
    if not page_allowed(user, page):
        raise NotFound() if page in HIDDEN_PAGES else Forbidden()
    return user


def suppressed_portfolio(user: User) -> bool:
    """Whether the user sees the portfolio with small cells suppressed: everyone but auditors,
    who read the per-family figures anyway."""
    return not user.has_role(Role.AUDITOR)


def may_add_municipality(user: User) -> bool:
    """Only a regional admin adds municipalities (a municipal admin manages their own)."""
    return allowed(user, "municipalities.write") and user.municipality_id is None


def is_lead_of(user: User, family: Family) -> bool:
    """Whether the user is the family's investment lead (the `lead` relation's rule, for code
    that holds the family already and asks what to show or allow the lead alone)."""
    return user.has_role(Role.INVESTMENT_LEAD) and family.investment_lead_id == user.id


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


@dataclass(frozen=True)
class _Values:
    """What the family conditions compare with: the user's values as literals (lists embed
    them), or bind parameters (the cached single-record statement, given values per call)."""

    user_id: Any
    municipality_id: Any
    today: Any


def _consent_covers(agency_column: SQLColumn, today: Any) -> ColumnElement[bool]:
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


def _team_condition(user: User, values: _Values) -> ColumnElement[bool]:
    if not user.has_role(Role.TEAM_MEMBER, Role.INVESTMENT_LEAD):
        return false()
    return exists(
        select(TeamMembership.id).where(
            TeamMembership.family_id == Family.id,
            TeamMembership.user_id == values.user_id,
            TeamMembership.joined_on <= values.today,
            or_(TeamMembership.left_on.is_(None), TeamMembership.left_on >= values.today),
            _consent_covers(TeamMembership.agency_id, values.today),
        )
    )


def _conditions(user: User, values: _Values) -> dict[Relation, ColumnElement[bool]]:
    scope = (
        true() if user.municipality_id is None else Family.municipality_id == values.municipality_id
    )
    not_strict = Family.protection != Protection.STRICTLY_CONFIDENTIAL
    conditions: dict[Relation, ColumnElement[bool]] = {
        Relation.TEAM: and_(scope, _team_condition(user, values)),
    }
    if user.has_role(Role.INVESTMENT_LEAD):
        conditions[Relation.LEAD] = and_(scope, Family.investment_lead_id == values.user_id)
    if user.has_role(Role.AUDITOR):
        conditions[Relation.AUDITOR] = and_(scope, not_strict)
    if user.has_role(Role.ADMIN):
        conditions[Relation.ADMIN] = and_(scope, not_strict)
    return conditions


def relation_conditions(user: User, today: dt.date) -> dict[Relation, ColumnElement[bool]]:
    """SQL conditions on Family, one per relation, for lists and for single records alike."""
    return _conditions(user, _Values(user.id, user.municipality_id, today))


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


# The single-record check of every family endpoint, built once per kind of user and permission
# and then reused with the values as parameters: building the conditions and their SQL cache key
# each time cost more than the query itself.
_PARAMETERS = _Values(
    bindparam("policy_user_id", type_=Integer),
    bindparam("policy_municipality_id", type_=Integer),
    bindparam("policy_today", type_=Date),
)
_FAMILY_STATEMENTS: dict[tuple[Any, ...], Select[Family] | None] = {}


def _family_statement(user: User, permission: str) -> Select[Family] | None:
    """The query for one family on which the user holds the permission; None when no relation
    the user can have grants it. Depends on the user only through roles and regional scope."""
    key = (
        permission,
        user.has_role(Role.TEAM_MEMBER, Role.INVESTMENT_LEAD),
        user.has_role(Role.INVESTMENT_LEAD),
        user.has_role(Role.AUDITOR),
        user.has_role(Role.ADMIN),
        user.municipality_id is None,
    )
    if key not in _FAMILY_STATEMENTS:
        granted = FAMILY_PERMISSIONS[permission]
        parts = [c for rel, c in _conditions(user, _PARAMETERS).items() if rel in granted]
        _FAMILY_STATEMENTS[key] = (
            select(Family).where(Family.id == bindparam("policy_family_id"), or_(*parts))
            if parts
            else None
        )
    return _FAMILY_STATEMENTS[key]


def family_or_404(
    session: AnySession, user: User, family_id: int, permission: str, today: dt.date | None = None
) -> Family:
    """The family, if the user holds the permission on it; otherwise 404, as if it were missing.
    One query: the record and whether the user's relations grant the permission."""
    statement = _family_statement(user, permission)
    if statement is None:
        audit_refusal(family_id, permission)
        raise NotFound()
    family = session.scalars(
        statement,
        {
            "policy_family_id": family_id,
            "policy_user_id": user.id,
            "policy_municipality_id": user.municipality_id,
            "policy_today": today or dt.date.today(),
        },
    ).one_or_none()
    if family is None:
        audit_refusal(family_id, permission)
        raise NotFound()
    return family


def audit_log_filter(user: User, today: dt.date) -> ColumnElement[bool]:
    """The audit events the user may read on the audit log (the API and the page alike).

    Events tied to a family: only of families on which the user holds audit_log.family_events
    (never a strictly confidential one). Events tied to no family: for a regional user all; for
    a municipal one those made by, or about, the municipality's users.
    """
    if not allowed(user, "audit_events.read"):
        return false()
    families = select(Family.id).where(visible_families(user, "audit_log.family_events", today))
    family_events = AuditEvent.family_id.in_(families)
    if user.municipality_id is None:
        return or_(AuditEvent.family_id.is_(None), family_events)
    own_users = select(User.id).where(User.municipality_id == user.municipality_id)
    about_own_users = and_(AuditEvent.entity == "user", AuditEvent.entity_id.in_(own_users))
    return or_(
        and_(
            AuditEvent.family_id.is_(None),
            or_(AuditEvent.user_id.in_(own_users), about_own_users),
        ),
        family_events,
    )


def lost_access(
    session: AnySession, user: User, family_id: int, today: dt.date
) -> LostAccess | None:
    """Why the user, a current member of the family's team, cannot reach it: every agency they
    sit in the team for lacks consent. None for anyone else — a user who never was in the team
    must not learn that the family exists (they get the 404 of family_or_404)."""
    if not user.has_role(Role.TEAM_MEMBER, Role.INVESTMENT_LEAD):
        return None
    scope = (
        true() if user.municipality_id is None else Family.municipality_id == user.municipality_id
    )
    agencies = list(
        session.scalars(
            select(TeamMembership.agency_id)
            .join(Family, Family.id == TeamMembership.family_id)
            .where(
                scope,
                TeamMembership.family_id == family_id,
                TeamMembership.user_id == user.id,
                TeamMembership.joined_on <= today,
                or_(TeamMembership.left_on.is_(None), TeamMembership.left_on >= today),
            )
        )
    )
    gaps = consent_gaps(session, family_id, agencies, today)
    if not agencies or len(gaps) < len(agencies):
        return None
    return gaps[agencies[0]]
