"""The one error shape, for the errors the framework raises as well as for the services'."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_family, make_lab


def test_an_unknown_query_parameter_is_named(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    response = client.get("/api/v1/families?stauts=active", headers=auth(db, lab.lead))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"stauts": ["Unknown query parameter."]}
    ok = client.get(
        "/api/v1/families?status=active&page=1&page_size=10", headers=auth(db, lab.lead)
    )
    assert ok.status_code == 200


def test_405_keeps_its_allow_header(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    response = client.delete("/api/v1/families", headers=auth(db, lab.lead))
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.get_json()["code"] == 405


def test_a_method_no_page_serves_is_405_with_allow_not_a_csrf_refusal(client: FlaskClient) -> None:
    answer = client.put("/healthz")
    assert answer.status_code == 405
    assert "GET" in answer.headers["Allow"]


def test_a_patch_without_a_body_is_refused_and_changes_nothing(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    family = make_family(db, lab)
    answer = client.patch(f"/api/v1/families/{family.id}", headers=auth(db, lab.lead))
    assert answer.status_code == 400
    assert answer.get_json()["errors"] == {"body": ["Missing."]}


def test_a_boolean_is_true_or_false_not_one_or_zero(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    user = client.get(f"/api/v1/users/{lab.member.id}", headers=auth(db, lab.admin))
    answer = client.patch(
        f"/api/v1/users/{lab.member.id}",
        json={"active": 0},
        headers={**auth(db, lab.admin), "If-Match": user.headers["ETag"]},
    )
    assert answer.status_code == 422
    assert "active" in answer.get_json()["errors"]
