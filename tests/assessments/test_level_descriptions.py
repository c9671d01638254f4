"""Level help texts over the API: everyone reads them, admins replace one at a time."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_lab
from velferdslab.assessments.descriptions import default_criteria, help_texts
from velferdslab.audit.models import AuditEvent

URL = "/api/v1/level-descriptions"


def test_everyone_reads_every_domain_level_and_language(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    response = client.get(f"{URL}?page_size=500", headers=auth(db, lab.leader))
    assert response.status_code == 200
    rows = response.get_json()
    assert json.loads(response.headers["X-Pagination"])["total"] == len(rows) == 7 * 4 * 2
    first = rows[0]
    assert set(first) == {"domain", "level", "language", "text", "edited"}
    housing = [r for r in rows if (r["domain"], r["language"]) == ("housing", "nb")]
    assert [r["level"] for r in housing] == ["unsustainable", "exposed", "stable", "sustainable"]
    assert housing[0]["text"] == default_criteria()["nb"]["housing"][0]
    assert not any(r["edited"] for r in rows)
    english = client.get(f"{URL}?language=en&domain=work", headers=auth(db, lab.member))
    assert {(r["language"], r["domain"]) for r in english.get_json()} == {("en", "work")}


def test_an_admin_replaces_one_text(app: Flask, client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    url = f"{URL}/work/stable/nb"
    response = client.put(
        url, json={"text": "Fast jobb i minst seks måneder."}, headers=auth(db, lab.admin)
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "domain": "work", "level": "stable", "language": "nb",
        "text": "Fast jobb i minst seks måneder.", "edited": True,
    }  # fmt: skip
    again = client.put(url, json={"text": "Andre gang."}, headers=auth(db, lab.admin))
    assert again.status_code == 200
    rows = client.get(f"{URL}?language=nb&domain=work", headers=auth(db, lab.member)).get_json()
    assert [r["text"] for r in rows if r["edited"]] == ["Andre gang."]
    with app.app_context():
        assert help_texts("nb")["work"][2] == "Andre gang."
    events = db.query(AuditEvent).filter(AuditEvent.entity == "level_description").all()
    assert len(events) == 2 and events[0].user_id == lab.admin.id


def test_only_admins_write_and_bad_input_is_refused(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    body = {"text": "Ny tekst"}
    for user in (lab.lead, lab.member, lab.leader, lab.auditor):
        assert (
            client.put(f"{URL}/work/stable/nb", json=body, headers=auth(db, user)).status_code
            == 403
        )
    admin = auth(db, lab.admin)
    for path in ("leisure/stable/nb", "work/great/nb", "work/stable/sv", "work/2/nb"):
        assert client.put(f"{URL}/{path}", json=body, headers=admin).status_code == 404
    for bad in ({"text": ""}, {"text": "   "}, {"text": "a\x00b"}, {"text": "x" * 2001}):
        response = client.put(f"{URL}/work/stable/nb", json=bad, headers=admin)
        assert response.status_code == 422 and "text" in response.get_json()["errors"]
    extra = client.put(f"{URL}/work/stable/nb", json={**body, "level": 3}, headers=admin)
    assert extra.status_code == 422
    rows = client.get(f"{URL}?language=nb", headers=admin).get_json()
    assert not any(r["edited"] for r in rows)
