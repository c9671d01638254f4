"""/families/{id}/budgets: a year's amount, who contributes, and the spending against it."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import TODAY, auth, events_of, only, setting, statuses, url


def test_the_lead_sets_a_year_and_its_contributions(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    created = client.post(
        url(s.family, "/budgets"),
        json={"year": 2031, "amount": 120000,
              "contributions": [{"agency_id": s.lab.nav.id, "amount": 70000},
                                {"agency_id": s.lab.housing.id, "amount": 49999.5}]},
        headers=lead,
    )  # fmt: skip
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body == {
        "id": body["id"], "year": 2031, "amount": 120000.0,
        "contributions": [{"agency_id": s.lab.nav.id, "amount": 70000.0},
                          {"agency_id": s.lab.housing.id, "amount": 49999.5}],
        "approved": 0.0, "pending": 0.0, "remaining": 120000.0,
    }  # fmt: skip
    again = client.post(url(s.family, "/budgets"), json={"year": 2031, "amount": 1}, headers=lead)
    assert again.status_code == 409


def test_figures_follow_the_spending(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    member = auth(db, s.lab.member)
    spend = {"spent_on": TODAY.isoformat(), "description": "Buss", "paying_agency_id": s.lab.nav.id}
    client.post(url(s.family, "/expenditures"), json={**spend, "amount": 4000}, headers=member)
    client.post(url(s.family, "/expenditures"), json={**spend, "amount": 30000}, headers=member)
    budgets = client.get(url(s.family, "/budgets"), headers=auth(db, s.lab.auditor)).get_json()
    this_year = next(b for b in budgets if b["year"] == TODAY.year)
    assert (this_year["approved"], this_year["pending"], this_year["remaining"]) == (
        4000.0, 30000.0, 96000.0,
    )  # fmt: skip
    assert ("list", s.lab.auditor.id) in events_of(db, s.family.id, "budget")


def test_a_patch_of_the_contributions_alone_moves_the_etag(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    created = client.post(url(s.family, "/budgets"), json={"year": 2031, "amount": 1000},
                          headers=lead)  # fmt: skip
    one = url(s.family, f"/budgets/{created.get_json()['id']}")
    tag = created.headers["ETag"]
    contributions = [{"agency_id": s.lab.housing.id, "amount": 1000}]
    first = client.patch(
        one, json={"contributions": contributions}, headers={**lead, "If-Match": tag}
    )
    assert first.status_code == 200 and first.get_json()["contributions"] == contributions
    assert first.headers["ETag"] != tag
    stale = client.patch(one, json={"amount": 5000}, headers={**lead, "If-Match": tag})
    assert stale.status_code == 412


def test_bad_budgets_are_refused_and_nothing_changes(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    budget = client.get(url(s.family, "/budgets"), headers=lead).get_json()[0]
    one = url(s.family, f"/budgets/{budget['id']}")
    client.post(
        url(s.family, "/expenditures"),
        json={"spent_on": TODAY.isoformat(), "amount": 40000, "description": "Depositum",
              "paying_agency_id": s.lab.nav.id},
        headers=lead,
    )  # fmt: skip
    too_low = client.patch(one, json={"amount": 39999}, headers=lead)
    assert too_low.status_code == 409 and "40000.00" in too_low.get_json()["message"]
    cases = [
        ({"contributions": [{"agency_id": s.foreign.agency_id, "amount": 5}]}, "contributions"),
        ({"contributions": [{"agency_id": s.lab.nav.id, "amount": 200000}]}, "contributions"),
        ({"contributions": [{"agency_id": s.lab.nav.id, "amount": 1},
                            {"agency_id": s.lab.nav.id, "amount": 2}]}, "contributions"),
        ({"amount": 10.001}, "amount"),
        ({"year": 2030}, "year"),
    ]  # fmt: skip
    for body, field in cases:
        response = client.patch(one, json=body, headers=lead)
        assert response.status_code == 422, body
        assert any(k.startswith(field) for k in response.get_json()["errors"]), body
    after = client.get(url(s.family, "/budgets"), headers=lead).get_json()[0]
    assert {k: after[k] for k in ("amount", "contributions")} == {
        k: budget[k] for k in ("amount", "contributions")
    }


def test_who_may_read_and_write_budgets(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    readers = {"lead", "member", "auditor"}
    assert statuses(client, db, s, "GET", url(s.family, "/budgets")) == only(readers)
    body = {"year": 2032, "amount": 10}
    assert statuses(client, db, s, "POST", url(s.family, "/budgets"), body) == only({"lead"}, 201)
