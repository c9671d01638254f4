"""/families/{id}/trajectory (levels only, auditors too) and /notes (the team's log)."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import TODAY, auth, events_of, only, setting, statuses, url
from velferdslab.vocabulary import DOMAINS


def test_the_trajectory_carries_levels_forward_per_date(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    readings = [
        {"assessed_on": "2025-01-06", "levels": {"housing": "unsustainable", "work": "stable"},
         "rationale": {"housing": "Bor hos venner"}},
        {"assessed_on": "2025-04-07", "levels": {"housing": "stable"}},
        # a second reading on the same date: the later recorded wins, with the override
        {"assessed_on": "2025-04-07", "levels": {"housing": "exposed"},
         "overall_override": "stable", "override_reason": "Ny leiekontrakt er signert"},
    ]  # fmt: skip
    for body in readings:
        assert (
            client.post(url(s.family, "/assessments"), json=body, headers=lead).status_code == 201
        )
    auditor = auth(db, s.lab.auditor)
    points = client.get(url(s.family, "/trajectory"), headers=auditor).get_json()
    nothing = dict.fromkeys(DOMAINS)
    assert points == [
        {"assessed_on": "2025-01-06", "overall": "unsustainable", "overall_override": None,
         "levels": {**nothing, "housing": "unsustainable", "work": "stable"}},
        {"assessed_on": "2025-04-07", "overall": "exposed", "overall_override": "stable",
         "levels": {**nothing, "housing": "exposed", "work": "stable"}},
    ]  # fmt: skip
    assert ("read", s.lab.auditor.id) in events_of(db, s.family.id, "trajectory")


def test_who_may_read_the_trajectory(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    expected = only({"lead", "member", "auditor"})
    assert statuses(client, db, s, "GET", url(s.family, "/trajectory")) == expected


def test_notes_are_written_by_the_current_user(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    member = auth(db, s.lab.member)
    written = client.post(
        url(s.family, "/notes"),
        json={"text": "Møte med skolen", "domain": "school", "written_on": "2025-03-04"},
        headers=member,
    )  # fmt: skip
    assert written.status_code == 201, written.get_json()
    body = written.get_json()
    assert body == {
        "id": body["id"], "written_on": "2025-03-04", "domain": "school",
        "text": "Møte med skolen", "author_id": s.lab.member.id,
    }  # fmt: skip
    today = client.post(
        url(s.family, "/notes"), json={"text": "Kort"}, headers=auth(db, s.lab.lead)
    )
    assert today.get_json()["written_on"] == TODAY.isoformat()
    assert today.get_json()["author_id"] == s.lab.lead.id and today.get_json()["domain"] is None
    listed = client.get(url(s.family, "/notes"), headers=member).get_json()
    assert [n["id"] for n in listed] == [today.get_json()["id"], body["id"]]  # newest first
    assert [a for a, _ in events_of(db, s.family.id, "progress_note")] == [
        "create", "create", "list",
    ]  # fmt: skip


def test_bad_notes_are_refused(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    member = auth(db, s.lab.member)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    for body, field in (
        ({"text": ""}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"text": "x", "domain": "garden"}, "domain"),
        ({"text": "x", "written_on": tomorrow}, "written_on"),
        ({"text": "x", "author_id": s.lab.lead.id}, "author_id"),
    ):
        response = client.post(url(s.family, "/notes"), json=body, headers=member)
        assert response.status_code == 422 and field in response.get_json()["errors"], body
    longest = client.post(url(s.family, "/notes"), json={"text": "x" * 10_000}, headers=member)
    assert longest.status_code == 201
    assert len(client.get(url(s.family, "/notes"), headers=member).get_json()) == 1


def test_who_may_read_and_write_notes(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    team = {"lead", "member"}
    assert statuses(client, db, s, "GET", url(s.family, "/notes")) == only(team)
    assert statuses(client, db, s, "POST", url(s.family, "/notes"), {"text": "x"}) == only(
        team, 201
    )
