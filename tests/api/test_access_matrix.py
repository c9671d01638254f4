"""Bar R2: every operation of the OpenAPI document × every role × own / other / foreign family,
compared with the role table of the domain spec. A record one may not see is a 404; a role that
lacks a collection-level permission gets 403. A new operation missing from EXPECTED fails here."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import time
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, make_family, make_lab, make_user
from velferdslab.api.core import RULE_PARAMETER
from velferdslab.assumptions.services import DEFAULT_FILE, default_set
from velferdslab.benefits.params import load_toml, to_dict
from velferdslab.budgets.models import Budget, Expenditure
from velferdslab.evidence.models import ComparisonCohort, Preregistration
from velferdslab.families.models import Consent, Member, TeamMembership
from velferdslab.imports.models import ImportRun
from velferdslab.missions.models import Mission, MissionMunicipality, MissionTarget
from velferdslab.plans.models import Goal, Measure
from velferdslab.reports.models import IssuedReport
from velferdslab.vocabulary import ReportKind, Role

# The lead last: its successful writes (a deletion, an approval) must not hide a denial.
ROLES = ("member", "leader", "auditor", "admin", "lead")
TARGETS = ("own", "other", "foreign")
ALL = frozenset(ROLES)


def on(**grants: str) -> dict[str, frozenset[str]]:
    """role → the targets it may reach, e.g. on(lead="own", auditor="own other")."""
    return {role: frozenset(targets.split()) for role, targets in grants.items()}


FAMILY_READ = on(lead="own", member="own", auditor="own other", admin="own other")
TEAM_WORK = on(lead="own", member="own")
AUDITABLE = on(lead="own", member="own", auditor="own other")
LEAD_AND_AUDITOR = on(lead="own", auditor="own other")
EVIDENCE_READERS = frozenset({"leader", "lead", "auditor", "admin"})

# (method, path) → frozenset of roles (collection) or {role: targets} (family records)
EXPECTED: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/auth/token"): "public",
    ("POST", "/api/v1/auth/revoke"): ALL,
    ("GET", "/api/v1/families"): frozenset({"lead", "member", "auditor", "admin"}),
    ("POST", "/api/v1/families"): frozenset({"lead"}),
    ("GET", "/api/v1/families/{family_id}"): FAMILY_READ,
    ("PATCH", "/api/v1/families/{family_id}"): on(lead="own"),
    ("GET", "/api/v1/families/{family_id}/assessments"): TEAM_WORK,
    ("POST", "/api/v1/families/{family_id}/assessments"): TEAM_WORK,
    ("GET", "/api/v1/families/{family_id}/assessments/{assessment_id}"): TEAM_WORK,
    ("PATCH", "/api/v1/families/{family_id}/assessments/{assessment_id}"): TEAM_WORK,
    ("GET", "/api/v1/families/{family_id}/trajectory"): AUDITABLE,
    ("GET", "/api/v1/families/{family_id}/notes"): TEAM_WORK,
    ("POST", "/api/v1/families/{family_id}/notes"): TEAM_WORK,
    ("GET", "/api/v1/families/{family_id}/access-log"): LEAD_AND_AUDITOR,
    ("GET", "/api/v1/families/{family_id}/archive"): on(lead="own", admin="own other"),
    ("GET", "/api/v1/families/{family_id}/gains"): LEAD_AND_AUDITOR,
    ("GET", "/api/v1/families/{family_id}/gains/forecast"): LEAD_AND_AUDITOR,
    ("GET", "/api/v1/audit-events"): frozenset({"auditor", "admin"}),
    ("GET", "/api/v1/reports/portfolio"): frozenset({"leader", "auditor"}),
    ("GET", "/api/v1/reports/portfolio.xlsx"): frozenset({"leader", "auditor"}),
    # Body: a portfolio report. The report in the path is a portfolio report the auditor
    # issued (unsuppressed): the auditor's alone, a 404 for everyone else.
    ("POST", "/api/v1/reports"): frozenset({"leader", "auditor"}),
    ("GET", "/api/v1/reports"): ALL,
    ("GET", "/api/v1/reports/{report_id}"): frozenset({"auditor"}),
    ("GET", "/api/v1/reports/{report_id}/pdf"): frozenset({"auditor"}),
    ("POST", "/api/v1/reports/verify"): ALL,
    ("GET", "/api/v1/assumption-sets"): ALL,
    ("POST", "/api/v1/assumption-sets"): frozenset({"admin"}),
    ("GET", "/api/v1/assumption-sets/{set_id}"): ALL,
    ("PATCH", "/api/v1/assumption-sets/{set_id}"): frozenset({"admin"}),
    ("GET", "/api/v1/level-descriptions"): ALL,
    ("PUT", "/api/v1/level-descriptions/{domain}/{level}/{language}"): frozenset({"admin"}),
    ("GET", "/api/v1/municipalities"): ALL,
    ("POST", "/api/v1/municipalities"): frozenset(),  # a regional admin's task
    ("GET", "/api/v1/municipalities/{municipality_id}"): ALL,
    ("PATCH", "/api/v1/municipalities/{municipality_id}"): frozenset({"admin"}),
    ("GET", "/api/v1/agencies"): ALL,
    ("POST", "/api/v1/agencies"): frozenset({"admin"}),
    ("GET", "/api/v1/agencies/{agency_id}"): ALL,
    ("PATCH", "/api/v1/agencies/{agency_id}"): frozenset({"admin"}),
    ("GET", "/api/v1/users"): frozenset({"admin", "lead", "auditor"}),
    ("POST", "/api/v1/users"): frozenset({"admin"}),
    ("GET", "/api/v1/users/{user_id}"): frozenset({"admin", "lead", "auditor"}),
    ("PATCH", "/api/v1/users/{user_id}"): frozenset({"admin"}),
    ("GET", "/api/v1/families/{family_id}/members"): TEAM_WORK,
    ("POST", "/api/v1/families/{family_id}/members"): on(lead="own"),
    ("GET", "/api/v1/families/{family_id}/members/{member_id}"): TEAM_WORK,
    ("PATCH", "/api/v1/families/{family_id}/members/{member_id}"): on(lead="own"),
    ("DELETE", "/api/v1/families/{family_id}/members/{member_id}"): on(lead="own"),
    ("GET", "/api/v1/families/{family_id}/consents"): on(lead="own"),
    ("POST", "/api/v1/families/{family_id}/consents"): on(lead="own"),
    ("PATCH", "/api/v1/families/{family_id}/consents/{consent_id}"): on(lead="own"),
    ("GET", "/api/v1/families/{family_id}/team"): TEAM_WORK,
    ("POST", "/api/v1/families/{family_id}/team"): on(lead="own"),
    ("PATCH", "/api/v1/families/{family_id}/team/{membership_id}"): on(lead="own"),
    ("DELETE", "/api/v1/families/{family_id}/team/{membership_id}"): on(lead="own"),
    ("GET", "/api/v1/families/{family_id}/goals"): TEAM_WORK,
    ("POST", "/api/v1/families/{family_id}/goals"): on(lead="own"),
    ("PATCH", "/api/v1/families/{family_id}/goals/{goal_id}"): on(lead="own"),
    ("GET", "/api/v1/families/{family_id}/measures"): TEAM_WORK,
    ("POST", "/api/v1/families/{family_id}/measures"): TEAM_WORK,
    ("PATCH", "/api/v1/families/{family_id}/measures/{measure_id}"): TEAM_WORK,
    ("GET", "/api/v1/families/{family_id}/budgets"): AUDITABLE,
    ("POST", "/api/v1/families/{family_id}/budgets"): on(lead="own"),
    ("PATCH", "/api/v1/families/{family_id}/budgets/{budget_id}"): on(lead="own"),
    ("GET", "/api/v1/families/{family_id}/expenditures"): AUDITABLE,
    ("POST", "/api/v1/families/{family_id}/expenditures"): TEAM_WORK,
    ("GET", "/api/v1/families/{family_id}/expenditures/{expenditure_id}"): AUDITABLE,
    ("POST", "/api/v1/families/{family_id}/expenditures/{expenditure_id}/approve"): on(lead="own"),
    ("POST", "/api/v1/families/{family_id}/expenditures/{expenditure_id}/reject"): on(lead="own"),
    ("GET", "/api/v1/families/{family_id}/spending-limits"): TEAM_WORK,
    ("POST", "/api/v1/imports"): frozenset({"lead", "admin"}),
    # the history and reports: the auditor of the municipality too (issue 25)
    ("GET", "/api/v1/imports"): frozenset({"lead", "admin", "auditor"}),
    ("GET", "/api/v1/imports/{import_id}"): frozenset({"lead", "admin", "auditor"}),
    # the refused rows as typed (names): not the admin
    ("GET", "/api/v1/imports/{import_id}/rejected-rows"): frozenset({"lead", "auditor"}),
    ("POST", "/api/v1/imports/{import_id}/cancel"): frozenset({"lead", "admin"}),
    ("GET", "/api/v1/imports/template"): frozenset({"lead", "admin"}),
    # The evidence (issue 28): aggregates and pseudonymous cohorts of the user's municipality.
    ("GET", "/api/v1/evidence"): EVIDENCE_READERS,
    ("POST", "/api/v1/cohorts"): frozenset({"lead", "admin"}),
    ("GET", "/api/v1/cohorts"): EVIDENCE_READERS,
    ("GET", "/api/v1/cohorts/{cohort_id}"): EVIDENCE_READERS,
    ("GET", "/api/v1/preregistrations"): EVIDENCE_READERS,
    ("POST", "/api/v1/preregistrations"): frozenset({"leader", "lead"}),
    ("GET", "/api/v1/preregistrations/{registration_id}"): EVIDENCE_READERS,
    # A mission over the lab's municipality, owned by its (municipal) leader: a municipal admin
    # creates one over their own municipality, a municipal leader none (a regional one would).
    ("GET", "/api/v1/missions"): frozenset({"leader", "auditor", "admin"}),
    ("POST", "/api/v1/missions"): frozenset({"admin"}),
    ("GET", "/api/v1/missions/{mission_id}"): frozenset({"leader", "auditor", "admin"}),
    ("PATCH", "/api/v1/missions/{mission_id}"): frozenset({"leader", "admin"}),
    ("POST", "/api/v1/missions/{mission_id}/decisions"): frozenset({"leader"}),
    ("GET", "/api/v1/missions/{mission_id}/progress"): frozenset({"leader", "auditor"}),
}

BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/api/v1/families"): {"referred_on": "2025-01-01"},
    ("PATCH", "/api/v1/families/{family_id}"): {"protection": "none"},
    ("POST", "/api/v1/families/{family_id}/assessments"): {
        "assessed_on": "2025-01-02", "levels": {"housing": "stable"}},
    ("PATCH", "/api/v1/families/{family_id}/assessments/{assessment_id}"): {
        "rationale": {"housing": "Oppdatert"}},
    ("POST", "/api/v1/families/{family_id}/notes"): {"text": "Notat fra møtet"},
    ("PATCH", "/api/v1/assumption-sets/{set_id}"): {"description": "Kommentar"},
    ("POST", "/api/v1/reports"): {"kind": "portfolio"},
    ("POST", "/api/v1/municipalities"): {"name": "Nykommune", "number": "9990",
                                         "reference_prefix": "NYK"},
    ("PATCH", "/api/v1/municipalities/{municipality_id}"): {"name": "Nytt navn kommune"},
    ("PATCH", "/api/v1/agencies/{agency_id}"): {"name": "Nytt etatsnavn"},
    ("PATCH", "/api/v1/users/{user_id}"): {"full_name": "Nytt Navn"},
    ("PUT", "/api/v1/level-descriptions/{domain}/{level}/{language}"): {"text": "Egen hjelpetekst"},
    ("POST", "/api/v1/families/{family_id}/members"): {"full_name": "Per", "relation": "child"},
    ("PATCH", "/api/v1/families/{family_id}/members/{member_id}"): {"full_name": "Per Olsen"},
    ("PATCH", "/api/v1/families/{family_id}/consents/{consent_id}"): {"scope": "Oppdatert"},
    ("PATCH", "/api/v1/families/{family_id}/team/{membership_id}"): {"mandate_nok": 2000},
    ("POST", "/api/v1/families/{family_id}/goals"): {"domain": "housing", "target_level": "stable"},
    ("PATCH", "/api/v1/families/{family_id}/goals/{goal_id}"): {"description": "Justert"},
    ("POST", "/api/v1/families/{family_id}/measures"): {"description": "Leksehjelp"},
    ("PATCH", "/api/v1/families/{family_id}/measures/{measure_id}"): {"status": "done"},
    ("POST", "/api/v1/families/{family_id}/budgets"): {"year": 2031, "amount": 1000},
    ("PATCH", "/api/v1/families/{family_id}/budgets/{budget_id}"): {"amount": 200000},
    ("POST", "/api/v1/families/{family_id}/expenditures/{expenditure_id}/approve"): {},
    ("POST", "/api/v1/families/{family_id}/expenditures/{expenditure_id}/reject"): {},
    ("POST", "/api/v1/preregistrations"): {
        "indicator": "share_stable_or_better", "baseline_on": "2025-03-31",
        "horizon_on": "2025-12-31", "targets": [{"value": 0.1, "by": "2025-12-31"}]},
    ("PATCH", "/api/v1/missions/{mission_id}"): {"name": "Nytt oppdrag"},
    ("POST", "/api/v1/missions/{mission_id}/decisions"): {"decision": "continue"},
}  # fmt: skip


def operations(app: Flask) -> set[tuple[str, str]]:
    with app.test_request_context():
        spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return {
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        for method in ops
        if method in ("get", "post", "patch", "put", "delete") and path.startswith("/api/v1/")
    }  # the probes (/healthz) need no role: they are documented for operators, not in this table


def test_every_operation_has_an_entry_in_the_role_table(app: Flask) -> None:
    assert operations(app) == set(EXPECTED)


@dataclass
class World:
    users: dict[str, Any]
    families: dict[str, Any]
    ids: dict[str, dict[str, Any]]  # path parameter → target → value
    lab: Any


@pytest.fixture
def world(db: scoped_session) -> World:
    lab = make_lab(db)
    own = make_family(db, lab)
    other_lead = make_user(
        db, Role.INVESTMENT_LEAD, municipality=lab.municipality, agency=lab.housing
    )
    other = make_family(db, lab)
    other.investment_lead_id = other_lead.id
    # Another lead's family: neither our lead nor our member is on its team.
    db.execute(delete(TeamMembership).where(TeamMembership.family_id == other.id))
    elsewhere = make_lab(db)
    foreign = make_family(db, elsewhere)
    families = {"own": own, "other": other, "foreign": foreign}
    db.add(
        TeamMembership(
            family_id=other.id,
            user_id=other_lead.id,
            agency_id=lab.housing.id,
            team_role="lead",
            mandate_nok=0,
            joined_on=dt.date(2024, 1, 2),
        )
    )
    ids: dict[str, dict[str, Any]] = {}
    for name, family in families.items():
        records = _records(db, family, lab.member.id if name == "own" else None)
        for parameter, value in records.items():
            ids.setdefault(parameter, {})[name] = value
    set_id = default_set(db).id
    for parameter, value in (
        ("set_id", set_id),
        ("municipality_id", lab.municipality.id),
        ("agency_id", lab.nav.id),
        ("user_id", lab.member.id),
        ("domain", "housing"),
        ("level", "stable"),
        ("language", "nb"),
        ("report_id", _issued_report(db, lab).id),
        ("import_id", _import_run(db, lab).id),
        ("cohort_id", _cohort(db, lab).id),
        ("registration_id", _registration(db, lab).id),
        ("mission_id", _mission(db, lab).id),
    ):
        ids[parameter] = dict.fromkeys(TARGETS, value)
    users = {
        "lead": lab.lead,
        "member": lab.member,
        "leader": lab.leader,
        "auditor": lab.auditor,
        "admin": lab.admin,
    }
    db.flush()
    return World(users, families, ids, lab)


def _issued_report(db: scoped_session, lab: Any) -> IssuedReport:
    pdf = b"%PDF-1.7 a report"
    report = IssuedReport(
        kind=ReportKind.PORTFOLIO, municipality_id=lab.municipality.id, parameters={},
        issued_by=lab.auditor.id, status="ready", progress=100, pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )  # fmt: skip
    db.add(report)
    db.flush()
    return report


def _mission(db: scoped_session, lab: Any) -> Mission:
    mission = Mission(
        name="Oppdrag", indicator="share_stable_or_better", owner_id=lab.leader.id,
        created_by=lab.admin.id,
        municipality_rows=[MissionMunicipality(municipality_id=lab.municipality.id)],
        targets=[MissionTarget(version=1, baseline_value=0.1, baseline_on=dt.date(2024, 1, 1),
                               target_value=0.6, target_by=dt.date(2030, 12, 31),
                               created_by=lab.admin.id)],
    )  # fmt: skip
    db.add(mission)
    db.flush()
    return mission


def _import_run(db: scoped_session, lab: Any) -> ImportRun:
    run = ImportRun(
        municipality_id=lab.municipality.id, created_by=lab.lead.id, dry_run=True,
        file_name="lab.csv", sha256="0" * 64, counts={}, report=[], families={},
    )  # fmt: skip
    db.add(run)
    db.flush()
    return run


def _cohort(db: scoped_session, lab: Any) -> ComparisonCohort:
    cohort = ComparisonCohort(
        municipality_id=lab.municipality.id, name="Nabo", file_name="k.csv", sha256="0" * 64,
        families=12, created_by=lab.lead.id,
    )  # fmt: skip
    db.add(cohort)
    db.flush()
    return cohort


def _registration(db: scoped_session, lab: Any) -> Preregistration:
    row = Preregistration(
        municipality_id=lab.municipality.id, version=1, indicator="families",
        baseline_on=dt.date(2025, 3, 31), horizon_on=dt.date(2025, 12, 31),
        targets=[{"value": 10, "by": "2025-12-31"}], created_by=lab.leader.id,
    )  # fmt: skip
    db.add(row)
    db.flush()
    return row


def _records(db: scoped_session, family: Any, requester: int | None) -> dict[str, int]:
    """One record of each kind under the family, for the paths that name one."""
    budget = db.scalars(select(Budget).where(Budget.family_id == family.id)).one()
    goal = Goal(family_id=family.id, domain="housing", target_level=2)
    measure = Measure(family_id=family.id, description="Tiltak")
    pending = Expenditure(
        family_id=family.id,
        budget_id=budget.id,
        spent_on=dt.date.today(),
        amount=50_000,
        description="Depositum",
        paying_agency_id=budget.contributions[0].agency_id,
        status="pending",
        requested_by=requester or family.investment_lead_id,
    )
    db.add_all([goal, measure, pending])
    db.flush()
    return {
        "family_id": family.id,
        "assessment_id": add_assessment(db, family, dt.date(2025, 1, 1), housing=1).id,
        "member_id": db.scalars(select(Member.id).where(Member.family_id == family.id)).first(),
        "consent_id": db.scalars(select(Consent.id).where(Consent.family_id == family.id)).first(),
        "membership_id": db.scalars(
            select(TeamMembership.id).where(TeamMembership.family_id == family.id)
        ).first(),
        "goal_id": goal.id,
        "measure_id": measure.id,
        "budget_id": budget.id,
        "expenditure_id": pending.id,
    }


def url_for(path: str, world: World, target: str) -> str:
    for parameter, values in world.ids.items():
        path = path.replace("{" + parameter + "}", str(values[target]))
    return path


def body_for(key: tuple[str, str], world: World) -> Any:
    lab, today = world.lab, dt.date.today().isoformat()
    dynamic = {
        ("POST", "/api/v1/assumption-sets"): lambda: {
            k: v for k, v in to_dict(load_toml(DEFAULT_FILE)).items() if k != "version"
        },
        ("POST", "/api/v1/agencies"): lambda: {
            "municipality_id": lab.municipality.id,
            "name": "Ny etat",
            "kind": "nav",
            "government_level": "state",
        },
        ("POST", "/api/v1/users"): lambda: {
            "username": "ny.bruker",
            "full_name": "Ny Bruker",
            "roles": ["team_member"],
            "password": "a-long-password",
            "municipality_id": lab.municipality.id,
        },
        ("POST", "/api/v1/families/{family_id}/consents"): lambda: {
            "given_on": "2025-01-01",
            "agency_ids": [lab.nav.id],
        },
        ("POST", "/api/v1/families/{family_id}/team"): lambda: {
            "user_id": lab.member.id,
            "agency_id": lab.nav.id,
            "team_role": "member",
            "mandate_nok": 1000,
            "joined_on": "2025-01-01",
        },
        ("POST", "/api/v1/missions"): lambda: {
            "name": "Flere stabile",
            "indicator": "families",
            "baseline": {"value": 1, "on": "2024-01-01"},
            "target": {"value": 10, "by": "2030-12-31"},
            "municipality_ids": [lab.municipality.id],
            "owner_id": lab.leader.id,
        },
        ("POST", "/api/v1/families/{family_id}/expenditures"): lambda: {
            "spent_on": today,
            "amount": 100,
            "description": "Buss",
            "paying_agency_id": lab.nav.id,
        },
    }
    return dynamic[key]() if key in dynamic else BODIES.get(key)


def call(client: FlaskClient, db: scoped_session, key: tuple[str, str], role: str, world: World,
         target: str) -> int:  # fmt: skip
    method, path = key
    headers = auth(db, world.users[role])
    if key == ("POST", "/api/v1/reports/verify"):
        raw = {"data": b"%PDF-1.7 a report", "content_type": "application/pdf"}
        return client.open(path, method=method, headers=headers, **raw).status_code
    if key == ("POST", "/api/v1/imports/{import_id}/cancel"):  # each call finds it queued
        db.get_one(ImportRun, world.ids["import_id"]["own"]).status = "queued"
        db.flush()
    if key == ("POST", "/api/v1/imports"):  # a dry run of an empty Kartlegginger sheet
        upload = {"file": (io.BytesIO(b"Referanse;Dato\n"), "Kartlegginger.csv")}
        return client.post(path, data=upload, headers=headers).status_code
    if key == ("POST", "/api/v1/cohorts"):  # a cohort of one family's two readings
        cohort = b"Referanse;Dato;Bolig\nK1;01.02.2025;utsatt\nK1;01.11.2025;stabil\n"
        upload = {"file": (io.BytesIO(cohort), "Kartlegginger.csv"), "name": "Nabo"}
        return client.post(path, data=upload, headers=headers).status_code
    response = client.open(
        url_for(path, world, target), method=method, json=body_for(key, world), headers=headers,
    )  # fmt: skip
    return response.status_code


@pytest.mark.parametrize(
    "key", sorted(k for k, v in EXPECTED.items() if v != "public"), ids=" ".join
)
def test_the_role_table_holds(
    key: tuple[str, str], client: FlaskClient, db: scoped_session, world: World
) -> None:
    expected = EXPECTED[key]
    family_scoped = "{family_id}" in key[1]
    surprises = []
    for role in ROLES:
        for target in TARGETS if family_scoped else ("own",):
            allowed = target in expected.get(role, ()) if family_scoped else role in expected
            status = call(client, db, key, role, world, target)
            # A record one may not see is missing; a permission one lacks is forbidden.
            denied_as = 404 if family_scoped or "{report_id}" in key[1] else 403
            if (allowed and status >= 400) or (not allowed and status != denied_as):
                surprises.append((role, target, status, "allowed" if allowed else "denied"))
    assert surprises == [], surprises


def test_family_lists_hold_only_what_the_role_may_see(
    client: FlaskClient, db: scoped_session, world: World
) -> None:
    seen = {}
    for role in ("lead", "member", "auditor", "admin"):
        response = client.get("/api/v1/families?page_size=500", headers=auth(db, world.users[role]))
        ids = {row["id"] for row in response.get_json()}
        seen[role] = {name for name, family in world.families.items() if family.id in ids}
    assert seen == {
        "lead": {"own"},
        "member": {"own"},
        "auditor": {"own", "other"},
        "admin": {"own", "other"},
    }


# --- The audit log: which families' events each role sees --------------------------------


def test_the_audit_log_holds_only_events_of_families_the_role_may_see(
    client: FlaskClient, db: scoped_session, world: World
) -> None:
    from velferdslab.audit.services import PendingEvent, write_events
    from velferdslab.vocabulary import Protection

    strict = make_family(db, world.lab, protection=Protection.STRICTLY_CONFIDENTIAL)
    targets = {**world.families, "strict": strict}
    write_events(
        db,
        [
            PendingEvent("read", "member", 1, family_id=family.id, user_id=world.users["lead"].id)
            for family in targets.values()
        ],
    )
    seen: dict[str, Any] = {}
    for role in ROLES:
        response = client.get(
            "/api/v1/audit-events?page_size=500", headers=auth(db, world.users[role])
        )
        if response.status_code != 200:
            seen[role] = response.status_code
            continue
        ids = {event["family_id"] for event in response.get_json()}
        seen[role] = {name for name, family in targets.items() if family.id in ids}
    assert seen == {
        "lead": 403,
        "member": 403,
        "leader": 403,
        "auditor": {"own", "other"},
        "admin": {"own", "other"},
    }


# --- Every page × every role (× own / other / foreign family) ------------------------------

# Sign-in steps and the operators' probes need no session (/metrics answers only configured
# addresses: tests/ops). An access package's download has its own table below
# (test_access_packages_reach_only_their_lead_and_the_admin_who_made_them).
PUBLIC_PAGES = frozenset(
    {
        "/login",
        "/login/second-factor",
        "/sso/{name}/login",
        "/sso/{name}/callback",
        "/healthz",
        "/readyz",
        "/metrics",
        "/static/{filename}",
    }
)
OWN_TABLE = frozenset({"/access-requests/{request_id}.{kind}"})
ADMIN_ONLY = frozenset({"admin"})
# path → roles (collection pages) or {role: targets} (a family's pages). Denied: a family page is
# a 404, the admin's pages are a 404 (hidden), any other page a 403.
PAGES: dict[str, Any] = {
    "/": ALL,
    "/account/password": ALL,
    "/admin": ADMIN_ONLY,
    "/admin/agencies/{agency_id}": ADMIN_ONLY,
    "/admin/archive": ADMIN_ONLY,
    "/admin/archive/settings/{municipality_id}": ADMIN_ONLY,
    "/admin/assumption-sets": ADMIN_ONLY,
    "/admin/assumption-sets/{set_id}": ADMIN_ONLY,
    "/admin/level-texts": ADMIN_ONLY,
    "/admin/level-texts/{domain}": ADMIN_ONLY,
    "/admin/municipalities": ADMIN_ONLY,
    "/admin/municipalities/{municipality_id}": ADMIN_ONLY,
    "/admin/privacy": ADMIN_ONLY,
    "/admin/sign-in": ADMIN_ONLY,
    "/admin/users/{user_id}": ADMIN_ONLY,
    "/audit/assumptions": frozenset({"auditor"}),
    "/audit/expenditures": frozenset({"auditor"}),
    "/audit/expenditures.{kind}": frozenset({"auditor"}),
    "/audit/log": frozenset({"auditor"}),
    "/dashboard": frozenset({"leader", "auditor"}),
    "/dashboard.xlsx": frozenset({"leader", "auditor"}),
    "/families": frozenset({"lead", "member"}),
    "/families/approvals": frozenset({"lead"}),
    "/families/new": frozenset({"lead"}),
    "/families/{family_id}": TEAM_WORK,
    "/families/{family_id}/access-log": LEAD_AND_AUDITOR,
    "/families/{family_id}/assessments/new": TEAM_WORK,
    "/families/{family_id}/expenditures/new": TEAM_WORK,
    "/families/{family_id}/domains/{domain}": TEAM_WORK,
    "/families/{family_id}/gevinstrealiseringsplan.xlsx": LEAD_AND_AUDITOR,
    "/families/{family_id}/plan/goals/new": on(lead="own"),
    "/families/{family_id}/plan/goals/{goal_id}": on(lead="own"),
    "/families/{family_id}/plan/measures/new": TEAM_WORK,
    "/families/{family_id}/plan/measures/{measure_id}": TEAM_WORK,
    "/families/{family_id}/plan/own-words": on(lead="own"),  # part of the plan: goals.write
    "/families/{family_id}/privacy": on(lead="own"),
    "/imports": frozenset({"lead", "admin", "auditor"}),
    "/imports/{import_id}": frozenset({"lead", "admin", "auditor"}),
    "/imports/{import_id}/rejected-rows.{kind}": frozenset({"lead", "auditor"}),
    "/missions": frozenset({"leader", "auditor", "admin"}),
    "/missions/new": frozenset({"admin"}),  # the world's leader is municipal: owns, not makes
    "/missions/{mission_id}": frozenset({"leader", "auditor"}),
    "/missions/{mission_id}/edit": frozenset({"leader", "admin"}),  # its owner; a scope's admin
    "/missions/{mission_id}.xlsx": frozenset({"leader", "auditor"}),
    "/imports/template.xlsx": frozenset({"lead", "admin"}),
    "/evidence": EVIDENCE_READERS,
    "/reports": frozenset({"lead", "member", "leader", "auditor"}),
    "/reports/verify": ALL,
    # the auditor's own (unsuppressed) portfolio report
    "/reports/{report_id}": frozenset({"auditor"}),
    "/reports/{report_id}.pdf": frozenset({"auditor"}),
}


# The family's own pages have a session of their own and their own table:
# tests/family_portal/test_access_matrix.py.
FAMILY_PORTAL = "/min-side"


def page_paths(app: Flask) -> set[str]:
    rules = {
        RULE_PARAMETER.sub(r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods  # type: ignore[operator]
        and not rule.rule.startswith(("/api", FAMILY_PORTAL))
    }
    return {path for path in rules if path not in PUBLIC_PAGES | OWN_TABLE}


def test_every_page_has_an_entry_in_the_role_table(app: Flask) -> None:
    assert page_paths(app) == set(PAGES)


def signed_in(app: Flask, user: Any) -> FlaskClient:
    """A browser with a session of the user (signing in with the form is tested elsewhere)."""
    browser = app.test_client()
    with browser.session_transaction() as session:
        session.update(user_id=user.id, epoch=user.session_epoch, since=int(time.time()))
    return browser


@pytest.mark.parametrize("path", sorted(PAGES))
def test_the_role_table_holds_for_pages(
    path: str, app: Flask, db: scoped_session, world: World
) -> None:
    expected = PAGES[path]
    family_scoped = "{family_id}" in path
    page_ids = {
        **world.ids,
        "domain": dict.fromkeys(TARGETS, "housing"),
        "kind": dict.fromkeys(TARGETS, "csv"),
    }
    surprises = []
    for role in ROLES:
        browser = signed_in(app, world.users[role])
        for target in TARGETS if family_scoped else ("own",):
            allowed = target in expected.get(role, ()) if family_scoped else role in expected
            url = path
            for parameter, values in page_ids.items():
                url = url.replace("{" + parameter + "}", str(values[target]))
            status = browser.get(url).status_code
            hidden = family_scoped or "{report_id}" in path or path.startswith("/admin")
            denied_as = 404 if hidden else 403
            if (allowed and status != 200) or (not allowed and status != denied_as):
                surprises.append((role, target, status, "allowed" if allowed else "denied"))
    assert surprises == [], surprises


# --- Access packages: their downloads, and the privacy actions --------------------------------

# package → the roles that download it, on the page (PDF and JSON) and over the API (the PDF of its
# report). An admin reaches only what they made for a letter; nobody else's, nor any other role.
PACKAGES = {"lead's": {"lead"}, "letter": {"lead", "admin"}, "other lead's": set()}


def test_access_packages_reach_only_their_lead_and_the_admin_who_made_them(
    app: Flask, client: FlaskClient, db: scoped_session, world: World
) -> None:
    from velferdslab.privacy.access_request import start_access_request
    from velferdslab.users.models import User

    own, other = world.families["own"], world.families["other"]
    member, today = world.ids["member_id"], dt.date.today()
    other_lead = db.get(User, other.investment_lead_id)
    with app.app_context():  # as the requests that made them, in a session of their own
        made = {
            "lead's": start_access_request(db, world.users["lead"], own.id, member["own"], today),
            "letter": start_access_request(db, world.users["admin"], own.id, member["own"], today),
            "other lead's": start_access_request(db, other_lead, other.id, member["other"], today),
        }
        db.commit()
    surprises = []
    for role in ROLES:
        browser, headers = signed_in(app, world.users[role]), auth(db, world.users[role])
        for name, request in made.items():
            statuses = {
                browser.get(f"/access-requests/{request.id}.pdf").status_code,
                browser.get(f"/access-requests/{request.id}.json").status_code,
                client.get(f"/api/v1/reports/{request.report_id}/pdf", headers=headers).status_code,
            }
            if statuses != ({200} if role in PACKAGES[name] else {404}):
                surprises.append((role, name, statuses))
    assert surprises == [], surprises


FAMILY_PRIVACY_ACTIONS = ("hold", "release", "access", "protection", "confidence", "anonymise")
ADMIN_PRIVACY_ACTIONS = ("retention", "preview", "sweep", "hold", "release-{family_id}", "received")


def test_the_privacy_actions_answer_only_the_lead_and_the_admin(
    app: Flask, db: scoped_session, world: World
) -> None:
    """Every POST of the privacy pages × every role × own / other / foreign family: the family's
    actions are its lead's, the admin's page is the admins' (404 to everyone else). An allowed
    form without its own token is refused as a form (422), never as a missing page."""
    surprises = []
    for role in ROLES:
        browser = signed_in(app, world.users[role])
        token = {"csrf_token": _csrf(browser.get("/account/password").get_data(as_text=True))}
        for target in TARGETS:
            family_id = world.ids["family_id"][target]
            for action in FAMILY_PRIVACY_ACTIONS:
                url = f"/families/{family_id}/privacy/{action}"
                allowed = role == "lead" and target == "own"
                surprises += _surprise(browser.post(url, data=token), allowed, role, url)
            for action in ADMIN_PRIVACY_ACTIONS:
                url = "/admin/privacy/" + action.format(family_id=family_id)
                surprises += _surprise(browser.post(url, data=token), role == "admin", role, url)
    assert surprises == [], surprises


def _csrf(html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "the page carries a CSRF token"
    return match.group(1)


def _surprise(response: Any, allowed: bool, role: str, url: str) -> list[tuple[str, str, int]]:
    status = response.status_code
    if (allowed and status in (404, 500)) or (not allowed and status != 404):
        return [(role, url, status)]
    return []
