"""The family page's read model: everything the family page shows, each table read once, and
the choices and saved values the lead's set-up forms hold. Views render it; they do not query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import lazyload

from velferdslab import policy
from velferdslab.archive import services as archive
from velferdslab.assessments.models import ProgressNote
from velferdslab.assessments.queries import family_assessments, journey_of
from velferdslab.assessments.voice import latest_readings
from velferdslab.audit.models import AuditEvent
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.budgets.services import limits_from
from velferdslab.charts.journey import journey_svg
from velferdslab.extensions import db
from velferdslab.families.access import team_without_consent
from velferdslab.families.models import Consent, Family, TeamMembership
from velferdslab.family_portal.queries import staff_view
from velferdslab.formatting import oslo_today
from velferdslab.municipalities.models import Agency
from velferdslab.plans.models import Goal, Measure
from velferdslab.users.models import User, UserRole
from velferdslab.vocabulary import Role
from velferdslab.web.labels import chart_labels


def family_context(family: Family, user: User) -> dict[str, Any]:
    """Everything the family page shows, each table read once: the chart, the spending limits
    and the lead's gains are made from the same rows."""
    today = dt.date.today()
    session = db.session
    assessments = family_assessments(session, family.id)
    points = journey_of(assessments)
    readings = latest_readings(assessments)
    goals = session.scalars(
        select(Goal)
        .where(Goal.family_id == family.id)
        .order_by(Goal.closed_on.is_not(None), Goal.domain)
    ).all()
    targets = {goal.domain: goal.target_level for goal in goals if goal.closed_on is None}
    chart = journey_svg(points, targets, chart_labels(family.reference)) if points else ""
    measures = session.scalars(
        select(Measure).where(Measure.family_id == family.id).order_by(Measure.due_on)
    ).all()
    notes = session.scalars(
        select(ProgressNote)
        .where(ProgressNote.family_id == family.id)
        .order_by(ProgressNote.written_on.desc(), ProgressNote.id.desc())
        .limit(20)
    ).all()
    expenditures = session.scalars(
        select(Expenditure)
        .where(Expenditure.family_id == family.id)
        .order_by(Expenditure.spent_on.desc(), Expenditure.id.desc())
    ).all()
    team = session.execute(
        select(TeamMembership, User, Agency)
        .join(User, User.id == TeamMembership.user_id)
        .join(Agency, Agency.id == TeamMembership.agency_id)
        .where(TeamMembership.family_id == family.id)
        .order_by(TeamMembership.team_role, User.full_name)
        .options(lazyload(User.role_rows))  # the page shows names, not roles
    ).all()
    budgets = session.scalars(
        select(Budget).where(Budget.family_id == family.id).order_by(Budget.year.desc())
    ).all()
    agencies = session.scalars(
        select(Agency).where(Agency.municipality_id == family.municipality_id).order_by(Agency.name)
    ).all()
    user_ids = {m.owner_user_id for m in measures} | {n.author_id for n in notes}
    user_ids |= {e.requested_by for e in expenditures} | {e.decided_by for e in expenditures}
    is_lead = policy.is_lead_of(user, family)
    lead_only: dict[str, Any] = {}
    if is_lead:
        from velferdslab.gains.services import family_page_context, page_gains

        setup = setup_context(family, agencies, budgets)
        gains = page_gains(family, assessments, expenditures, budgets, agencies, goals)
        lead_only = {
            "gains": gains,
            **setup,
            **family_page_context(family, assessments, expenditures, goals),
        }
    if is_lead:
        lead_only["consent_gaps"] = team_without_consent(family, team, today)
        lead_only["archive_items"] = archive.page_items(session, family.id)
    memberships = [membership for membership, _, _ in team]
    return {
        "by_agency": contributions_and_spending(today.year, budgets, expenditures, agencies),
        **lead_only,
        "family": family,
        "points": points,
        "readings": readings,
        "chart": chart,
        "goals": goals,
        "measures": measures,
        "notes": notes,
        "team": team,
        "budgets": budgets,
        "expenditures": expenditures,
        "limits": limits_from(family, user, today.year, today, budgets, expenditures, memberships),
        "is_lead": is_lead,
        "family_voice": staff_view(session, family.id),
        "people": {
            row[0]: row[1]
            for row in session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids)))
        },
        "agencies": {agency.id: agency.name for agency in agencies},
    }


def contributions_and_spending(
    year: int, budgets: Any, expenditures: Any, agencies: Any
) -> list[tuple[str, Any, Any]]:
    """Per agency, for the year: what it put into the budget beside what it paid of the approved
    spending (agencies with neither are left out)."""
    budget = next((b for b in budgets if b.year == year), None)
    put_in = {c.agency_id: c.amount for c in budget.contributions} if budget else {}
    paid: dict[int, Decimal] = {}
    for e in expenditures:
        if e.status.value == "approved" and e.spent_on.year == year:
            paid[e.paying_agency_id] = paid.get(e.paying_agency_id, Decimal(0)) + e.amount
    return [
        (agency.name, put_in.get(agency.id), paid.get(agency.id, Decimal(0)))
        for agency in agencies
        if agency.id in put_in or agency.id in paid
    ]


def setup_context(
    family: Family, agencies: Sequence[Agency], budgets: Sequence[Budget] = ()
) -> dict[str, Any]:
    """Choices for the lead's forms on the family page, and what is saved, for the forms to
    hold; `agencies`: the municipality's, by name, and `budgets`, as the page has read them."""
    # Who can join a team: the municipality's active team members and leads (names only).
    team_staff = db.session.execute(
        select(User.id, User.full_name, User.agency_id)
        .where(User.active.is_(True), User.municipality_id == family.municipality_id)
        .where(User.role_rows.any(UserRole.role.in_([Role.TEAM_MEMBER, Role.INVESTMENT_LEAD])))
        .order_by(User.full_name)
    ).all()
    today = dt.date.today()
    consents = db.session.scalars(
        select(Consent).where(Consent.family_id == family.id).order_by(Consent.given_on.desc())
    ).all()
    memberships = db.session.execute(
        select(TeamMembership, User.full_name)
        .join(User, User.id == TeamMembership.user_id)
        .where(
            TeamMembership.family_id == family.id,
            or_(TeamMembership.left_on.is_(None), TeamMembership.left_on >= today),
        )
        .order_by(User.full_name)
    ).all()
    current = next((budget for budget in budgets if budget.year == today.year), None)
    return {
        "setup_budget": current,
        "setup_contributions": {c.agency_id: c.amount for c in current.contributions}
        if current
        else {},
        "setup_agencies": agencies,
        "setup_staff": team_staff,
        "setup_consents": consents,
        "setup_memberships": memberships,
        "this_year": today.year,
        "today": today,
        "default_day": oslo_today(),  # a date field's default: today as Oslo sees it
    }


def access_log_rows(family: Family) -> list[Any]:
    """Who did what with the family's records, newest first (the family's access log)."""
    return list(
        db.session.execute(
            select(AuditEvent, User.full_name)
            .outerjoin(User, User.id == AuditEvent.user_id)
            .where(AuditEvent.family_id == family.id)
            .order_by(AuditEvent.id.desc())
            .limit(500)
        ).all()
    )


def domain_notes(family: Family, domain: str) -> list[Any]:
    return list(
        db.session.execute(
            select(ProgressNote, User.full_name)
            .outerjoin(User, User.id == ProgressNote.author_id)
            .where(ProgressNote.family_id == family.id, ProgressNote.domain == domain)
            .order_by(ProgressNote.written_on.desc(), ProgressNote.id.desc())
            .limit(50)
        ).all()
    )


def own_agency(family: Family, user: User, today: dt.date) -> int | None:
    """The agency the user works for on this family's team (else their own): who usually pays."""
    memberships = db.session.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family.id, TeamMembership.user_id == user.id
        )
    ).all()
    current = [m.agency_id for m in memberships if m.is_current(today)]
    return current[0] if current else user.agency_id


def agency_choices(family: Family) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(Agency.id, Agency.name)
        .where(Agency.municipality_id == family.municipality_id)
        .order_by(Agency.name)
    )
    return [(row[0], row[1]) for row in rows]
