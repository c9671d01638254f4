"""Downloads are never cached, error answers do not grow with the request, and a PATCH must
name the version it changes (If-Match), or it is a 428."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, make_family, make_lab
from tests.web.test_login import login
from velferdslab.families.models import Member


def test_the_portfolio_excel_is_not_kept_in_any_cache(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    add_assessment(db, family, family.referred_on, housing=1)
    login(client, lab.leader.username)
    download = client.get("/dashboard.xlsx")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"


def test_a_large_invalid_body_gets_a_small_answer(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    # ~0.9 MB: thousands of unknown fields with long names, every one an error
    body = {f"unknown_field_{n}_" + "x" * 150: "y" for n in range(5500)}
    raw = json.dumps(body)
    assert len(raw) > 900_000
    response = client.post(
        f"/api/v1/families/{family.id}/members",
        data=raw,
        headers={**auth(db, lab.lead), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert len(response.data) < 50_000
    errors = response.get_json()["errors"]
    assert len(errors) <= 51 and "_more" in errors
    assert all(len(name) <= 300 for name in errors)


def test_a_patch_without_if_match_is_a_428_and_changes_nothing(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    member = family.members[0]
    headers = {k: v for k, v in auth(db, lab.lead).items() if k != "If-Match"}
    url = f"/api/v1/families/{family.id}/members/{member.id}"
    response = client.patch(url, json={"relation": "other_adult"}, headers=headers)
    assert response.status_code == 428
    assert "If-Match" in response.get_json()["errors"]
    db.expire_all()
    assert db.get(Member, member.id).relation == "parent"  # type: ignore[union-attr]
    etag = client.get(url, headers=headers).headers["ETag"]
    ok = client.patch(url, json={"relation": "other_adult"}, headers={**headers, "If-Match": etag})
    assert ok.status_code == 200
    # the OpenAPI document says so for every PATCH
    spec = client.get("/api/v1/openapi.json").get_json()
    patches = [ops["patch"] for ops in spec["paths"].values() if "patch" in ops]
    assert patches and all("428" in op["responses"] for op in patches)
