"""Users: admins manage staff in their scope; passwords are write-only argon2 hashes; an admin
cannot lock themselves out."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_agency, make_lab, make_user
from velferdslab.audit.models import AuditEvent
from velferdslab.users.models import User
from velferdslab.vocabulary import Role

URL = "/api/v1/users"
NEW_PASSWORD = "a-long-enough-secret"


def new_user(**changes: Any) -> dict[str, Any]:
    body = {
        "username": "kari.nav",
        "full_name": "Kari Veileder",
        "email": "kari@nav.example.no",
        "roles": ["team_member"],
        "password": NEW_PASSWORD,
    }
    return {**body, **changes}


def count(db: scoped_session) -> int:
    return int(db.scalar(select(func.count()).select_from(User)) or 0)


def test_an_admin_creates_a_user_who_can_log_in(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    response = client.post(URL, json=new_user(agency_id=lab.nav.id), headers=auth(db, lab.admin))
    assert response.status_code == 201 and response.headers["ETag"]
    body = response.get_json()
    assert body["username"] == "kari.nav" and body["roles"] == ["team_member"]
    assert (body["municipality_id"], body["agency_id"], body["active"]) == (
        lab.municipality.id,
        lab.nav.id,
        True,
    )
    assert "password" not in body and "password_hash" not in body
    stored = db.get(User, body["id"])
    assert stored is not None and stored.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in stored.password_hash
    # The first password is the admin's, so it is one-time: no token until the user chose theirs.
    login = client.post(
        "/api/v1/auth/token", json={"username": "kari.nav", "password": NEW_PASSWORD}
    )
    assert login.status_code == 403 and "web pages" in login.get_json()["message"]


def test_invalid_users_are_refused_by_field_and_nothing_is_stored(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.admin)
    before = count(db)
    cases = {
        "password": "too-short",
        "roles": [],
        "email": "not-an-email",
        "username": "has space",
        "full_name": "",
    }
    for field, value in cases.items():
        response = client.post(URL, json=new_user(**{field: value}), headers=headers)
        assert response.status_code == 422, field
        assert field in response.get_json()["errors"]
    for roles in (["team_member", "team_member"], ["superuser"]):
        response = client.post(URL, json=new_user(roles=roles), headers=headers)
        assert response.status_code == 422 and "roles" in json.dumps(response.get_json()["errors"])
    assert client.post(URL, json={"username": "x"}, headers=headers).status_code == 422
    assert count(db) == before


def test_a_taken_user_name_is_a_conflict(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    response = client.post(
        URL, json=new_user(username=lab.lead.username), headers=auth(db, lab.admin)
    )
    assert response.status_code == 409 and "username" in response.get_json()["errors"]


def test_a_municipal_admin_stays_in_its_municipality(
    client: FlaskClient, db: scoped_session
) -> None:
    ours, theirs = make_lab(db), make_lab(db)
    headers = auth(db, ours.admin)
    before = count(db)
    for placement in ({"municipality_id": None}, {"municipality_id": theirs.municipality.id}):
        response = client.post(URL, json=new_user(**placement), headers=headers)
        assert response.status_code == 422 and "municipality_id" in response.get_json()["errors"]
    foreign_agency = client.post(URL, json=new_user(agency_id=theirs.nav.id), headers=headers)
    assert foreign_agency.status_code == 422 and "agency_id" in foreign_agency.get_json()["errors"]
    assert count(db) == before


def test_a_regional_admin_places_users_anywhere_but_says_where(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    headers = auth(db, make_user(db, Role.ADMIN))
    unplaced = client.post(URL, json=new_user(), headers=headers)
    assert unplaced.status_code == 422 and "municipality_id" in unplaced.get_json()["errors"]
    mismatch = new_user(municipality_id=lab.municipality.id, agency_id=make_lab(db).nav.id)
    response = client.post(URL, json=mismatch, headers=headers)
    assert response.status_code == 422 and "agency_id" in response.get_json()["errors"]
    regional = client.post(URL, json=new_user(municipality_id=None), headers=headers)
    assert regional.status_code == 201 and regional.get_json()["municipality_id"] is None
    placed = new_user(username="ola", municipality_id=lab.municipality.id, agency_id=lab.nav.id)
    assert client.post(URL, json=placed, headers=headers).status_code == 201


def test_who_reads_which_users(client: FlaskClient, db: scoped_session) -> None:
    ours, theirs = make_lab(db), make_lab(db)
    for reader in (ours.admin, ours.lead, ours.auditor):
        response = client.get(f"{URL}?page_size=500", headers=auth(db, reader))
        assert response.status_code == 200
        assert {u["municipality_id"] for u in response.get_json()} == {ours.municipality.id}
        assert all("password_hash" not in u and "password" not in u for u in response.get_json())
    for outsider in (ours.member, ours.leader):
        assert client.get(URL, headers=auth(db, outsider)).status_code == 403
    foreign = f"{URL}/{theirs.lead.id}"
    assert client.get(foreign, headers=auth(db, ours.admin)).status_code == 404
    assert (
        client.patch(foreign, json={"active": False}, headers=auth(db, ours.admin)).status_code
        == 404
    )
    regional_user = make_user(db, Role.LEADER)
    assert client.get(f"{URL}/{regional_user.id}", headers=auth(db, ours.admin)).status_code == 404
    regional_admin = make_user(db, Role.ADMIN)
    assert client.get(foreign, headers=auth(db, regional_admin)).status_code == 200


def test_lists_are_paginated_and_filtered(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.admin)
    page = client.get(f"{URL}?page=2&page_size=2", headers=headers)
    pagination = json.loads(page.headers["X-Pagination"])
    assert len(page.get_json()) == 2 and pagination["total"] == 5 and pagination["page"] == 2
    leads = client.get(f"{URL}?role=investment_lead", headers=headers).get_json()
    assert [u["id"] for u in leads] == [lab.lead.id]


def test_reads_and_changes_of_users_are_audited(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.admin)
    client.get(URL, headers=headers)
    client.get(f"{URL}/{lab.member.id}", headers=headers)
    created = client.post(URL, json=new_user(), headers=headers).get_json()
    client.patch(f"{URL}/{created['id']}", json={"full_name": "Kari N."}, headers=headers)
    events = db.scalars(select(AuditEvent).where(AuditEvent.entity == "user")).all()
    assert [(e.action, e.entity_id, e.user_id) for e in events] == [
        ("list", None, lab.admin.id),
        ("read", lab.member.id, lab.admin.id),
        ("grant_family_access", created["id"], lab.admin.id),  # team_member reads families
        ("create", created["id"], lab.admin.id),
        ("update", created["id"], lab.admin.id),
    ]
    assert NEW_PASSWORD not in json.dumps([e.details for e in events])


def test_a_deactivated_user_is_shut_out_at_once(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    member_headers = auth(db, lab.member)
    assert client.get("/api/v1/families", headers=member_headers).status_code == 200
    response = client.patch(
        f"{URL}/{lab.member.id}", json={"active": False}, headers=auth(db, lab.admin)
    )
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert client.get("/api/v1/families", headers=member_headers).status_code == 401


def test_a_new_password_replaces_the_old_and_ends_its_sessions(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    member_headers = auth(db, lab.member)
    response = client.patch(
        f"{URL}/{lab.member.id}", json={"password": NEW_PASSWORD}, headers=auth(db, lab.admin)
    )
    assert response.status_code == 200 and "password" not in response.get_json()
    assert client.get("/api/v1/families", headers=member_headers).status_code == 401
    login = {"username": lab.member.username, "password": NEW_PASSWORD}
    assert client.post("/api/v1/auth/token", json=login).status_code == 403  # one-time


def test_an_admin_cannot_lock_themselves_out(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.admin)
    me = f"{URL}/{lab.admin.id}"
    deactivate = client.patch(me, json={"active": False}, headers=headers)
    assert deactivate.status_code == 409 and "active" in deactivate.get_json()["errors"]
    demote = client.patch(me, json={"roles": ["auditor"]}, headers=headers)
    assert demote.status_code == 409 and "roles" in demote.get_json()["errors"]
    more = client.patch(me, json={"roles": ["admin", "auditor"]}, headers=headers)
    assert more.status_code == 409 and "roles" in more.get_json()["errors"]
    same = client.patch(me, json={"roles": ["admin"], "full_name": "Ny"}, headers=headers)
    assert same.status_code == 200
    other_admin = make_user(db, Role.ADMIN, municipality=lab.municipality)
    other = client.patch(me, json={"active": False}, headers=auth(db, other_admin))
    assert other.status_code == 200


def test_roles_and_agency_change_together_and_stay_consistent(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.admin)
    url = f"{URL}/{lab.member.id}"
    school = make_agency(db, lab.municipality, "school", "municipal")
    response = client.patch(
        url,
        json={"roles": ["investment_lead", "team_member"], "agency_id": school.id},
        headers=headers,
    )
    assert response.get_json()["roles"] == ["investment_lead", "team_member"]
    assert response.get_json()["agency_id"] == school.id
    foreign = client.patch(url, json={"agency_id": make_lab(db).nav.id}, headers=headers)
    assert foreign.status_code == 422 and "agency_id" in foreign.get_json()["errors"]


def test_only_admins_write_and_a_stale_if_match_is_refused(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    url = f"{URL}/{lab.member.id}"
    assert client.post(URL, json=new_user(), headers=auth(db, lab.lead)).status_code == 403
    assert client.patch(url, json={"full_name": "X"}, headers=auth(db, lab.lead)).status_code == 403
    headers = auth(db, lab.admin)
    etag = client.get(url, headers=headers).headers["ETag"]
    fresh = client.patch(url, json={"full_name": "Per"}, headers={**headers, "If-Match": etag})
    assert fresh.status_code == 200
    stale = client.patch(url, json={"full_name": "Pål"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    db.expire_all()
    assert db.get(User, lab.member.id).full_name == "Per"  # type: ignore[union-attr]
