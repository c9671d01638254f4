"""/families/{id}/goals and /measures: the shared plan, target levels by name."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import auth, events_of, make_family, make_user, only, setting, statuses, url
from velferdslab.plans.models import Goal
from velferdslab.vocabulary import Role


def test_a_goal_has_a_target_level_by_name_stored_as_its_number(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    created = client.post(
        url(s.family, "/goals"),
        json={"domain": "housing", "target_level": "stable", "target_date": "2026-06-30",
              "description": "Egen leilighet"},
        headers=lead,
    )  # fmt: skip
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body == {
        "id": body["id"], "domain": "housing", "target_level": "stable",
        "target_date": "2026-06-30", "description": "Egen leilighet", "closed_on": None,
    }  # fmt: skip
    db.expire_all()
    assert db.get(Goal, body["id"]).target_level == 2  # type: ignore[union-attr]
    changed = client.patch(
        url(s.family, f"/goals/{body['id']}"), json={"target_level": "sustainable"},
        headers={**lead, "If-Match": created.headers["ETag"]},
    )  # fmt: skip
    assert changed.get_json()["target_level"] == "sustainable"
    stale = client.patch(
        url(s.family, f"/goals/{body['id']}"), json={"description": "x"},
        headers={**lead, "If-Match": created.headers["ETag"]},
    )  # fmt: skip
    assert stale.status_code == 412
    listed = client.get(url(s.family, "/goals"), headers=auth(db, s.lab.member)).get_json()
    assert [g["target_level"] for g in listed] == ["sustainable"]
    assert [a for a, _ in events_of(db, s.family.id, "goal")] == ["create", "update", "list"]


def test_bad_goals_are_refused(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    for body, field in (
        ({"domain": "garden", "target_level": "stable"}, "domain"),
        ({"domain": "housing", "target_level": 2}, "target_level"),
        ({"domain": "housing", "target_level": "great"}, "target_level"),
        ({"target_level": "stable"}, "domain"),
    ):
        response = client.post(url(s.family, "/goals"), json=body, headers=lead)
        assert response.status_code == 422 and field in response.get_json()["errors"], body
    assert client.get(url(s.family, "/goals"), headers=lead).get_json() == []


def test_a_team_member_adds_a_measure_owned_by_a_team_member(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    member = auth(db, s.lab.member)
    goal = client.post(
        url(s.family, "/goals"), json={"domain": "work", "target_level": "exposed"},
        headers=auth(db, s.lab.lead),
    ).get_json()  # fmt: skip
    created = client.post(
        url(s.family, "/measures"),
        json={"description": "Arbeidstrening", "domain": "work", "owner_user_id": s.lab.member.id,
              "due_on": "2026-01-31", "goal_id": goal["id"]},
        headers=member,
    )  # fmt: skip
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body == {
        "id": body["id"], "description": "Arbeidstrening", "domain": "work",
        "owner_user_id": s.lab.member.id, "due_on": "2026-01-31", "status": "planned",
        "goal_id": goal["id"],
    }  # fmt: skip
    done = client.patch(
        url(s.family, f"/measures/{body['id']}"), json={"status": "done"},
        headers={**member, "If-Match": created.headers["ETag"]},
    )  # fmt: skip
    assert done.status_code == 200 and done.get_json()["status"] == "done"


def test_a_measure_names_only_this_familys_team_and_goals(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    outsider = make_user(db, Role.TEAM_MEMBER, municipality=s.lab.municipality, agency=s.lab.nav)
    sibling = make_family(db, s.lab)
    their_goal = client.post(
        url(sibling, "/goals"), json={"domain": "work", "target_level": "stable"}, headers=lead
    ).get_json()
    for body, field in (
        ({"description": "x", "owner_user_id": outsider.id}, "owner_user_id"),
        ({"description": "x", "goal_id": their_goal["id"]}, "goal_id"),
        ({"description": "x", "status": "forgotten"}, "status"),
        ({"description": ""}, "description"),
    ):
        response = client.post(url(s.family, "/measures"), json=body, headers=lead)
        assert response.status_code == 422 and field in response.get_json()["errors"], body
    assert client.get(url(s.family, "/measures"), headers=lead).get_json() == []


def test_a_record_of_another_family_is_not_found_under_this_one(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    sibling = make_family(db, s.lab)
    goal = client.post(
        url(sibling, "/goals"), json={"domain": "work", "target_level": "stable"}, headers=lead
    ).get_json()
    measure = client.post(url(sibling, "/measures"), json={"description": "x"}, headers=lead)
    assert client.patch(
        url(s.family, f"/goals/{goal['id']}"), json={"description": "y"}, headers=lead
    ).status_code == 404  # fmt: skip
    assert client.patch(
        url(s.family, f"/measures/{measure.get_json()['id']}"), json={"status": "done"},
        headers=lead,
    ).status_code == 404  # fmt: skip


def test_who_may_read_and_write_the_plan(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    team = {"lead", "member"}
    assert statuses(client, db, s, "GET", url(s.family, "/goals")) == only(team)
    goal = {"domain": "housing", "target_level": "stable"}
    assert statuses(client, db, s, "POST", url(s.family, "/goals"), goal) == only({"lead"}, 201)
    assert statuses(client, db, s, "GET", url(s.family, "/measures")) == only(team)
    measure = {"description": "Leksehjelp"}
    assert statuses(client, db, s, "POST", url(s.family, "/measures"), measure) == only(team, 201)
