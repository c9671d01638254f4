"""/families/{id}/expenditures: the mandate, the year's budget and the lead's decision."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import (
    TODAY,
    Setting,
    auth,
    events_of,
    make_family,
    only,
    setting,
    statuses,
    url,
)


def spend(s: Setting, amount: float, **more: Any) -> dict[str, Any]:
    return {"spent_on": TODAY.isoformat(), "amount": amount, "description": "Depositum",
            "domain": "housing", "paying_agency_id": s.lab.nav.id, **more}  # fmt: skip


def test_within_the_mandate_it_is_approved_at_once_by_the_requester(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)  # the member's mandate: 10 000
    created = client.post(
        url(s.family, "/expenditures"), json=spend(s, 10000), headers=auth(db, s.lab.member)
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["decided_at"] is not None
    assert {k: v for k, v in body.items() if k not in ("id", "decided_at")} == {
        "spent_on": TODAY.isoformat(), "amount": 10000.0, "description": "Depositum",
        "domain": "housing", "paying_agency_id": s.lab.nav.id, "measure_id": None,
        "status": "approved", "requested_by": s.lab.member.id, "decided_by": s.lab.member.id,
        "decision_note": None,
    }  # fmt: skip


def test_above_the_mandate_it_waits_and_the_lead_decides(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    member, lead = auth(db, s.lab.member), auth(db, s.lab.lead)
    pending = client.post(url(s.family, "/expenditures"), json=spend(s, 10000.01), headers=member)
    assert pending.status_code == 201
    assert (pending.get_json()["status"], pending.get_json()["decided_by"]) == ("pending", None)
    eid = pending.get_json()["id"]
    # the team member cannot decide: the decision is not theirs to see
    refused = client.post(url(s.family, f"/expenditures/{eid}/approve"), json={}, headers=member)
    assert refused.status_code == 404
    approved = client.post(
        url(s.family, f"/expenditures/{eid}/approve"), json={"note": "Ok"}, headers=lead
    )
    assert approved.status_code == 200
    body = approved.get_json()
    assert (body["status"], body["decided_by"], body["decision_note"]) == (
        "approved", s.lab.lead.id, "Ok",
    )  # fmt: skip
    twice = client.post(url(s.family, f"/expenditures/{eid}/reject"), json={}, headers=lead)
    assert twice.status_code == 409
    other = client.post(url(s.family, "/expenditures"), json=spend(s, 20000), headers=member)
    rejected = client.post(
        url(s.family, f"/expenditures/{other.get_json()['id']}/reject"), json={}, headers=lead
    )
    assert rejected.get_json()["status"] == "rejected"
    actions = [a for a, _ in events_of(db, s.family.id, "expenditure")]
    assert actions == ["create", "approve", "create", "reject"]


def test_an_approval_that_would_pass_the_budget_is_refused_and_nothing_changes(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)  # budget 100 000
    member, lead = auth(db, s.lab.member), auth(db, s.lab.lead)
    waiting = client.post(url(s.family, "/expenditures"), json=spend(s, 60000), headers=member)
    client.post(url(s.family, "/expenditures"), json=spend(s, 50000), headers=lead)
    eid = waiting.get_json()["id"]
    refused = client.post(url(s.family, f"/expenditures/{eid}/approve"), json={}, headers=lead)
    assert refused.status_code == 409
    assert "50000.00 NOK" in refused.get_json()["message"]  # what is left, said plainly
    one = client.get(url(s.family, f"/expenditures/{eid}"), headers=lead).get_json()
    assert (one["status"], one["decided_by"]) == ("pending", None)


def test_past_the_budget_or_without_one_is_a_clear_409(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    over = client.post(url(s.family, "/expenditures"), json=spend(s, 100000.01), headers=lead)
    assert over.status_code == 409 and "amount" in over.get_json()["errors"]
    no_budget = client.post(
        url(s.family, "/expenditures"), json=spend(s, 10, spent_on="2024-05-01"), headers=lead
    )
    assert no_budget.status_code == 409 and "2024" in no_budget.get_json()["message"]
    assert client.get(url(s.family, "/expenditures"), headers=lead).get_json() == []


def test_the_paying_agency_and_the_measure_belong_to_the_family(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    sibling = make_family(db, s.lab)
    their_measure = client.post(url(sibling, "/measures"), json={"description": "x"}, headers=lead)
    for body, field in (
        (spend(s, 10, paying_agency_id=s.foreign.agency_id), "paying_agency_id"),
        (spend(s, 10, measure_id=their_measure.get_json()["id"]), "measure_id"),
        (spend(s, 10, domain="garden"), "domain"),
        (spend(s, 0), "amount"),
        ({**spend(s, 10), "description": ""}, "description"),
    ):
        response = client.post(url(s.family, "/expenditures"), json=body, headers=lead)
        assert response.status_code == 422 and field in response.get_json()["errors"], body
    assert client.get(url(s.family, "/expenditures"), headers=lead).get_json() == []


def test_an_expenditure_of_another_family_is_not_found_here(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    sibling = make_family(db, s.lab)
    theirs = client.post(url(sibling, "/expenditures"), json=spend(s, 60000),
                         headers=auth(db, s.lab.member)).get_json()  # fmt: skip
    for tail in ("", "/approve", "/reject"):
        method = "GET" if not tail else "POST"
        response = client.open(
            url(s.family, f"/expenditures/{theirs['id']}{tail}"), method=method,
            json={} if tail else None, headers=lead,
        )  # fmt: skip
        assert response.status_code == 404, tail


def test_spending_limits_show_what_the_form_needs(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    member = auth(db, s.lab.member)
    client.post(url(s.family, "/expenditures"), json=spend(s, 2500), headers=member)
    client.post(url(s.family, "/expenditures"), json=spend(s, 12000), headers=member)
    limits = client.get(url(s.family, f"/spending-limits?year={TODAY.year}"), headers=member)
    assert limits.get_json() == {
        "year": TODAY.year, "budget": 100000.0, "approved": 2500.0, "pending": 12000.0,
        "remaining": 97500.0, "mandate": 10000.0, "decides_alone": False,
    }  # fmt: skip
    lead_view = client.get(
        url(s.family, "/spending-limits?year=2024"), headers=auth(db, s.lab.lead)
    )
    assert lead_view.get_json()["budget"] is None and lead_view.get_json()["decides_alone"]
    assert ("read", s.lab.member.id) in events_of(db, s.family.id, "spending_limits")


def test_who_may_read_spend_and_decide(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    team = {"lead", "member"}
    readers = team | {"auditor"}
    assert statuses(client, db, s, "GET", url(s.family, "/expenditures")) == only(readers)
    assert statuses(client, db, s, "POST", url(s.family, "/expenditures"), spend(s, 1)) == only(
        team, 201
    )
    assert statuses(client, db, s, "GET", url(s.family, "/spending-limits")) == only(team)
    pending = client.post(
        url(s.family, "/expenditures"), json=spend(s, 20000), headers=auth(db, s.lab.member)
    ).get_json()
    one = url(s.family, f"/expenditures/{pending['id']}")
    assert statuses(client, db, s, "GET", one) == only(readers)
    assert statuses(client, db, s, "POST", f"{one}/approve", {}) == only({"lead"})
