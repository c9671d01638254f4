"""The plan on the pages: goals, measures and the family's own words, added and edited by the
team with the same services and policy as the API.

A form carries the version of the record it edits, as the API's If-Match: a save over a newer
change by someone else is refused (409) with both versions in view and nothing typed lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab import policy
from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.families.models import Family, TeamMembership
from velferdslab.plans import services
from velferdslab.plans.forms import GoalForm, MeasureForm, OwnWordsForm
from velferdslab.plans.models import Goal, Measure
from velferdslab.users.models import User
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import show_errors

FAMILY = "/<id:family_id>/plan"
STALE = _l(
    "Someone else saved a change while you were editing. Their version is shown beside the "
    "form; your text is kept. Check it and save again to keep yours."
)


def team_owners(family: Family, today: dt.date) -> list[tuple[int, str]]:
    """Current team members by name: who may own a measure."""
    rows = db.session.execute(
        select(TeamMembership, User.full_name)
        .join(User, User.id == TeamMembership.user_id)
        .where(TeamMembership.family_id == family.id)
        .order_by(User.full_name)
    ).all()
    seen: dict[int, str] = {}
    for membership, name in rows:
        if membership.is_current(today):
            seen[membership.user_id] = name
    return list(seen.items())


def _stale(form: Any, record: Any) -> bool:
    """True when the form was read from an older version than the record has now."""
    sent = str(form.version.data or "")
    return bool(sent) and sent != str(record.version)


def _back(family: Family, message: Any) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for(".family_page", family_id=family.id, _anchor="plan"))


def _render(template: str, status: int, **context: Any) -> ResponseReturnValue:
    return render_template(template, **context), status


def register(blp: Blueprint) -> None:
    @blp.route(f"{FAMILY}/goals/new", methods=["GET", "POST"], endpoint="new_goal")
    @blp.route(
        f"{FAMILY}/goals/<id:goal_id>", methods=["GET", "POST"],
        endpoint="edit_goal",
    )  # fmt: skip
    @login_required
    def goal_page(family_id: int, goal_id: int | None = None) -> ResponseReturnValue:
        user: User = g.user
        family = policy.family_or_404(db.session, user, family_id, "goals.write")
        goal = (
            policy.record_of_family_or_404(db.session, Goal, family.id, goal_id)
            if goal_id is not None
            else None
        )
        form = (
            GoalForm(obj=goal, saved_target_date=goal.target_date)
            if goal is not None
            else GoalForm()
        )
        if goal is not None and not form.is_submitted():
            form.target_level.data = str(goal.target_level)
            form.closed.data = goal.closed_on is not None
        conflict = None
        if form.validate_on_submit():
            if goal is not None and _stale(form, goal):
                conflict = goal
                form.version.data = str(goal.version)
            else:
                data = {
                    "domain": form.domain.data,
                    "target_level": int(form.target_level.data),
                    "target_date": form.target_date.data,
                    "description": (form.description.data or "").strip(),
                }
                if goal is None:
                    goal = services.add_goal(db.session, family, user.id, data)
                    return _back(family, _l("The goal is added to the plan."))
                services.change(db.session, goal, data, closed=bool(form.closed.data))
                return _back(family, _l("The goal is saved."))
        elif goal is not None and not form.is_submitted():
            form.version.data = str(goal.version)
        status = 409 if conflict is not None else 422 if form.errors else 200
        return _render(
            "plans/goal.html", status, family=family, form=form, goal=goal, conflict=conflict,
            stale=STALE if conflict is not None else None,
        )  # fmt: skip

    @blp.route(f"{FAMILY}/measures/new", methods=["GET", "POST"], endpoint="new_measure")
    @blp.route(
        f"{FAMILY}/measures/<id:measure_id>", methods=["GET", "POST"],
        endpoint="edit_measure",
    )  # fmt: skip
    @login_required
    def measure_page(family_id: int, measure_id: int | None = None) -> ResponseReturnValue:
        user: User = g.user
        family = policy.family_or_404(db.session, user, family_id, "measures.write")
        measure = (
            policy.record_of_family_or_404(db.session, Measure, family.id, measure_id)
            if measure_id is not None
            else None
        )
        today = dt.date.today()
        owners = team_owners(family, today)
        form = MeasureForm(owners, obj=measure) if measure is not None else MeasureForm(owners)
        if measure is not None and not form.is_submitted():
            form.owner_user_id.data = str(measure.owner_user_id or "")
            form.domain.data = measure.domain or ""
            form.status.data = measure.status.value
            form.version.data = str(measure.version)
        conflict = None
        if form.validate_on_submit():
            if measure is not None and _stale(form, measure):
                conflict = measure
                form.version.data = str(measure.version)
            else:
                data = {
                    "description": form.description.data.strip(),
                    "domain": form.domain.data or None,
                    "owner_user_id": int(form.owner_user_id.data)
                    if form.owner_user_id.data
                    else None,
                    "due_on": form.due_on.data,
                    "status": form.status.data,
                }
                try:
                    if measure is None:
                        measure = services.add_measure(db.session, family, data, today)
                        return _back(family, _l("The measure is added to the plan."))
                    services.check_measure(db.session, family, data, today)
                    services.change(db.session, measure, data)
                except DomainError as error:
                    show_errors(form, error, "description")
                else:
                    return _back(family, _l("The measure is saved."))
        status = 409 if conflict is not None else 422 if form.errors else 200
        return _render(
            "plans/measure.html", status, family=family, form=form, measure=measure,
            conflict=conflict, stale=STALE if conflict is not None else None,
            owners=dict(owners),
        )  # fmt: skip

    @blp.route(f"{FAMILY}/own-words", methods=["GET", "POST"])
    @login_required
    def own_words(family_id: int) -> ResponseReturnValue:
        family = policy.family_or_404(db.session, g.user, family_id, "goals.write")
        form = OwnWordsForm(obj=family)
        if not form.is_submitted():
            form.version.data = str(family.version)
        conflict = None
        if form.validate_on_submit():
            if _stale(form, family):
                conflict = family
                form.version.data = str(family.version)
            else:
                services.set_own_words(
                    db.session, family, form.own_goals.data or "", form.dreams.data or ""
                )
                return _back(family, _l("The family's own goals and dreams are saved."))
        status = 409 if conflict is not None else 422 if form.errors else 200
        return _render(
            "plans/own_words.html", status, family=family, form=form, conflict=conflict,
            stale=STALE if conflict is not None else None,
        )  # fmt: skip
