"""Builders for test data, shared by every test package: a municipality with agencies, users of
every role, families with a team, consent, budget and a trajectory, and a family with every kind
of user around it. Passwords are hashed once (argon2 is slow on purpose)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from velferdslab.assessments.models import Assessment
from velferdslab.audit.models import AuditEvent
from velferdslab.auth.tokens import issue_token
from velferdslab.budgets.models import Budget, Contribution
from velferdslab.db import AnySession
from velferdslab.families.models import Consent, ConsentAgency, Family, Member, TeamMembership
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.users.models import User, UserRole
from velferdslab.users.services import hash_password
from velferdslab.vocabulary import DOMAINS, FamilyStatus, Protection, Role, TeamRole

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}"


def make_municipality(session: AnySession, name: str | None = None) -> Municipality:
    n = next(_counter)
    municipality = Municipality(
        name=name or f"Testkommune {n}",
        number=f"{9000 + n % 999:04d}",
        reference_prefix=f"T{n % 9999:04d}"[:5],
    )
    session.add(municipality)
    session.flush()
    return municipality


def make_agency(
    session: AnySession, municipality: Municipality, kind: str = "nav", level: str = "state"
) -> Agency:
    agency = Agency(
        municipality_id=municipality.id,
        name=unique(f"{kind.upper()} "),
        kind=kind,
        government_level=level,
    )
    session.add(agency)
    session.flush()
    return agency


def make_user(
    session: AnySession,
    *roles: str,
    municipality: Municipality | None = None,
    agency: Agency | None = None,
    active: bool = True,
) -> User:
    user = User(
        username=unique("user"),
        full_name="Test Testesen",
        password_hash=password_hash(),
        municipality_id=municipality.id if municipality else None,
        agency_id=agency.id if agency else None,
        active=active,
        role_rows=[UserRole(role=Role(role)) for role in roles],
    )
    session.add(user)
    session.flush()
    return user


@dataclass
class Lab:
    """One municipality with two agencies and a user of every role."""

    municipality: Municipality
    nav: Agency
    housing: Agency
    lead: User
    member: User
    leader: User
    auditor: User
    admin: User
    families: list[Family] = field(default_factory=list)


def make_lab(session: AnySession) -> Lab:
    municipality = make_municipality(session)
    nav = make_agency(session, municipality, "nav", "state")
    housing = make_agency(session, municipality, "housing", "municipal")
    return Lab(
        municipality=municipality,
        nav=nav,
        housing=housing,
        lead=make_user(session, Role.INVESTMENT_LEAD, municipality=municipality, agency=housing),
        member=make_user(session, Role.TEAM_MEMBER, municipality=municipality, agency=nav),
        leader=make_user(session, Role.LEADER, municipality=municipality),
        auditor=make_user(session, Role.AUDITOR, municipality=municipality),
        admin=make_user(session, Role.ADMIN, municipality=municipality),
    )


def make_family(
    session: AnySession,
    lab: Lab,
    *,
    protection: str = Protection.NONE,
    consent: bool = True,
    member_mandate: Decimal = Decimal("10000"),
    budget: Decimal | None = Decimal("100000"),
    year: int | None = None,
    referred_on: dt.date = dt.date(2024, 1, 2),
) -> Family:
    """An active family led by lab.lead, with lab.member on its team (agency NAV)."""
    number = next(_counter)
    family = Family(
        municipality_id=lab.municipality.id,
        reference=f"{lab.municipality.reference_prefix}-{referred_on.year}-{number:04d}",
        reference_year=referred_on.year,
        reference_number=number,
        status=FamilyStatus.ACTIVE,
        referred_on=referred_on,
        enrolled_on=referred_on + dt.timedelta(days=14),
        investment_lead_id=lab.lead.id,
        protection=Protection(protection),
        members=[Member(full_name="Kari Nordmann", relation="parent")],
    )
    session.add(family)
    session.flush()
    session.add_all(
        [
            TeamMembership(
                family_id=family.id,
                user_id=lab.lead.id,
                agency_id=lab.housing.id,
                team_role=TeamRole.LEAD,
                mandate_nok=Decimal("50000"),
                joined_on=referred_on,
            ),
            TeamMembership(
                family_id=family.id,
                user_id=lab.member.id,
                agency_id=lab.nav.id,
                team_role=TeamRole.MEMBER,
                mandate_nok=member_mandate,
                joined_on=referred_on,
            ),
        ]
    )
    if consent:
        session.add(
            Consent(
                family_id=family.id,
                given_on=referred_on,
                agency_rows=[
                    ConsentAgency(agency_id=lab.nav.id),
                    ConsentAgency(agency_id=lab.housing.id),
                ],
            )
        )
    if budget is not None:
        session.add(
            Budget(
                family_id=family.id,
                year=year or dt.date.today().year,
                amount=budget,
                contributions=[Contribution(agency_id=lab.nav.id, amount=budget)],
            )
        )
    session.flush()
    lab.families.append(family)
    return family


def add_assessment(
    session: AnySession,
    family: Family,
    assessed_on: dt.date,
    overall: int | None = None,
    **levels: int | None,
) -> Assessment:
    assessment = Assessment(family_id=family.id, assessed_on=assessed_on, rationale={})
    assessment.set_levels({d: levels.get(d) for d in DOMAINS})
    assessed = [v for v in levels.values() if v is not None]
    assessment.overall = overall if overall is not None else (min(assessed) if assessed else None)
    session.add(assessment)
    session.flush()
    return assessment


def token_for(client: FlaskClient, user: User) -> str:
    response = client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["access_token"])


def auth(session: AnySession, user: User) -> dict[str, str]:
    """Headers with a fresh token, issued directly (logging in through the API is tested once).
    `If-Match: *` states that the test's changes overwrite on purpose (a PATCH without If-Match
    is a 428); tests of the precondition send their own If-Match, or none."""
    return {"Authorization": f"Bearer {issue_token(session, user, 3600)}", "If-Match": "*"}


def json_of(response: Any) -> Any:
    return response.get_json()


# --- a family with every kind of user around it (the family sub-resource tests) ---

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
