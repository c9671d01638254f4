"""What the family's pages show, read once per page: the plan (no unit costs, no estimated
gains), the journey beside the family's own reading, the consents, and the family's view of
the team's work on its comments. Staff of an agency that would reveal where a kode 6 member
lives are not named to the other members (velferdslab.policy.family.hidden_agencies)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from velferdslab.assessments.queries import family_assessments, journey_of
from velferdslab.assessments.voice import latest_readings
from velferdslab.budgets.models import Expenditure
from velferdslab.charts.journey import journey_svg
from velferdslab.db import AnySession
from velferdslab.families.models import Consent, Family, Member
from velferdslab.family_portal.models import FamilyComment, FamilyReading
from velferdslab.municipalities.models import Agency
from velferdslab.plans.models import Goal, Measure
from velferdslab.users.models import User
from velferdslab.vocabulary import DOMAINS, ExpenditureStatus
from velferdslab.web.labels import chart_labels


@dataclass
class Comment:
    id: int
    text: str
    at: dt.datetime
    by_family: bool
    who: str
    answers: list[Comment] = field(default_factory=list)


@dataclass
class PlanMeasure:
    measure: Measure
    owner: str
    decided: Decimal
    comments: list[Comment]


@dataclass
class PlanGoal:
    goal: Goal
    measures: list[PlanMeasure]
    comments: list[Comment]


def _people(session: AnySession, ids: set[int | None], hidden: set[int]) -> dict[int, str]:
    """Staff by name, with their agency; a hidden agency's staff as "a team member"."""
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    rows = session.execute(
        select(User.id, User.full_name, User.agency_id, Agency.name)
        .outerjoin(Agency, Agency.id == User.agency_id)
        .where(User.id.in_(wanted))
    )
    names = {}
    for user_id, name, agency_id, agency in rows:
        if agency_id in hidden:
            names[user_id] = ""  # the template says "a member of the team"
        else:
            names[user_id] = f"{name} ({agency})" if agency else name
    return names


def comments_of(
    session: AnySession, family_id: int, hidden: set[int]
) -> tuple[dict[tuple[str, int], list[Comment]], list[FamilyComment]]:
    rows = list(
        session.scalars(
            select(FamilyComment)
            .where(FamilyComment.family_id == family_id)
            .order_by(FamilyComment.created_at, FamilyComment.id)
        )
    )
    people = _people(session, {row.user_id for row in rows}, hidden)
    members = dict(
        session.execute(
            select(Member.id, Member.full_name).where(Member.family_id == family_id)
        ).all()
    )
    shown: dict[int, Comment] = {}
    on: dict[tuple[str, int], list[Comment]] = defaultdict(list)
    for row in rows:
        who = (
            members.get(row.member_id or 0, "")
            if row.user_id is None
            else people.get(row.user_id, "")
        )
        comment = Comment(row.id, row.text, row.created_at, row.user_id is None, who)
        shown[row.id] = comment
        if row.answer_to is not None and row.answer_to in shown:
            shown[row.answer_to].answers.append(comment)
        elif row.goal_id is not None:
            on[("goal", row.goal_id)].append(comment)
        elif row.measure_id is not None:
            on[("measure", row.measure_id)].append(comment)
    return on, rows


def plan_view(session: AnySession, family: Family, hidden: set[int]) -> dict[str, Any]:
    goals = list(
        session.scalars(
            select(Goal)
            .where(Goal.family_id == family.id, Goal.closed_on.is_(None))
            .order_by(Goal.target_date, Goal.id)
        )
    )
    measures = list(
        session.scalars(
            select(Measure)
            .where(Measure.family_id == family.id)
            .order_by(Measure.due_on, Measure.id)
        )
    )
    decided = dict(
        session.execute(
            select(Expenditure.measure_id, func.sum(Expenditure.amount))
            .where(
                Expenditure.family_id == family.id,
                Expenditure.measure_id.is_not(None),
                Expenditure.status == ExpenditureStatus.APPROVED,
            )
            .group_by(Expenditure.measure_id)
        ).all()
    )
    owners = _people(session, {m.owner_user_id for m in measures}, hidden)
    comments, _ = comments_of(session, family.id, hidden)
    by_goal: dict[int | None, list[PlanMeasure]] = defaultdict(list)
    for measure in measures:
        by_goal[measure.goal_id if measure.goal_id in {g.id for g in goals} else None].append(
            PlanMeasure(
                measure,
                owners.get(measure.owner_user_id or 0, ""),
                Decimal(decided.get(measure.id) or 0),
                comments.get(("measure", measure.id), []),
            )
        )
    return {
        "goals": [
            PlanGoal(g, by_goal.get(g.id, []), comments.get(("goal", g.id), [])) for g in goals
        ],
        "other_measures": by_goal.get(None, []),
    }


def own_readings(session: AnySession, family_id: int) -> dict[str, FamilyReading | None]:
    """Per area, the family's newest reading of its own."""
    latest: dict[str, FamilyReading | None] = dict.fromkeys(DOMAINS)
    for row in session.scalars(
        select(FamilyReading)
        .where(FamilyReading.family_id == family_id)
        .order_by(FamilyReading.read_on.desc(), FamilyReading.id.desc())
    ):
        if latest[row.domain] is None:
            latest[row.domain] = row
    return latest


def journey_view(session: AnySession, family: Family) -> dict[str, Any]:
    """The chart and table the team sees, the team's reading and the family's side by side."""
    assessments = family_assessments(session, family.id)
    points = journey_of(assessments)
    targets = {
        goal.domain: goal.target_level
        for goal in session.scalars(
            select(Goal).where(Goal.family_id == family.id, Goal.closed_on.is_(None))
        )
    }
    chart = journey_svg(points, targets, chart_labels(family.reference)) if points else ""
    return {
        "points": points,
        "chart": chart,
        "readings": latest_readings(assessments),
        "own": own_readings(session, family.id),
    }


def consents_view(session: AnySession, family_id: int, hidden: set[int]) -> list[dict[str, Any]]:
    today = dt.date.today()
    consents = list(
        session.scalars(
            select(Consent).where(Consent.family_id == family_id).order_by(Consent.given_on.desc())
        )
    )
    names = dict(
        session.execute(
            select(Agency.id, Agency.name).where(
                Agency.id.in_({a for c in consents for a in c.agency_ids})
            )
        ).all()
    )
    shown = []
    for consent in consents:
        agencies = sorted(names[a] for a in consent.agency_ids if a in names and a not in hidden)
        in_force = (
            consent.given_on <= today
            and (consent.withdrawn_on is None or consent.withdrawn_on > today)
            and (consent.expires_on is None or consent.expires_on >= today)
        )
        shown.append({"consent": consent, "agencies": agencies, "in_force": in_force,
                      "hidden": any(a in hidden for a in consent.agency_ids)})  # fmt: skip
    return shown


def staff_view(session: AnySession, family_id: int) -> dict[str, Any]:
    """What the team sees of the family's own pages on its family page: the family's own
    reading (marked as written by the family) and the comments, with the team's answers."""
    comments, rows = comments_of(session, family_id, set())
    subjects: dict[int, str] = {}
    goals = {g.id: g for g in session.scalars(select(Goal).where(Goal.family_id == family_id))}
    measures = {
        m.id: m for m in session.scalars(select(Measure).where(Measure.family_id == family_id))
    }
    threads = []
    for (kind, record_id), items in comments.items():
        record = goals.get(record_id) if kind == "goal" else measures.get(record_id)
        for item in items:
            subjects[item.id] = record.description if record is not None else ""
            threads.append((kind, record, item))
    threads.sort(key=lambda t: t[2].at, reverse=True)
    return {
        "own": own_readings(session, family_id),
        "threads": threads,
        "has_any": bool(rows)
        or any(
            session.scalars(
                select(FamilyReading.id).where(FamilyReading.family_id == family_id).limit(1)
            )
        ),
    }
