"""Bar R2: every operation of the OpenAPI document × every role × own / other / foreign family,
compared with the role table of the domain spec. A record one may not see is a 404; a role that
lacks a collection-level permission gets 403. A new operation missing from EXPECTED fails here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, make_family, make_lab, make_user
from velferdslab.assumptions.services import DEFAULT_FILE, default_set
from velferdslab.benefits.params import load_toml, to_dict
from velferdslab.families.models import TeamMembership
from velferdslab.vocabulary import Role

ROLES = ("lead", "member", "leader", "auditor", "admin")
TARGETS = ("own", "other", "foreign")
ALL = frozenset(ROLES)


def on(**grants: str) -> dict[str, frozenset[str]]:
    """role → the targets it may reach, e.g. on(lead="own", auditor="own other")."""
    return {role: frozenset(targets.split()) for role, targets in grants.items()}


FAMILY_READ = on(lead="own", member="own", auditor="own other", admin="own other")
TEAM_WORK = on(lead="own", member="own")
AUDITABLE = on(lead="own", member="own", auditor="own other")
LEAD_AND_AUDITOR = on(lead="own", auditor="own other")

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
    ("GET", "/api/v1/families/{family_id}/gains"): LEAD_AND_AUDITOR,
    ("GET", "/api/v1/audit-events"): frozenset({"auditor", "admin"}),
    ("GET", "/api/v1/reports/portfolio"): frozenset({"leader", "auditor"}),
    ("GET", "/api/v1/reports/portfolio.xlsx"): frozenset({"leader", "auditor"}),
    ("GET", "/api/v1/assumption-sets"): ALL,
    ("POST", "/api/v1/assumption-sets"): frozenset({"admin"}),
    ("GET", "/api/v1/assumption-sets/{set_id}"): ALL,
    ("PATCH", "/api/v1/assumption-sets/{set_id}"): frozenset({"admin"}),
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
}  # fmt: skip


def operations(app: Flask) -> set[tuple[str, str]]:
    with app.test_request_context():
        spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return {
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        for method in ops
        if method in ("get", "post", "patch", "put", "delete")
    }


def test_every_operation_has_an_entry_in_the_role_table(app: Flask) -> None:
    assert operations(app) == set(EXPECTED)


@dataclass
class World:
    users: dict[str, Any]
    families: dict[str, Any]
    assessments: dict[str, int]
    set_id: int


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
    assessments = {
        name: add_assessment(db, family, dt.date(2025, 1, 1), housing=1).id
        for name, family in families.items()
    }
    users = {"lead": lab.lead, "member": lab.member, "leader": lab.leader,
             "auditor": lab.auditor, "admin": lab.admin}  # fmt: skip
    db.flush()
    return World(users, families, assessments, default_set(db).id)


def url_for(path: str, world: World, target: str) -> str:
    return (
        path.replace("{family_id}", str(world.families[target].id))
        .replace("{assessment_id}", str(world.assessments[target]))
        .replace("{set_id}", str(world.set_id))
    )


def body_for(key: tuple[str, str]) -> Any:
    if key == ("POST", "/api/v1/assumption-sets"):
        return {k: v for k, v in to_dict(load_toml(DEFAULT_FILE)).items() if k != "version"}
    return BODIES.get(key)


def call(client: FlaskClient, db: scoped_session, key: tuple[str, str], role: str, world: World,
         target: str) -> int:  # fmt: skip
    method, path = key
    response = client.open(
        url_for(path, world, target), method=method, json=body_for(key),
        headers=auth(db, world.users[role]),
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
            denied_as = 404 if family_scoped else 403
            if (allowed and status >= 400) or (not allowed and status != denied_as):
                surprises.append((role, target, status, "allowed" if allowed else "denied"))
    assert surprises == []


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
