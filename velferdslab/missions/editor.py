"""The pages that list missions and make or change a mission's definition: the API's service
and policy behind a form (docs/missions.md), asking first before what cannot be undone."""

from __future__ import annotations

from collections.abc import Callable, Collection
from types import SimpleNamespace
from typing import Any, cast

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab import policy
from velferdslab.errors import DomainError, Forbidden
from velferdslab.extensions import db
from velferdslab.missions import services
from velferdslab.missions.forms import MissionForm, changed_body, form_data, new_body, show_refusal
from velferdslab.missions.models import Mission
from velferdslab.missions.presentation import INDICATOR_LABELS, value_text
from velferdslab.municipalities.models import Municipality
from velferdslab.users.models import User
from velferdslab.web.auth import login_required


def _reader() -> User:
    user: User = g.user
    if not policy.may_read_missions(user):
        raise Forbidden()
    return user


def _may_create(user: User) -> bool:
    # Over no municipality yet: whether the user may make a mission at all (their scope's).
    return policy.may_create_mission(user, ())


def _form(user: User, mission: Mission | None = None, fixed: Collection[str] = ()) -> MissionForm:
    form = MissionForm(data=form_data(mission) if mission else None)
    places = services.placeable_municipalities(db.session, user)
    owners = services.possible_owners(db.session, user)
    if mission is not None:  # its own municipalities and owner stay on the form, in scope or not
        known = {m.id for m in places}
        missing = [m for m in mission.municipality_ids if m not in known]
        if missing:
            places += db.session.scalars(
                select(Municipality).where(Municipality.id.in_(missing))
            ).all()
        if mission.owner_id not in {u.id for u in owners}:
            owners.append(db.session.get_one(User, mission.owner_id))
        for name in fixed:  # shown, not posted: what the mission holds
            form[name].data = form_data(mission)[name]
    form.offer(places, owners)
    return form


def _rows(user: User) -> list[dict[str, Any]]:
    missions = db.session.scalars(services.visible_missions(user)).all()
    owners = dict(db.session.execute(select(User.id, User.full_name)).all())
    return [
        {
            "mission": m,
            "indicator": str(INDICATOR_LABELS[str(m.indicator)]),
            "target": value_text(m.target.target_value, str(m.indicator)),
            "by": m.target.target_by,
            "owner": owners.get(m.owner_id, ""),
            "may_change": policy.may_change_mission(user, m),
        }
        for m in missions
    ]


def _done(user: User, mission: Mission) -> ResponseReturnValue:
    flash(_l("The mission is saved."), "success")
    if policy.may_read_progress(user):
        return redirect(url_for(".mission_page", mission_id=mission.id))
    return redirect(url_for(".missions"))


def _saved(
    form: MissionForm, user: User, save: Callable[[], Mission]
) -> tuple[ResponseReturnValue | None, int]:
    """The service's answer to a valid form: on to the mission; or, refused, nothing written and
    each message beside its field, with the refusal's status. Not allowed stays a 403."""
    try:
        mission = save()
        db.session.commit()
        return _done(user, mission), 302
    except Forbidden:
        db.session.rollback()
        raise
    except DomainError as error:
        db.session.rollback()
        show_refusal(form, error.errors, error.message)
        return None, error.status_code


def _consequences(user: User, mission: Mission, body: dict[str, Any]) -> list[str]:
    """What the change does that cannot be undone: empty when nothing does."""
    lines = []
    current = mission.target
    if "target" in body and current.shown_in_report:
        lines.append(str(_l(
            "A report has shown target version %(v)s: the change becomes version %(n)s, and "
            "version %(v)s stays in the mission's history for good.",
            v=current.version, n=current.version + 1,
        )))  # fmt: skip
    if "owner_id" in body:
        after = cast(Mission, SimpleNamespace(
            owner_id=body["owner_id"], municipality_ids=mission.municipality_ids
        ))  # fmt: skip
        if not policy.may_change_mission(user, after):
            owner = db.session.get(User, body["owner_id"])
            lines.append(str(_l(
                "%(name)s becomes the owner: you can then no longer change the mission or "
                "record its decisions.",
                name=owner.full_name if owner else "",
            )))  # fmt: skip
    return lines


def _ask(mission: Mission, consequences: list[str]) -> ResponseReturnValue:
    fields = [
        (name, value)
        for name in request.form
        if name not in ("csrf_token", "confirmed")
        for value in request.form.getlist(name)
    ]
    return render_template(
        "missions/confirm.html",
        mission=mission,
        consequences=consequences,
        fields=fields,
        cancel_url=url_for(".edit_mission", mission_id=mission.id),
    )


def add_routes(blp: Blueprint) -> None:
    @blp.route("/missions")
    @login_required
    def missions() -> ResponseReturnValue:
        user = _reader()
        return render_template(
            "missions/index.html",
            rows=_rows(user),
            may_create=_may_create(user),
            may_read_progress=policy.may_read_progress(user),
        )

    @blp.route("/missions/new", methods=["GET", "POST"])
    @login_required
    def new_mission() -> ResponseReturnValue:
        user = _reader()
        if not _may_create(user):
            raise Forbidden()
        form = _form(user)
        status = 422 if form.is_submitted() else 200
        if form.validate_on_submit():
            done, status = _saved(
                form, user, lambda: services.create_mission(db.session, user, new_body(form))
            )
            if done is not None:
                return done
        return render_template("missions/edit.html", form=form, mission=None), status

    @blp.route("/missions/<id:mission_id>/edit", methods=["GET", "POST"])
    @login_required
    def edit_mission(mission_id: int) -> ResponseReturnValue:
        user = _reader()
        mission = services.mission_or_404(db.session, user, mission_id)
        if not policy.may_change_mission(user, mission):
            raise Forbidden()
        shown = any(version.shown_in_report for version in mission.targets)
        fixed = {"indicator", "municipality_ids"} if shown else set()
        if not _may_create(user):
            fixed.add("municipality_ids")  # an owner changes the rest, not where it counts
        form = _form(user, mission, fixed)
        status = 422 if form.is_submitted() else 200
        if form.validate_on_submit():
            body = changed_body(form, mission, fixed=fixed)
            consequences = _consequences(user, mission, body)
            if consequences and request.form.get("confirmed") != "yes":
                return _ask(mission, consequences)

            def change() -> Mission:  # nothing changed: nothing written, nothing audited
                return services.change_mission(db.session, user, mission, body) if body else mission

            done, status = _saved(form, user, change)
            if done is not None:
                return done
        return render_template(
            "missions/edit.html", form=form, mission=mission, fixed=fixed
        ), status
