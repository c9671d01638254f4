"""Audit events must never carry a family member's name or national id: the retention sweep
leaves them untouched (the chain must keep verifying), so they would outlive the period.

Every operation of the API is called by every role on a family whose members carry
distinctive names, national ids and birth dates (the members' own endpoints write new ones),
then the family pages, a retention sweep and a legal hold; no event's details hold any of it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from tests.api.test_access_matrix import EXPECTED, ROLES, World, call, world  # noqa: F401
from tests.web.test_login import login
from velferdslab.audit.models import AuditEvent
from velferdslab.families.models import Member
from velferdslab.privacy.retention import place_hold, run_sweep

NEW_MEMBER = {
    "full_name": "Ingrid Hemmeligsdatter",
    "national_id": "30108299920",
    "birth_date": "1982-10-30",
    "relation": "parent",
}


@pytest.fixture
def named_world(db: scoped_session, world: World) -> World:  # noqa: F811
    for name, family in world.families.items():
        member = family.members[0]
        member.full_name = f"Sigrid {name.capitalize()}-Løvlien"
        member.national_id = {"own": "31129956715", "other": "02013299997", "foreign": None}[name]
        member.birth_date = dt.date(1999, 12, 31) if name == "own" else None
    db.flush()
    return world


def test_no_audit_event_carries_a_members_name_or_national_id(
    app: Flask, client: FlaskClient, db: scoped_session, named_world: World
) -> None:
    people = named_world
    member_ops = [k for k in EXPECTED if k[1].endswith("/members")]
    for key in sorted(k for k, v in EXPECTED.items() if v != "public"):
        for role in ROLES:
            if key in member_ops and key[0] == "POST":
                headers = {"Authorization": f"Bearer {_token(client, db, people, role)}"}
                path = key[1].replace("{family_id}", str(people.families["own"].id))
                client.post(path, json=NEW_MEMBER, headers=headers)
            else:
                call(client, db, key, role, people, "own")
    own = people.families["own"]
    lead = people.users["lead"]
    login(client, lead.username)
    for page in (f"/families/{own.id}", "/families", f"/families/{own.id}/access-log"):
        client.get(page)
    place_hold(db, lead, own.id, "Klagesak")
    run_sweep(db, dt.date.today(), app.config, dry_run=True)
    db.commit()  # the services' events are written with the caller's commit

    events = db.scalars(select(AuditEvent)).all()
    seen = {(e.action, e.entity) for e in events}
    assert len(seen) >= 30, seen  # the calls reached the services, not only refusals
    secrets = {"Ingrid Hemmeligsdatter", "30108299920", "1982-10-30", "31129956715",
               "02013299997", "1999-12-31", "Hemmeligsdatter", "Løvlien"}  # fmt: skip
    for member in db.scalars(select(Member)):
        secrets |= {v for v in (member.full_name, member.national_id) if v}
    leaks = [
        (e.action, e.entity, secret)
        for e in events
        for secret in secrets
        if secret in json.dumps(e.details, ensure_ascii=False) or secret in (e.ip or "")
    ]
    assert leaks == []


def _token(client: FlaskClient, db: scoped_session, people: World, role: str) -> str:
    from tests.factories import token_for

    return token_for(client, people.users[role])
