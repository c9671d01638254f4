"""Agencies: admins add them to municipalities in their scope; everyone reads those in scope."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_lab, make_user
from velferdslab.municipalities.models import Agency
from velferdslab.vocabulary import Role

URL = "/api/v1/agencies"
BARNEVERN = {
    "name": "Barnevernstjenesten",
    "kind": "child_welfare",
    "government_level": "municipal",
}


def count(db: scoped_session) -> int:
    return int(db.scalar(select(func.count()).select_from(Agency)) or 0)


def test_a_municipal_admin_adds_an_agency_to_its_municipality(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    response = client.post(URL, json=BARNEVERN, headers=auth(db, lab.admin))
    assert response.status_code == 201 and response.headers["ETag"]
    body = response.get_json()
    assert {k: body[k] for k in BARNEVERN} == BARNEVERN
    assert body["municipality_id"] == lab.municipality.id
    fetched = client.get(f"{URL}/{body['id']}", headers=auth(db, lab.member))
    assert fetched.get_json() == body


def test_non_admins_may_not_add_agencies(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    before = count(db)
    for user in (lab.lead, lab.member, lab.leader, lab.auditor):
        assert client.post(URL, json=BARNEVERN, headers=auth(db, user)).status_code == 403
    assert count(db) == before


def test_the_municipality_must_be_in_the_admins_scope(
    client: FlaskClient, db: scoped_session
) -> None:
    ours, theirs = make_lab(db), make_lab(db)
    before = count(db)
    body = {**BARNEVERN, "municipality_id": theirs.municipality.id}
    refused = client.post(URL, json=body, headers=auth(db, ours.admin))
    assert refused.status_code == 422 and "municipality_id" in refused.get_json()["errors"]
    regional = make_user(db, Role.ADMIN)
    unnamed = client.post(URL, json=BARNEVERN, headers=auth(db, regional))
    assert unnamed.status_code == 422 and "municipality_id" in unnamed.get_json()["errors"]
    assert count(db) == before
    assert client.post(URL, json=body, headers=auth(db, regional)).status_code == 201


def test_lists_hold_the_agencies_in_scope_only(client: FlaskClient, db: scoped_session) -> None:
    ours, theirs = make_lab(db), make_lab(db)
    response = client.get(f"{URL}?page_size=1", headers=auth(db, ours.member))
    assert json.loads(response.headers["X-Pagination"])["total"] == 2
    everything = client.get(f"{URL}?page_size=500", headers=auth(db, ours.member)).get_json()
    assert {a["id"] for a in everything} == {ours.nav.id, ours.housing.id}
    housing = client.get(f"{URL}?kind=housing", headers=auth(db, ours.member)).get_json()
    assert [a["id"] for a in housing] == [ours.housing.id]
    foreign = f"{URL}/{theirs.nav.id}"
    assert client.get(foreign, headers=auth(db, ours.member)).status_code == 404
    assert (
        client.patch(foreign, json={"name": "X"}, headers=auth(db, ours.admin)).status_code == 404
    )


def test_invalid_values_are_refused_by_field(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.admin)
    before = count(db)
    for field, value in (("kind", "bank"), ("government_level", "federal"), ("name", "")):
        response = client.post(URL, json={**BARNEVERN, field: value}, headers=headers)
        assert response.status_code == 422 and field in response.get_json()["errors"]
    moved = client.patch(
        f"{URL}/{lab.nav.id}",
        json={"municipality_id": make_lab(db).municipality.id},
        headers=headers,
    )
    assert moved.status_code == 422 and "municipality_id" in moved.get_json()["errors"]
    assert count(db) == before + 2  # the second lab's two agencies


def test_an_agency_name_is_unique_within_its_municipality(
    client: FlaskClient, db: scoped_session
) -> None:
    ours, theirs = make_lab(db), make_lab(db)
    taken = {**BARNEVERN, "name": ours.nav.name}
    conflict = client.post(URL, json=taken, headers=auth(db, ours.admin))
    assert conflict.status_code == 409 and "name" in conflict.get_json()["errors"]
    assert client.post(URL, json=taken, headers=auth(db, theirs.admin)).status_code == 201
    renamed = client.patch(
        f"{URL}/{ours.housing.id}", json={"name": ours.nav.name}, headers=auth(db, ours.admin)
    )
    assert renamed.status_code == 409


def test_a_stale_if_match_is_refused(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.admin)
    url = f"{URL}/{lab.nav.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    first = client.patch(url, json={"kind": "other"}, headers={**headers, "If-Match": etag})
    assert first.status_code == 200 and first.get_json()["kind"] == "other"
    second = client.patch(url, json={"kind": "nav"}, headers={**headers, "If-Match": etag})
    assert second.status_code == 412
    db.expire_all()
    assert db.get(Agency, lab.nav.id).kind == "other"  # type: ignore[union-attr]
