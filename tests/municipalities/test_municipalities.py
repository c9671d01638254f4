"""Municipalities: regional admins add them, everyone reads those in scope, names stay unique."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_family, make_lab, make_user
from velferdslab.municipalities.models import Municipality
from velferdslab.vocabulary import Role

URL = "/api/v1/municipalities"
OSLO = {"name": "Oslo", "number": "0301", "reference_prefix": "OSL"}


def count(db: scoped_session) -> int:
    return int(db.scalar(select(func.count()).select_from(Municipality)) or 0)


def test_a_regional_admin_adds_a_municipality(client: FlaskClient, db: scoped_session) -> None:
    regional = make_user(db, Role.ADMIN)
    response = client.post(URL, json=OSLO, headers=auth(db, regional))
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in OSLO} == OSLO and isinstance(body["id"], int)
    assert response.headers["ETag"]
    assert client.get(f"{URL}/{body['id']}", headers=auth(db, regional)).get_json() == body


def test_only_a_regional_admin_adds_municipalities(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    before = count(db)
    for user in (lab.admin, lab.lead, lab.auditor, make_user(db, Role.LEADER)):
        response = client.post(URL, json=OSLO, headers=auth(db, user))
        assert response.status_code == 403, user.roles
    assert count(db) == before


def test_a_municipal_user_sees_only_its_own(client: FlaskClient, db: scoped_session) -> None:
    ours, theirs = make_lab(db), make_lab(db)
    response = client.get(f"{URL}?page_size=500", headers=auth(db, ours.member))
    assert [m["id"] for m in response.get_json()] == [ours.municipality.id]
    assert json.loads(response.headers["X-Pagination"])["total"] == 1
    foreign = f"{URL}/{theirs.municipality.id}"
    assert client.get(foreign, headers=auth(db, ours.member)).status_code == 404
    patched = client.patch(foreign, json={"name": "Ny"}, headers=auth(db, ours.admin))
    assert patched.status_code == 404
    regional = make_user(db, Role.TEAM_MEMBER)
    ids = {m["id"] for m in client.get(f"{URL}?page_size=500", headers=auth(db, regional)).json}
    assert {ours.municipality.id, theirs.municipality.id} <= ids


def test_the_list_is_paginated(client: FlaskClient, db: scoped_session) -> None:
    regional = make_user(db, Role.ADMIN)
    for _ in range(3):
        make_lab(db)
    response = client.get(f"{URL}?page=1&page_size=2", headers=auth(db, regional))
    assert len(response.get_json()) == 2
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] >= 3 and pagination["next_page"] == 2


def test_invalid_values_are_refused_by_field(client: FlaskClient, db: scoped_session) -> None:
    headers = auth(db, make_user(db, Role.ADMIN))
    before = count(db)
    cases = {
        "number": ["301", "03O1", "03011", 301, "٠٣٠١"],
        "reference_prefix": ["osl", "O", "OSLOBY", "OS1"],
        "name": ["", "   ", "Oslo\x00"],
    }
    for field, bad_values in cases.items():
        for value in bad_values:
            response = client.post(URL, json={**OSLO, field: value}, headers=headers)
            assert response.status_code == 422, (field, value)
            assert field in response.get_json()["errors"]
    # the contract names name and number: those two are required (the prefix is derived)
    missing = client.post(URL, json={"name": "Oslo"}, headers=headers)
    assert missing.status_code == 422 and list(missing.get_json()["errors"]) == ["number"]
    assert count(db) == before


def test_a_prefix_with_norwegian_letters_is_accepted(
    client: FlaskClient, db: scoped_session
) -> None:
    headers = auth(db, make_user(db, Role.ADMIN))
    body = {"name": "Ås", "number": "3218", "reference_prefix": "ÅS"}
    assert client.post(URL, json=body, headers=headers).status_code == 201


def test_a_taken_name_number_or_prefix_is_a_conflict(
    client: FlaskClient, db: scoped_session
) -> None:
    headers = auth(db, make_user(db, Role.ADMIN))
    assert client.post(URL, json=OSLO, headers=headers).status_code == 201
    asker = {"name": "Asker", "number": "3203", "reference_prefix": "ASK"}
    before = count(db)
    for field in ("name", "number", "reference_prefix"):
        response = client.post(URL, json={**asker, field: OSLO[field]}, headers=headers)
        assert response.status_code == 409
        assert list(response.get_json()["errors"]) == [field]
    assert count(db) == before
    other = make_lab(db).municipality
    response = client.patch(f"{URL}/{other.id}", json={"name": "Oslo"}, headers=headers)
    assert response.status_code == 409 and "name" in response.get_json()["errors"]


def test_a_municipal_admin_renames_its_own_with_if_match(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.admin)
    url = f"{URL}/{lab.municipality.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    renamed = client.patch(url, json={"name": "Nytt navn"}, headers={**headers, "If-Match": etag})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Nytt navn"
    assert renamed.headers["ETag"] != etag
    stale = client.patch(url, json={"name": "Igjen"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    db.expire_all()
    assert db.get(Municipality, lab.municipality.id).name == "Nytt navn"  # type: ignore[union-attr]
    assert client.patch(url, json={"name": "X"}, headers=auth(db, lab.lead)).status_code == 403


def test_the_prefix_is_fixed_once_families_exist(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    url = f"{URL}/{lab.municipality.id}"
    changed = client.patch(url, json={"reference_prefix": "NYA"}, headers=auth(db, lab.admin))
    assert changed.status_code == 200
    make_family(db, lab)
    response = client.patch(url, json={"reference_prefix": "NYB"}, headers=auth(db, lab.admin))
    assert response.status_code == 409 and "reference_prefix" in response.get_json()["errors"]
