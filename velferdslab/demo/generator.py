"""Generate a deterministic demo programme: municipalities, agencies, staff, families with teams,
consents, plans, budgets, spending, quarterly assessments and notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from velferdslab.db import AnySession
from velferdslab.demo import casework, journeys, money, people
from velferdslab.demo.reference import (
    AGENCIES,
    FIRST_NAMES_F,
    MUNICIPALITIES,
    SURNAMES,
)
from velferdslab.demo.writer import next_ids, write
from velferdslab.users.services import hash_password

# (username, password, roles, regional): one demo user for every role; printed by `make run`.
DEMO_LOGINS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    ("admin", "demo-admin-2026", ("admin",), True),
    ("lead", "demo-lead-2026", ("investment_lead",), False),
    ("member", "demo-member-2026", ("team_member",), False),
    ("leader", "demo-leader-2026", ("leader",), False),
    ("auditor", "demo-auditor-2026", ("auditor",), False),
    ("region", "demo-region-2026", ("leader",), True),
)
DEMO_EMAIL_DOMAIN = "demo.velferdslab.no"  # every demo user's e-mail: how `make run` knows them
STAFF_PASSWORD = "demo-staff-2026"  # noqa: S105  (demo data: every generated staff user)
TABLES = (
    "municipality",
    "agency",
    "user_account",
    "family",
    "family_member",
    "consent",
    "team_membership",
    "goal",
    "measure",
    "budget",
    "contribution",
    "expenditure",
    "assessment",
    "progress_note",
)


@dataclass
class DemoSummary:
    rows: dict[str, int] = field(default_factory=dict)
    logins: tuple[tuple[str, str, tuple[str, ...], bool], ...] = DEMO_LOGINS


@dataclass
class Staff:
    leads: list[tuple[int, int]]  # (user, agency)
    members: list[tuple[int, int]]
    demo_member: int | None = None


class Builder:
    def __init__(self, session: AnySession, seed: int, today: dt.date, workload: str) -> None:
        self.rng = np.random.default_rng(seed)
        # "national": the benchmark workload of the quality spec, every family 2–4 years in.
        self.national = workload == "national"
        self.today = today
        self.ids = next_ids(session, TABLES)
        self.rows: dict[str, list[dict[str, Any]]] = {
            t: [] for t in (*TABLES, "user_role", "consent_agency")
        }
        self.hashes = {STAFF_PASSWORD: hash_password(STAFF_PASSWORD)}
        self.numbers: dict[tuple[int, int], int] = {}  # (municipality, year) → last reference

    def take(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] += 1
        return value

    def add(self, table: str, **row: Any) -> int:
        row.setdefault("id", self.take(table))
        self.rows[table].append(row)
        return int(row["id"])

    def user(
        self,
        username: str,
        full_name: str,
        roles: tuple[str, ...],
        municipality: int | None,
        agency: int | None,
        password: str = STAFF_PASSWORD,
    ) -> int:
        if password not in self.hashes:
            self.hashes[password] = hash_password(password)
        user_id = self.add(
            "user_account",
            username=username,
            full_name=full_name,
            email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            password_hash=self.hashes[password],
            agency_id=agency,
            municipality_id=municipality,
            active=True,
        )
        for role in roles:
            self.rows["user_role"].append({"user_id": user_id, "role": role})
        return user_id


def generate(
    session: AnySession,
    *,
    families: int,
    municipalities: int,
    seed: int,
    today: dt.date | None = None,
    workload: str = "demo",
) -> DemoSummary:
    if not 1 <= municipalities <= len(MUNICIPALITIES):
        raise ValueError(f"--municipalities must be 1 to {len(MUNICIPALITIES)} (real ones only).")
    builder = Builder(session, seed, today or dt.date.today(), workload)
    per_municipality = np.array_split(np.arange(families), municipalities)
    for index, (name, number, prefix) in enumerate(MUNICIPALITIES[:municipalities]):
        municipality = builder.add(
            "municipality", name=name, number=number, reference_prefix=prefix
        )
        agencies = {
            kind: builder.add(
                "agency",
                municipality_id=municipality,
                name=pattern.format(m=name),
                kind=kind,
                government_level=level,
            )
            for kind, level, pattern in AGENCIES
        }
        staff = _staff(builder, municipality, agencies, demo=index == 0)
        for position, _ in enumerate(per_municipality[index]):
            showcase = index == 0 and position == 0
            _family(builder, municipality, prefix, agencies, staff, showcase)
    _regional_users(builder)
    write(session, builder.rows)
    session.flush()
    return DemoSummary(rows={t: len(r) for t, r in builder.rows.items()})


def _staff(builder: Builder, municipality: int, agencies: dict[str, int], demo: bool) -> Staff:
    rng = builder.rng

    def name() -> str:
        return f"{rng.choice(FIRST_NAMES_F)} {rng.choice(SURNAMES)}"

    tag = f"m{municipality}"
    leads = [
        (
            builder.user(
                f"{tag}-lead{i}", name(), ("investment_lead",), municipality, agencies["housing"]
            ),
            agencies["housing"],
        )
        for i in range(2)
    ]
    kinds = [k for k in agencies if k != "housing"]
    members = [
        (
            builder.user(
                f"{tag}-member{i}",
                name(),
                ("team_member",),
                municipality,
                agencies[kinds[i % len(kinds)]],
            ),
            agencies[kinds[i % len(kinds)]],
        )
        for i in range(10)
    ]
    builder.user(f"{tag}-leader", name(), ("leader",), municipality, None)
    builder.user(f"{tag}-auditor", name(), ("auditor",), municipality, None)
    staff = Staff(leads, members)
    if demo:
        logins = {login[0]: login for login in DEMO_LOGINS}
        for username, kind in (("lead", "housing"), ("member", "nav")):
            _, password, roles, _ = logins[username]
            user = builder.user(
                username, f"Demo {name()}", roles, municipality, agencies[kind], password
            )
            (staff.leads if kind == "housing" else staff.members).insert(0, (user, agencies[kind]))
        staff.demo_member = staff.members[0][0]
        for username in ("leader", "auditor"):
            _, password, roles, _ = logins[username]
            builder.user(username, f"Demo {name()}", roles, municipality, None, password)
    return staff


def _regional_users(builder: Builder) -> None:
    for username, password, roles, regional in DEMO_LOGINS:
        if regional:
            builder.user(username, f"Demo {username}", roles, None, None, password)


def _status(rng: np.random.Generator, national: bool) -> str:
    weights = [0.88, 0.0, 0.12, 0.0] if national else [0.7, 0.08, 0.14, 0.08]
    return str(rng.choice(["active", "referred", "concluded", "withdrawn"], p=weights))


def _family(
    builder: Builder,
    municipality: int,
    prefix: str,
    agencies: dict[str, int],
    staff: Staff,
    showcase: bool = False,
) -> None:
    """showcase: the demo logins' family (DEMO_FAMILY): active, led by the demo lead with the demo
    team member in its team, and a member with a national id for the access-request walk."""
    rng, today = builder.rng, builder.today
    status = "active" if showcase else _status(rng, builder.national)
    long_journey = showcase or builder.national or rng.random() < 0.75
    years_back = rng.uniform(2.1, 4.1) if long_journey else rng.uniform(0.3, 2.0)
    referred = today - dt.timedelta(days=int(years_back * 365))
    if status == "referred":
        referred = today - dt.timedelta(days=int(rng.integers(3, 60)))
    enrolled = (
        None if status == "referred" else referred + dt.timedelta(days=int(rng.integers(14, 60)))
    )
    end = today
    if status in ("concluded", "withdrawn") and enrolled is not None:
        low = 2.0 if builder.national else 1.5
        length = (365 * rng.uniform(low, 3.0)) if status == "concluded" else rng.integers(60, 300)
        end = min(today - dt.timedelta(days=7), enrolled + dt.timedelta(days=int(length)))
        end = max(end, enrolled)
    key = (municipality, referred.year)
    number = builder.numbers[key] = builder.numbers.get(key, 0) + 1
    lead_id, lead_agency = staff.leads[0 if showcase else int(rng.integers(0, len(staff.leads)))]
    protection = str(
        rng.choice(["none", "confidential", "strictly_confidential"], p=[0.95, 0.04, 0.01])
    )
    protection = "none" if showcase else protection
    family = builder.add(
        "family",
        municipality_id=municipality,
        reference=f"{prefix}-{referred.year}-{number:04d}",
        reference_year=referred.year,
        reference_number=number,
        status=status,
        referred_on=referred,
        enrolled_on=enrolled,
        concluded_on=end if status in ("concluded", "withdrawn") else None,
        investment_lead_id=lead_id,
        protection=protection,
        own_goals="Egen bolig og fast jobb.",
        dreams="At barna skal ha venner og trives.",
        version=1,
    )
    has_children = rng.random() < 0.7
    first_member = builder.ids["family_member"]
    for row in people.members(rng, family, first_member, today, has_children, showcase):
        builder.add("family_member", **row)
    if enrolled is None:
        return
    team = _team(builder, family, enrolled, lead_id, lead_agency, staff, showcase)
    team.kinds = {agency_id: kind for kind, agency_id in agencies.items()}
    _consent(builder, family, enrolled, team.agencies)
    plan = journeys.readings(
        rng, enrolled, end, has_children=has_children, relapser=rng.random() < 0.15
    )
    assessors = [lead_id] + [m[0] for m in team.members]
    for row in journeys.assessment_rows(rng, family, builder.ids["assessment"], plan, assessors):
        builder.add("assessment", **row)
    casework.goals_and_measures(
        builder.add, rng, builder.today, family, enrolled, plan[0][1] if plan else {}, assessors
    )
    budgets, contributions, by_year = money.budget_rows(
        rng, family, builder.ids, list(range(enrolled.year, end.year + 1)), team
    )
    builder.rows["budget"].extend(budgets)
    builder.rows["contribution"].extend(contributions)
    builder.rows["expenditure"].extend(
        money.expenditure_rows(
            rng,
            family,
            builder.ids,
            enrolled,
            end,
            team,
            by_year,
            now=dt.datetime.combine(today, dt.time(15), tzinfo=dt.UTC),
        )
    )
    casework.notes(builder.add, rng, family, enrolled, end, assessors)


def _team(
    builder: Builder,
    family: int,
    joined: dt.date,
    lead_id: int,
    lead_agency: int,
    staff: Staff,
    showcase: bool,
) -> money.Team:
    rng = builder.rng
    size = int(rng.integers(2, 5))
    picked = list(rng.choice(len(staff.members), size=size, replace=False))
    if staff.demo_member is not None and 0 not in picked and (showcase or rng.random() < 0.5):
        picked[0] = 0  # the demo team member works with many of the demo municipality's families
    team = money.Team(
        lead_id, lead_agency, [(lead_id, lead_agency, Decimal(50_000))], [lead_agency]
    )
    builder.add(
        "team_membership",
        family_id=family,
        user_id=lead_id,
        agency_id=lead_agency,
        team_role="lead",
        mandate_nok=Decimal(50_000),
        joined_on=joined,
        left_on=None,
        version=1,
    )
    for index in picked:
        user, agency = staff.members[int(index)]
        mandate = Decimal(int(rng.integers(1, 11)) * 5_000)
        builder.add(
            "team_membership",
            family_id=family,
            user_id=user,
            agency_id=agency,
            team_role="member",
            mandate_nok=mandate,
            joined_on=joined,
            left_on=None,
            version=1,
        )
        team.members.append((user, agency, mandate))
        if agency not in team.agencies:
            team.agencies.append(agency)
    return team


def _consent(builder: Builder, family: int, given: dt.date, agencies: list[int]) -> None:
    rng, today = builder.rng, builder.today
    draw = rng.random()
    withdrawn = today - dt.timedelta(days=int(rng.integers(1, 30))) if draw < 0.04 else None
    expires = given + dt.timedelta(days=365) if 0.04 <= draw < 0.07 else None
    if withdrawn is not None and withdrawn < given:
        withdrawn = given
    if expires is not None and expires > today:
        expires = None
    consent = builder.add(
        "consent",
        family_id=family,
        given_on=given,
        expires_on=expires,
        withdrawn_on=withdrawn,
        scope="Deling mellom teamets virksomheter.",
        recorded_by=None,
        version=1,
    )
    for agency in agencies:
        builder.rows["consent_agency"].append({"consent_id": consent, "agency_id": agency})
