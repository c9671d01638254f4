"""Shared pieces of the family sub-resource tests: a family with every kind of user around it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.factories import Lab, auth, make_agency, make_family, make_lab, make_user
from velferdslab.audit.models import AuditEvent
from velferdslab.families.models import Family, TeamMembership
from velferdslab.users.models import User
from velferdslab.vocabulary import Role, TeamRole

TODAY = dt.date.today()


@dataclass
class Setting:
    """lab.lead leads `family`; lab.member is on its team for NAV under the family's consent;
    `unconsented` is on the team for an agency the consent does not name; `foreign` is a lead
    of another municipality."""

    lab: Lab
    family: Family
    unconsented: User
    foreign: User

    def users(self) -> dict[str, User]:
        lab = self.lab
        return {
            "lead": lab.lead,
            "member": lab.member,
            "unconsented": self.unconsented,
            "auditor": lab.auditor,
            "admin": lab.admin,
            "leader": lab.leader,
            "foreign": self.foreign,
        }


def setting(db: scoped_session, **family_options: Any) -> Setting:
    lab = make_lab(db)
    family = make_family(db, lab, **family_options)
    school = make_agency(db, lab.municipality, "school", "municipal")
    unconsented = make_user(db, Role.TEAM_MEMBER, municipality=lab.municipality, agency=school)
    db.add(
        TeamMembership(
            family_id=family.id, user_id=unconsented.id, agency_id=school.id,
            team_role=TeamRole.MEMBER, mandate_nok=5000, joined_on=family.referred_on,
        )
    )  # fmt: skip
    elsewhere = make_lab(db)
    db.flush()
    return Setting(lab, family, unconsented, elsewhere.lead)


def url(family: Family | int, tail: str = "") -> str:
    family_id = family if isinstance(family, int) else family.id
    return f"/api/v1/families/{family_id}{tail}"


def events_of(db: scoped_session, family_id: int, entity: str) -> list[tuple[str, int | None]]:
    """(action, user) of the audit events about the family's records of one kind."""
    db.expire_all()
    rows = db.execute(
        select(AuditEvent.action, AuditEvent.user_id)
        .where(AuditEvent.family_id == family_id, AuditEvent.entity == entity)
        .order_by(AuditEvent.id)
    ).all()
    return [(row.action, row.user_id) for row in rows]


def statuses(
    client: FlaskClient, db: scoped_session, s: Setting, method: str, path: str, body: Any = None
) -> dict[str, int]:
    """The status each user gets for one call (the lead last: its writes must not hide others)."""
    users = s.users()
    order = [name for name in users if name != "lead"] + ["lead"]
    return {
        name: client.open(path, method=method, json=body, headers=auth(db, users[name])).status_code
        for name in order
    }


def only(allowed: set[str], ok: int = 200) -> dict[str, int]:
    """What `statuses` should give: `ok` for the allowed users, 404 for all the others."""
    names = ("member", "unconsented", "auditor", "admin", "leader", "foreign", "lead")
    return {name: ok if name in allowed else 404 for name in names}
