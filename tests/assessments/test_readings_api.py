"""/families/{id}/assessments: a level per domain, the derived overall level with levels carried
forward, the override with its reason, and corrections that ripple to later readings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import TODAY, auth, events_of, make_family, only, setting, statuses, url
from velferdslab.vocabulary import DOMAINS

# Levels: unsustainable 0, exposed 1, stable 2, sustainable 3.
JANUARY = {"housing": "unsustainable", "work": "stable", "school": "exposed",
           "health": "sustainable"}  # fmt: skip
MARCH = {"housing": "stable", "network": "exposed"}
JUNE = {"school": "sustainable", "finance": "unsustainable"}
FEBRUARY = {"housing": "sustainable", "childhood": "unsustainable"}  # entered late


def record(client: FlaskClient, headers: dict[str, str], family_id: int, on: str,
           levels: dict[str, str], **more: Any) -> Any:  # fmt: skip
    response = client.post(
        url(family_id, "/assessments"), json={"assessed_on": on, "levels": levels, **more},
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 201, response.get_json()
    return response


def overalls(client: FlaskClient, headers: dict[str, str], family_id: int) -> list[str]:
    listed = client.get(url(family_id, "/assessments"), headers=headers).get_json()
    return [a["overall"] for a in listed]


def test_lowest_rule_over_the_carried_forward_levels(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    member = auth(db, s.lab.member)
    for on, levels in (("2025-01-06", JANUARY), ("2025-03-03", MARCH), ("2025-06-02", JUNE)):
        record(client, member, s.family.id, on, levels)
    # Jan: worst 0. Mar: housing 2, work 2, school 1, health 3, network 1 → 1. Jun: finance 0.
    assert overalls(client, member, s.family.id) == ["unsustainable", "exposed", "unsustainable"]


def test_median_rule_and_a_reading_entered_late(
    client: FlaskClient, db: scoped_session, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "OVERALL_RULE", "median")
    s = setting(db)
    member = auth(db, s.lab.member)
    for on, levels in (("2025-01-06", JANUARY), ("2025-03-03", MARCH), ("2025-06-02", JUNE)):
        record(client, member, s.family.id, on, levels)
    # lower median of the levels in force: Jan [0,1,2,3] → 1; Mar [1,1,2,2,3] → 2;
    # Jun [0,1,2,2,3,3] → 2
    assert overalls(client, member, s.family.id) == ["exposed", "stable", "stable"]
    late = record(client, member, s.family.id, "2025-02-03", FEBRUARY)
    # Feb [0,1,2,3,3] → 2; Mar now carries childhood 0: [0,1,1,2,2,3] → 1;
    # Jun [0,0,1,2,2,3,3] → 2
    assert late.get_json()["overall"] == "stable"
    assert overalls(client, member, s.family.id) == ["exposed", "stable", "exposed", "stable"]
    # moving the late reading after June gives March its old overall back
    moved = client.patch(
        url(s.family, f"/assessments/{late.get_json()['id']}"),
        json={"assessed_on": "2025-07-01"}, headers=member,
    )  # fmt: skip
    assert moved.status_code == 200, moved.get_json()
    assert overalls(client, member, s.family.id) == ["exposed", "stable", "stable", "stable"]


def test_the_output_names_every_domain_and_the_assessor(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    member = auth(db, s.lab.member)
    created = record(
        client, member, s.family.id, "2025-01-06", {"housing": "exposed"},
        rationale={"housing": "Midlertidig bolig"}, family_levels={"housing": "stable"},
    )  # fmt: skip
    body = created.get_json()
    assert body == {
        "id": body["id"], "assessed_on": "2025-01-06",
        "levels": {d: ("exposed" if d == "housing" else None) for d in DOMAINS},
        "rationale": {"housing": "Midlertidig bolig"}, "family_levels": {"housing": "stable"},
        "overall": "exposed", "overall_override": None, "override_reason": None,
        "assessed_by": s.lab.member.id,
    }  # fmt: skip
    assert created.headers["ETag"]
    one = client.get(url(s.family, f"/assessments/{body['id']}"), headers=member)
    assert one.get_json() == body


def test_an_override_needs_a_reason_on_create_and_on_patch(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    refused = client.post(
        url(s.family, "/assessments"),
        json={"assessed_on": "2025-01-06", "levels": {"work": "exposed"},
              "overall_override": "stable", "override_reason": "   "},
        headers=lead,
    )  # fmt: skip
    assert refused.status_code == 422 and "override_reason" in refused.get_json()["errors"]
    created = record(client, lead, s.family.id, "2025-01-06", {"work": "exposed"})
    one = url(s.family, f"/assessments/{created.get_json()['id']}")
    bare = client.patch(one, json={"overall_override": "stable"}, headers=lead)
    assert bare.status_code == 422 and "override_reason" in bare.get_json()["errors"]
    kept = client.patch(
        one, json={"overall_override": "stable", "override_reason": "Tryggere enn tallene"},
        headers=lead,
    )  # fmt: skip
    body = kept.get_json()
    assert (body["overall"], body["overall_override"], body["override_reason"]) == (
        "exposed", "stable", "Tryggere enn tallene",
    )  # fmt: skip


def test_bad_readings_are_refused_and_nothing_is_stored(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    member = auth(db, s.lab.member)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    cases = [
        ({"assessed_on": "2025-01-06", "levels": {"garden": "stable"}}, "levels"),
        ({"assessed_on": "2025-01-06", "levels": {}}, "levels"),
        ({"assessed_on": "2025-01-06", "levels": {"work": None}}, "levels"),
        ({"assessed_on": tomorrow, "levels": {"work": "stable"}}, "assessed_on"),
        ({"assessed_on": "2025-01-06", "levels": {"work": "stable"},
          "rationale": {"work": "x" * 2001}}, "rationale"),
        ({"assessed_on": "2025-01-06", "levels": {"work": "stable"},
          "family_levels": {"work": "fine"}}, "family_levels"),
    ]  # fmt: skip
    for body, field in cases:
        response = client.post(url(s.family, "/assessments"), json=body, headers=member)
        assert response.status_code == 422, body
        assert any(k.startswith(field) for k in response.get_json()["errors"]), body
    assert client.get(url(s.family, "/assessments"), headers=member).get_json() == []


def test_a_stale_if_match_is_412_and_changes_nothing(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    member = auth(db, s.lab.member)
    created = record(client, member, s.family.id, "2025-01-06", {"work": "exposed"})
    one = url(s.family, f"/assessments/{created.get_json()['id']}")
    tag = created.headers["ETag"]
    first = client.patch(
        one, json={"levels": {"work": "stable"}}, headers={**member, "If-Match": tag}
    )
    assert first.status_code == 200 and first.headers["ETag"] != tag
    stale = client.patch(
        one, json={"levels": {"work": "sustainable"}}, headers={**member, "If-Match": tag}
    )
    assert stale.status_code == 412
    assert client.get(one, headers=member).get_json()["levels"]["work"] == "stable"


def test_an_assessment_of_another_family_is_not_found_here(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    sibling = make_family(db, s.lab)
    theirs = record(client, lead, sibling.id, "2025-01-06", {"work": "exposed"}).get_json()
    one = url(s.family, f"/assessments/{theirs['id']}")
    assert client.get(one, headers=lead).status_code == 404
    assert client.patch(one, json={"rationale": {}}, headers=lead).status_code == 404


def test_who_may_read_and_write_assessments_and_every_read_is_audited(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    team = {"lead", "member"}
    created = record(client, auth(db, s.lab.lead), s.family.id, "2025-01-06", {"work": "stable"})
    one = url(s.family, f"/assessments/{created.get_json()['id']}")
    assert statuses(client, db, s, "GET", url(s.family, "/assessments")) == only(team)
    assert statuses(client, db, s, "GET", one) == only(team)
    assert statuses(client, db, s, "PATCH", one, {"rationale": {"work": "Ok"}}) == only(team)
    body = {"assessed_on": "2025-02-03", "levels": {"work": "exposed"}}
    assert statuses(client, db, s, "POST", url(s.family, "/assessments"), body) == only(team, 201)
    events = events_of(db, s.family.id, "assessment")
    for user in (s.lab.lead, s.lab.member):
        assert {("list", user.id), ("read", user.id), ("update", user.id)} <= set(events)
    assert not {u for _, u in events} - {s.lab.lead.id, s.lab.member.id}
