"""What each report says, as plain data (dicts, lists, dates, numbers): read once from the
database and the engine, then handed to the template and, unchanged, to the attachments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import distinct, func, select

from velferdslab.assessments.queries import family_assessments, journey_of
from velferdslab.assessments.voice import latest_readings
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import described
from velferdslab.benefits.suppression import suppress_sum
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.budgets.services import spent_on
from velferdslab.charts.journey import journey_svg
from velferdslab.extensions import db
from velferdslab.families.models import Family, TeamMembership
from velferdslab.gains.charts import portfolio_charts, quarter_labels
from velferdslab.gains.presentation import story
from velferdslab.gains.services import compute_portfolio, family_gains, family_report_forecast
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.plans.models import Goal, Measure
from velferdslab.users.models import User
from velferdslab.vocabulary import LEVELS
from velferdslab.web.labels import PARAMETER_LABELS, chart_labels

Progress = Callable[[int], None]
# The most a chart may take of an A4 page, in CSS pixels (17 cm), so it never runs off the page.
PAGE_HEIGHT = 640


def _money(value: Any) -> float:
    return round(float(value), 2)


def family_content(
    family: Family, as_of: dt.date, assumption_set: AssumptionSet, progress: Progress
) -> dict[str, Any]:
    """The family's own report: journey, levels, plan, budget and gains. It names the team
    (employees) but no family member and no national id."""
    session = db.session
    assessments = family_assessments(session, family.id)
    points = journey_of(assessments)
    readings = latest_readings(assessments)
    goals = session.scalars(
        select(Goal).where(Goal.family_id == family.id).order_by(Goal.domain)
    ).all()
    targets = {goal.domain: goal.target_level for goal in goals if goal.closed_on is None}
    progress(20)
    gains = family_gains(family, {"as_of": as_of, "assumption_set_id": assumption_set.id})
    progress(60)
    measures = session.scalars(
        select(Measure).where(Measure.family_id == family.id).order_by(Measure.due_on, Measure.id)
    ).all()
    owners = {m.owner_user_id for m in measures}
    people = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(owners))).all())
    return {
        "family": {
            "reference": family.reference,
            "status": family.status.value,
            "referred_on": family.referred_on,
            "enrolled_on": family.enrolled_on,
            "own_goals": family.own_goals or "",
            "dreams": family.dreams or "",
        },
        "as_of": as_of,
        "chart": journey_svg(
            points,
            targets,
            chart_labels(family.reference),
            tooltips=False,
            max_height=PAGE_HEIGHT,
            printed=True,
        )
        if points
        else "",
        "journey": [
            {
                "on": point.on,
                "levels": {d: _level(v) for d, v in point.levels.items()},
                "overall": _level(point.overall),
            }
            for point in points
        ],
        "goals": [
            {
                "domain": goal.domain,
                "target_level": LEVELS[goal.target_level],
                "target_date": goal.target_date,
                "description": goal.description,
                "closed_on": goal.closed_on,
            }
            for goal in goals
        ],
        # The team's reasons and the family's own reading, per domain, as last said.
        "voice": [
            {
                "domain": domain,
                "assessed_on": reading.assessed_on,
                "level": _level(reading.level),
                "family_level": _level(reading.family_level),
                "differs": reading.differs,
                "rationale": reading.rationale,
            }
            for domain, reading in readings.items()
            if reading is not None
        ],
        "measures": [
            {
                "description": measure.description,
                "domain": measure.domain,
                "owner": people.get(measure.owner_user_id) if measure.owner_user_id else None,
                "due_on": measure.due_on,
                "status": measure.status.value,
            }
            for measure in measures
        ],
        "team": _team(family),
        "budgets": _budgets(family),
        "gains": gains,
        "assumption_set": described(assumption_set, str(get_locale() or "nb")),
        **family_report_forecast(family, as_of, assumption_set),
    }


def _level(value: int | None) -> str | None:
    return None if value is None else LEVELS[value]


def _team(family: Family) -> list[dict[str, Any]]:
    today = dt.date.today()
    rows = db.session.execute(
        select(TeamMembership, User.full_name, Agency.name)
        .join(User, User.id == TeamMembership.user_id)
        .join(Agency, Agency.id == TeamMembership.agency_id)
        .where(TeamMembership.family_id == family.id)
        .order_by(TeamMembership.team_role, User.full_name)
    ).all()
    return [
        {"name": name, "agency": agency, "role": membership.team_role}
        for membership, name, agency in rows
        if membership.left_on is None or membership.left_on >= today
    ]


def _budgets(family: Family) -> list[dict[str, Any]]:
    budgets = db.session.scalars(
        select(Budget).where(Budget.family_id == family.id).order_by(Budget.year)
    ).all()
    spent = db.session.execute(
        select(Expenditure.budget_id, Expenditure.status, Expenditure.amount).where(
            Expenditure.family_id == family.id
        )
    ).all()
    rows = []
    for budget in budgets:
        approved, pending = spent_on(budget.id, spent)
        rows.append(
            {
                "year": budget.year,
                "amount": _money(budget.amount),
                "approved": _money(approved),
                "pending": _money(pending),
                "remaining": _money(budget.amount - approved),  # as on the page and in the API
            }
        )
    return rows


def portfolio_content(
    user: User,
    municipality_id: int | None,
    as_of: dt.date,
    assumption_set: AssumptionSet,
    progress: Progress,
    period: tuple[dt.date, dt.date] | None = None,
) -> dict[str, Any]:
    """The dashboard's figures and charts: suppressed for a leader, open for an auditor."""
    period = period or (dt.date(as_of.year, 1, 1), as_of)
    report = compute_portfolio(
        user,
        {
            "municipality_id": municipality_id,
            "as_of": as_of,
            "assumption_set_id": assumption_set.id,
        },
    )
    progress(60)
    quarters, charts = quarter_labels(report), portfolio_charts(report, hatched=False)
    name = None
    if report["municipality_id"] is not None:
        name = db.session.get(Municipality, report["municipality_id"])
    period_spending = _period_spending(
        report["municipality_id"], period, suppress=report["suppression"]["applied"]
    )
    return {
        "report": report,
        "period_spending": period_spending,
        "story": story(report, period_spending),
        "quarters": quarters,
        "charts": charts,
        "municipality": name.name if name else None,
        "parameter_labels": {k: str(v) for k, v in PARAMETER_LABELS.items()},
        "assumption_set": described(assumption_set, str(get_locale() or "nb")),
    }


def _period_spending(
    municipality_id: int | None, period: tuple[dt.date, dt.date], *, suppress: bool
) -> dict[str, Any]:
    """Approved spending dated in the period (not the all-time total), hidden like any sum when
    fewer than the threshold of families stand behind it."""
    query = (
        select(func.coalesce(func.sum(Expenditure.amount), 0), func.count(distinct(Family.id)))
        .join(Family, Family.id == Expenditure.family_id)
        .where(Expenditure.approved_by(period[1]), Expenditure.spent_on >= period[0])
    )
    if municipality_id is not None:
        query = query.where(Family.municipality_id == municipality_id)
    amount, families = db.session.execute(query).one()
    value = round(float(amount), 2)
    if not suppress:
        return {"value": value, "suppressed": False}
    return suppress_sum(value, int(families), int(current_app.config["SUPPRESSION_THRESHOLD"]))
