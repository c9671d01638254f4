"""/families/{id}/consents: the family's consent opens its team's access, and withdrawal
closes it at once."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import TODAY, auth, events_of, only, setting, statuses, url


def test_the_lead_records_and_lists_consents(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    headers = auth(db, s.lab.lead)
    created = client.post(
        url(s.family, "/consents"),
        json={"given_on": "2025-02-01", "expires_on": "2026-02-01",
              "agency_ids": [s.lab.nav.id], "scope": "Deling mellom NAV og bolig"},
        headers=headers,
    )  # fmt: skip
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body == {
        "id": body["id"], "given_on": "2025-02-01", "expires_on": "2026-02-01",
        "withdrawn_on": None, "agency_ids": [s.lab.nav.id], "scope": "Deling mellom NAV og bolig",
    }  # fmt: skip
    assert created.headers["ETag"]
    listed = client.get(url(s.family, "/consents"), headers=headers).get_json()
    assert body in listed and len(listed) == 2
    assert [a for a, _ in events_of(db, s.family.id, "consent")] == ["create", "list"]


def test_bad_consents_are_refused(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    headers = auth(db, s.lab.lead)
    foreign_agency = s.foreign.agency_id
    cases = [
        ({"given_on": "2025-02-01", "agency_ids": []}, "agency_ids"),
        ({"given_on": "2025-02-01", "agency_ids": [foreign_agency]}, "agency_ids"),
        ({"given_on": "2025-02-01", "expires_on": "2025-01-01", "agency_ids": [s.lab.nav.id]},
         "expires_on"),
        ({"given_on": "2025-02-01", "withdrawn_on": "2099-01-01", "agency_ids": [s.lab.nav.id]},
         "withdrawn_on"),
    ]  # fmt: skip
    for body, field in cases:
        response = client.post(url(s.family, "/consents"), json=body, headers=headers)
        assert response.status_code == 422, body
        assert field in response.get_json()["errors"], response.get_json()
    assert len(client.get(url(s.family, "/consents"), headers=headers).get_json()) == 1


def test_withdrawal_hides_the_family_from_the_team_member_at_once(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    member, lead = auth(db, s.lab.member), auth(db, s.lab.lead)
    assert client.get(url(s.family), headers=member).status_code == 200
    assert client.get(url(s.family, "/assessments"), headers=member).status_code == 200
    consent = client.get(url(s.family, "/consents"), headers=lead).get_json()[0]
    withdrawn = client.patch(
        url(s.family, f"/consents/{consent['id']}"),
        json={"withdrawn_on": TODAY.isoformat()}, headers=lead,
    )  # fmt: skip
    assert withdrawn.status_code == 200 and withdrawn.get_json()["withdrawn_on"] == str(TODAY)
    for tail in ("", "/members", "/assessments", "/notes", "/expenditures"):
        assert client.get(url(s.family, tail), headers=member).status_code == 404, tail
    listed = client.get("/api/v1/families", headers=member).get_json()
    assert s.family.id not in [f["id"] for f in listed]
    # the lead still works with the family, and the withdrawal cannot be undone
    undo = client.patch(
        url(s.family, f"/consents/{consent['id']}"), json={"withdrawn_on": None}, headers=lead
    )
    assert undo.status_code == 409 and "withdrawn_on" in undo.get_json()["errors"]


def test_stale_if_match_on_a_consent_is_412(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    created = client.post(
        url(s.family, "/consents"), json={"given_on": "2025-02-01", "agency_ids": [s.lab.nav.id]},
        headers=lead,
    )  # fmt: skip
    one = url(s.family, f"/consents/{created.get_json()['id']}")
    tag = created.headers["ETag"]
    assert (
        client.patch(one, json={"scope": "A"}, headers={**lead, "If-Match": tag}).status_code == 200
    )
    stale = client.patch(one, json={"scope": "B"}, headers={**lead, "If-Match": tag})
    assert stale.status_code == 412


def test_only_the_lead_sees_consents(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    assert statuses(client, db, s, "GET", url(s.family, "/consents")) == only({"lead"})
    body = {"given_on": "2025-02-01", "agency_ids": [s.lab.nav.id]}
    assert statuses(client, db, s, "POST", url(s.family, "/consents"), body) == only({"lead"}, 201)
