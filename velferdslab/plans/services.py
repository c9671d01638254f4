"""The shared plan's rules: a measure's owner is on the team, its goal is the family's own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select

from velferdslab import policy
from velferdslab.archive import hooks as archive
from velferdslab.audit.log import record
from velferdslab.bulk import add_objects
from velferdslab.db import AnySession
from velferdslab.errors import Text, ValidationFailed
from velferdslab.families.models import Family, TeamMembership
from velferdslab.plans.models import Goal, Measure


def _owner_on_team(session: AnySession, family_id: int, user_id: int, on: dt.date) -> bool:
    memberships = session.scalars(
        select(TeamMembership).where(
            TeamMembership.family_id == family_id, TeamMembership.user_id == user_id
        )
    ).all()
    return any(m.is_current(on) for m in memberships)


def check_measure(
    session: AnySession, family: Family, data: Mapping[str, Any], today: dt.date
) -> None:
    """The owner (when named) is a current team member; the goal (when named) is this family's."""
    errors: dict[str, list[str]] = {}
    owner = data.get("owner_user_id")
    if owner is not None and not _owner_on_team(session, family.id, owner, today):
        errors["owner_user_id"] = [Text("The owner must be on the family's team.")]
    goal_id = data.get("goal_id")
    if goal_id is not None and not policy.record_of_family(session, Goal, family.id, goal_id):
        errors["goal_id"] = [Text("No such goal for this family.")]
    if errors:
        raise ValidationFailed(Text("The measure has invalid values."), errors)


def add_goal(session: AnySession, family: Family, author_id: int, data: Mapping[str, Any]) -> Goal:
    goal = Goal(family_id=family.id, created_by=author_id, **data)
    session.add(goal)
    session.flush()
    record(session, "create", "goal", goal.id, family_id=family.id)
    archive.plan_changed(session, goal)
    return goal


def add_goals(
    session: AnySession, family: Family, author_id: int, goals: Sequence[Mapping[str, Any]]
) -> list[Goal]:
    """Many goals of one family at once (an import): one flush, an event each, and the plan
    archived once for them all (as goals added in one sitting make one plan); with archiving
    off, the plan is not read back at all (plan_changed would keep nothing of it). While an
    import collects its rows (velferdslab.bulk, only with archiving off) the goals are
    collected, not flushed."""
    added = [Goal(family_id=family.id, created_by=author_id, **data) for data in goals]
    add_objects(session, added)  # flushed, or collected for an import's COPY (velferdslab.bulk)
    for goal in added:
        record(session, "create", "goal", goal.id, family_id=family.id)
    if added and archive.archiving_on():
        archive.plan_changed(session, added[-1])
    return added


def add_measure(
    session: AnySession, family: Family, data: Mapping[str, Any], today: dt.date
) -> Measure:
    check_measure(session, family, data, today)
    measure = Measure(family_id=family.id, **data)
    session.add(measure)
    session.flush()
    record(session, "create", "measure", measure.id, family_id=family.id)
    return measure


def change(
    session: AnySession, row: Goal | Measure, data: Mapping[str, Any], *, closed: bool | None = None
) -> None:
    """Change a goal or a measure; `closed` closes a goal today (or reopens it)."""
    for name, value in data.items():
        setattr(row, name, value)
    if isinstance(row, Goal) and closed is not None:
        close_goal(row, closed, dt.date.today())
    session.flush()
    entity = "goal" if isinstance(row, Goal) else "measure"
    record(session, "update", entity, row.id, family_id=row.family_id)
    archive.plan_changed(session, row)


def set_own_words(session: AnySession, family: Family, own_goals: str, dreams: str) -> None:
    """The family's own goals and dreams, in its own words; an empty text clears it."""
    family.own_goals = own_goals.strip() or None
    family.dreams = dreams.strip() or None
    session.flush()
    record(
        session, "update", "family", family.id, family_id=family.id,
        details={"fields": ["own_goals", "dreams"]},
    )  # fmt: skip


def close_goal(goal: Goal, closed: bool, today: dt.date) -> None:
    """Close a goal today (or reopen it); a goal closed earlier keeps its day."""
    if not closed:
        goal.closed_on = None
    elif goal.closed_on is None:
        goal.closed_on = today
