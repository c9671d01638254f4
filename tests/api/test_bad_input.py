"""Bar R5: every kind of bad input gets a clear 4xx with field messages, and nothing is stored."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_family, make_lab
from velferdslab.assessments.models import Assessment, ProgressNote
from velferdslab.budgets.models import Expenditure
from velferdslab.families.models import Member

INJECTIONS = [
    "'; DROP TABLE family; --",
    "<script>alert('x')</script>",
    "{{ 7 * 7 }}",
    "../../etc/passwd",
]
WORDS = ["Blåbær-Ærlige Østby", "Familien 👨‍👩‍👧 er glad 🎉", "مرحبا بالعائلة", "שלום"]


@pytest.fixture
def setting(client: FlaskClient, db: scoped_session):  # type: ignore[no-untyped-def]
    lab = make_lab(db)
    family = make_family(db, lab)
    return lab, family, auth(db, lab.lead)


def counts(db: scoped_session) -> tuple[int, ...]:
    db.expire_all()
    return tuple(
        int(db.scalar(select(func.count()).select_from(model)) or 0)
        for model in (Assessment, Expenditure, Member, ProgressNote)
    )


CASES = [
    # (path under the family, body, the field the message must name)
    ("assessments", {"assessed_on": "2025-01-01", "levels": {"housing": 2}}, "levels.housing"),
    ("assessments", {"assessed_on": "2025-13-45", "levels": {"housing": "stable"}}, "assessed_on"),
    ("assessments", {"assessed_on": "0001-01-01", "levels": {"housing": "stable"}}, "assessed_on"),
    ("assessments", {"assessed_on": "2025-01-01", "levels": {"garden": "stable"}}, "levels.garden"),
    ("assessments", {"assessed_on": "2025-01-01", "levels": {"housing": "ok"}}, "levels.housing"),
    ("assessments", {"assessed_on": "2025-01-01", "levels": "stable"}, "levels"),
    ("assessments", {"levels": {"housing": "stable"}}, "assessed_on"),
    ("assessments", {"assessed_on": "2025-01-01", "levels": {"housing": "stable"},
                     "rationale": {"housing": "x" * 2001}}, "rationale.housing"),
    ("expenditures", {"spent_on": "2025-01-01", "amount": "100", "description": "x",
                      "paying_agency_id": 1}, "amount"),
    ("expenditures", {"spent_on": "2025-01-01", "amount": 1e300, "description": "x",
                      "paying_agency_id": 1}, "amount"),
    ("expenditures", {"spent_on": "2025-01-01", "amount": 10.005, "description": "x",
                      "paying_agency_id": 1}, "amount"),
    ("expenditures", {"spent_on": "2025-01-01", "amount": -5, "description": "x",
                      "paying_agency_id": 1}, "amount"),
    ("expenditures", {"spent_on": "2025-01-01", "amount": 5, "description": "x",
                      "paying_agency_id": 1.5}, "paying_agency_id"),
    ("expenditures", {"spent_on": "2025-01-01", "amount": 5, "description": "x",
                      "paying_agency_id": 99999999999999999999}, "paying_agency_id"),
    ("expenditures", {"spent_on": "2025-01-01", "amount": 5, "description": "x",
                      "paying_agency_id": True}, "paying_agency_id"),
    ("members", {"full_name": "Kari", "relation": "child", "national_id": "31129956716"},
     "national_id"),
    ("members", {"full_name": "Kari", "relation": "child", "national_id": "3112995671X"},
     "national_id"),
    ("members", {"full_name": "Kari", "relation": "child", "national_id": "31129956715",
                 "birth_date": "1999-12-31"}, "birth_date"),
    ("members", {"full_name": "", "relation": "child"}, "full_name"),
    ("members", {"full_name": "Kari", "relation": "cousin"}, "relation"),
    ("members", {"full_name": "Kari", "relation": "child", "admin": True}, "admin"),
    ("notes", {"text": ""}, "text"),
    ("notes", {"text": "x", "domain": "garden"}, "domain"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body", "field"), CASES)
def test_each_bad_field_is_named_and_nothing_is_stored(
    client: FlaskClient,
    db: scoped_session,
    setting,
    path: str,
    body: dict,
    field: str,  # type: ignore[no-untyped-def, type-arg]
) -> None:
    _lab, family, headers = setting
    before = counts(db)
    response = client.post(f"/api/v1/families/{family.id}/{path}", json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert any(key == field or key.startswith(field + ".") for key in errors), errors
    assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)
    assert counts(db) == before


def test_malformed_json_and_wrong_content(client: FlaskClient, db: scoped_session, setting) -> None:  # type: ignore[no-untyped-def]
    _lab, family, headers = setting
    url = f"/api/v1/families/{family.id}/notes"
    broken = client.post(
        url, data='{"text": "x"', headers={**headers, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and broken.get_json()["code"] == 400
    listed = client.post(url, json=["text"], headers=headers)
    assert listed.status_code == 422
    assert counts(db)[3] == 0


def test_a_huge_body_is_413(client: FlaskClient, db: scoped_session, setting) -> None:  # type: ignore[no-untyped-def]
    _lab, family, headers = setting
    response = client.post(
        f"/api/v1/families/{family.id}/notes", json={"text": "x" * 2_000_000}, headers=headers
    )
    assert response.status_code == 413
    assert response.get_json()["code"] == 413 and counts(db)[3] == 0


def test_a_huge_id_in_the_path_is_404(client: FlaskClient, db: scoped_session, setting) -> None:  # type: ignore[no-untyped-def]
    _lab, _family, headers = setting
    response = client.get("/api/v1/families/127819222216945888011485184", headers=headers)
    assert response.status_code == 404 and response.get_json()["code"] == 404


@pytest.mark.parametrize("text", INJECTIONS + WORDS)
def test_any_text_is_stored_and_returned_as_it_was(
    client: FlaskClient,
    db: scoped_session,
    setting,
    text: str,  # type: ignore[no-untyped-def]
) -> None:
    _lab, family, headers = setting
    created = client.post(
        f"/api/v1/families/{family.id}/notes", json={"text": text}, headers=headers
    )
    assert created.status_code == 201 and created.get_json()["text"] == text
    listed = client.get(f"/api/v1/families/{family.id}/notes", headers=headers).get_json()
    assert listed[0]["text"] == text


def test_stored_text_is_escaped_on_the_family_page(
    client: FlaskClient, db: scoped_session, setting
) -> None:  # type: ignore[no-untyped-def]
    from tests.web.test_login import login

    lab, family, headers = setting
    client.post(
        f"/api/v1/families/{family.id}/notes", json={"text": INJECTIONS[1]}, headers=headers
    )
    login(client, lab.lead.username)
    page = client.get(f"/families/{family.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
