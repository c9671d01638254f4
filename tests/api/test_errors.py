"""The one error shape, for the errors the framework raises as well as for the services'."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_lab


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
