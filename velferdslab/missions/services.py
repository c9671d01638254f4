"""Missions: made, changed and steered through the policy (velferdslab.policy.missions), audited
where they change; and their progress for a reader — the mission's figures and the lines per
municipality the reader may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm.attributes import flag_modified

from velferdslab import policy
from velferdslab.assumptions.services import get_set
from velferdslab.audit.log import record
from velferdslab.benefits.suppression import Suppression
from velferdslab.db import AnySession
from velferdslab.errors import Conflict, Forbidden, NotFound, Text, ValidationFailed
from velferdslab.missions import data, indicators
from velferdslab.missions.models import (
    Mission,
    MissionDecision,
    MissionDecisionKind,
    MissionIndicator,
    MissionMunicipality,
    MissionTarget,
)
from velferdslab.missions.progress import SHARE
from velferdslab.municipalities.models import Municipality
from velferdslab.users.models import User, UserRole
from velferdslab.vocabulary import Role


def visible_missions(user: User) -> Any:
    return select(Mission).where(policy.mission_filter(user)).order_by(Mission.name, Mission.id)


def mission_or_404(session: AnySession, user: User, mission_id: int) -> Mission:
    mission = session.scalars(
        select(Mission).where(Mission.id == mission_id, policy.mission_filter(user))
    ).one_or_none()
    if mission is None:
        raise NotFound()
    return mission


def _municipalities(session: AnySession, ids: list[int]) -> list[int]:
    unique = sorted(set(ids))
    if not unique:
        raise ValidationFailed(
            Text("A mission counts the families of one municipality or more."),
            {"municipality_ids": [Text("Name at least one municipality.")]},
        )
    found = set(session.scalars(select(Municipality.id).where(Municipality.id.in_(unique))))
    if found != set(unique):
        raise ValidationFailed(
            Text("No such municipality."), {"municipality_ids": [Text("No such municipality.")]}
        )
    return unique


def _owner(session: AnySession, owner_id: int) -> int:
    owner = session.get(User, owner_id)
    if owner is None or not policy.may_own_mission(owner):
        raise ValidationFailed(
            Text("The owner of a mission is an active leader."),
            {"owner_id": [Text("Not an active leader.")]},
        )
    return owner.id


def _check_target(values: dict[str, Any], indicator: str) -> None:
    errors: dict[str, list[str]] = {}
    if values["baseline_on"] >= values["target_by"]:
        errors["target"] = [Text("The target's date comes after the baseline's.")]
    for field in ("baseline_value", "target_value"):
        value = values.get(field)
        if value is None:
            continue
        if value < 0 or (indicator == SHARE and value > 1):
            name = field.split("_")[0]
            errors[name] = [
                Text("A share lies between 0 and 1.")
                if indicator == SHARE
                else Text("A count is 0 or more.")
            ]
    if errors:
        raise ValidationFailed(Text("The target does not hold together."), errors)


def offered_baseline(
    session: AnySession, user: User, indicator: str, municipality_ids: list[int], on: dt.date
) -> float:
    """The indicator's value at `on` over the municipalities' families, as a baseline to offer;
    a value the suppression rule would hide is not offered (422: give it yourself)."""
    families, assessments, _goals = data.load_tables(session, municipality_ids, on)
    assumption_set = get_set(session, None)
    rule = str(assumption_set.overall_rule)
    fs = indicators.family_set(families, assessments, on, municipality_ids)
    counts = indicators.count_at_quarters(fs, rule, [on])
    if indicator == MissionIndicator.LASTING_MOVES:
        lasting = indicators.lasting_moves(
            fs, assessments, rule, [on], sustain_months=assumption_set.sustain_months
        )
        count, whole = int(lasting.sum()), int(lasting.sum())
    elif indicator == SHARE:
        count, whole = int(counts.stable.sum()), int(counts.assessed.sum())
    else:
        count, whole = int(counts.enrolled.sum()), int(counts.enrolled.sum())
    rule_of = Suppression(
        policy.suppressed_portfolio(user), int(current_app.config["SUPPRESSION_THRESHOLD"])
    )
    if rule_of.small(count) or rule_of.small(whole) or rule_of.small(whole - count):
        raise ValidationFailed(
            Text("Too few families at that date to offer a baseline: give its value."),
            {"baseline": [Text("Give the value: the data would reveal a small group.")]},
        )
    if indicator == SHARE:
        return round(count / whole, 4) if whole else 0.0
    return float(count)


def _target_values(
    session: AnySession,
    user: User,
    indicator: str,
    municipality_ids: list[int],
    body: dict[str, Any],
) -> dict[str, Any]:
    baseline, target = body["baseline"], body["target"]
    values = {
        "baseline_value": baseline.get("value"),
        "baseline_on": baseline["on"],
        "target_value": target["value"],
        "target_by": target["by"],
    }
    _check_target(values, indicator)
    if values["baseline_value"] is None:
        values["baseline_value"] = offered_baseline(
            session, user, indicator, municipality_ids, values["baseline_on"]
        )
    return values


def create_mission(session: AnySession, user: User, body: dict[str, Any]) -> Mission:
    municipality_ids = _municipalities(session, body["municipality_ids"])
    if not policy.may_create_mission(user, municipality_ids):
        raise Forbidden()
    indicator = MissionIndicator(body["indicator"])
    owner_id = body.get("owner_id") or (user.id if policy.may_own_mission(user) else None)
    if owner_id is None:
        raise ValidationFailed(
            Text("Name the leader who owns the mission."), {"owner_id": [Text("Required.")]}
        )
    values = _target_values(session, user, indicator, municipality_ids, body)
    mission = Mission(
        name=body["name"],
        indicator=indicator,
        owner_id=_owner(session, owner_id),
        created_by=user.id,
        municipality_rows=[MissionMunicipality(municipality_id=m) for m in municipality_ids],
        targets=[MissionTarget(version=1, created_by=user.id, **values)],
    )
    session.add(mission)
    session.flush()
    record(session, "create", "mission", mission.id, details=describe(mission), user_id=user.id)
    return mission


def describe(mission: Mission) -> dict[str, Any]:
    target = mission.target
    return {
        "name": mission.name,
        "indicator": str(mission.indicator),
        "municipality_ids": mission.municipality_ids,
        "owner_id": mission.owner_id,
        "version": target.version,
        "baseline": {"value": target.baseline_value, "on": target.baseline_on.isoformat()},
        "target": {"value": target.target_value, "by": target.target_by.isoformat()},
    }


def _shown(mission: Mission) -> bool:
    return any(version.shown_in_report for version in mission.targets)


def change_mission(
    session: AnySession, user: User, mission: Mission, body: dict[str, Any]
) -> Mission:
    """Name and owner change freely; once a report showed the mission its indicator and
    municipalities do not (409: make a new mission), and a change of target adds a version."""
    if not policy.may_change_mission(user, mission):
        raise Forbidden()
    before = describe(mission)
    frozen = {"indicator", "municipality_ids"} & set(body)
    if frozen and _shown(mission):
        raise Conflict(
            Text("A report showed this mission: its indicator and municipalities stay."),
            {
                name: [Text("Fixed once shown in a report: create a new mission.")]
                for name in frozen
            },
        )
    if "name" in body:
        mission.name = body["name"]
    if "owner_id" in body:
        mission.owner_id = _owner(session, body["owner_id"])
    if "indicator" in body:
        mission.indicator = MissionIndicator(body["indicator"])
    if "municipality_ids" in body:
        ids = _municipalities(session, body["municipality_ids"])
        if not policy.may_create_mission(user, ids):
            raise Forbidden()
        mission.municipality_rows = [MissionMunicipality(municipality_id=m) for m in ids]
    if "baseline" in body or "target" in body:
        current = mission.target
        merged = {
            "baseline": body.get("baseline")
            or {"value": current.baseline_value, "on": current.baseline_on},
            "target": body.get("target")
            or {"value": current.target_value, "by": current.target_by},
        }
        set_target(session, user, mission, merged)
    _touched(mission)
    session.flush()
    record(
        session, "update", "mission", mission.id,
        details={"before": before, "after": describe(mission)}, user_id=user.id,
    )  # fmt: skip
    return mission


def set_target(
    session: AnySession, user: User, mission: Mission, body: dict[str, Any], *, new: bool = False
) -> MissionTarget:
    """The target in force changed in place while no report has shown it, else (or `new`) as a
    new version; every version stays."""
    values = _target_values(session, user, str(mission.indicator), mission.municipality_ids, body)
    current = mission.target
    if current.shown_in_report or new:
        version = MissionTarget(version=current.version + 1, created_by=user.id, **values)
        mission.targets.append(version)
        session.flush()
        return version
    for name, value in values.items():
        setattr(current, name, value)
    return current


def add_decision(
    session: AnySession, user: User, mission: Mission, body: dict[str, Any]
) -> MissionDecision:
    """A steering decision; an `adjust` may carry a new target, which becomes a new version."""
    if not policy.may_steer_mission(user, mission):
        raise Forbidden()
    kind = MissionDecisionKind(body["decision"])
    version = None
    if body.get("target") is not None:
        if kind != MissionDecisionKind.ADJUST:
            raise ValidationFailed(
                Text("Only an adjustment changes the target."),
                {"target": [Text("Give a new target with the decision adjust only.")]},
            )
        current = mission.target
        merged = {
            "baseline": body.get("baseline")
            or {"value": current.baseline_value, "on": current.baseline_on},
            "target": body["target"],
        }
        version = set_target(session, user, mission, merged, new=True).version
    decision = MissionDecision(
        mission_id=mission.id,
        decided_on=body.get("on") or dt.date.today(),
        decision=kind,
        note=body.get("note", ""),
        decided_by=user.id,
        target_version=version,
    )
    mission.decisions.append(decision)
    _touched(mission)
    session.flush()
    record(
        session, "decide", "mission", mission.id,
        details={"decision": kind.value, "on": decision.decided_on.isoformat(),
                 "target_version": version},
        user_id=user.id,
    )  # fmt: skip
    return decision


def _touched(mission: Mission) -> None:
    """A new target version or decision changes the mission as read (its ETag): its row is
    written again, so that its version moves on (a stale If-Match is then refused)."""
    flag_modified(mission, "name")


def mark_shown(mission: Mission) -> None:
    """A report showed the target in force: from now on a change of it is a new version."""
    mission.target.shown_in_report = True


def progress_for(
    session: AnySession, user: User, mission: Mission, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The mission's progress for this reader: the mission's figures, and the lines of the
    municipalities the reader may see, by name."""
    if not policy.may_read_progress(user):
        raise Forbidden()
    rule = Suppression(
        policy.suppressed_mission(user, mission), int(current_app.config["SUPPRESSION_THRESHOLD"])
    )
    assumption_set = get_set(session, None)
    figures = data.mission_progress(
        session,
        mission,
        as_of or dt.date.today(),
        rule,
        str(assumption_set.overall_rule),
        sustain_months=assumption_set.sustain_months,
    )
    shown = policy.visible_lines(user, mission)
    names = dict(
        session.execute(
            select(Municipality.id, Municipality.name).where(Municipality.id.in_(shown))
        ).all()
    )
    lines = [
        {**line, "municipality": names.get(line["municipality_id"])}
        for line in figures["by_municipality"]
        if line["municipality_id"] in shown
    ]
    lines.sort(key=lambda line: str(line["municipality"]))
    return {
        **figures,
        "by_municipality": lines,
        "mission_id": mission.id,
        "indicator": str(mission.indicator),
        "version": mission.target.version,
        "baseline": {"value": mission.target.baseline_value, "on": mission.target.baseline_on},
        "target": {"value": mission.target.target_value, "by": mission.target.target_by},
        "assumption_set": {"id": assumption_set.id, "name": assumption_set.name,
                           "version": assumption_set.version},
    }  # fmt: skip


def placeable_municipalities(session: AnySession, user: User) -> list[Municipality]:
    """The municipalities the user may name in a mission (the policy's scope), by name."""
    query = select(Municipality).order_by(Municipality.name)
    if user.municipality_id is not None:
        query = query.where(Municipality.id == user.municipality_id)
    return list(session.scalars(query))


def possible_owners(session: AnySession, user: User) -> list[User]:
    """The active leaders of the user's scope (and the regional ones), who may own a mission."""
    query = (
        select(User)
        .join(UserRole)
        .where(UserRole.role == Role.LEADER, User.active.is_(True))
        .order_by(User.full_name, User.id)
    )
    if user.municipality_id is not None:
        query = query.where(
            or_(User.municipality_id.is_(None), User.municipality_id == user.municipality_id)
        )
    return list(session.scalars(query))
