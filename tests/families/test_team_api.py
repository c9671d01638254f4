"""/families/{id}/team: who is on the investment team, with which mandate, and leaving it."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import TODAY, auth, events_of, make_user, only, setting, statuses, url
from velferdslab.vocabulary import Role

FIELDS = {"id", "user_id", "agency_id", "team_role", "mandate_nok", "joined_on", "left_on"}


def test_the_lead_assembles_the_team(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    newcomer = make_user(db, Role.TEAM_MEMBER, municipality=s.lab.municipality, agency=s.lab.nav)
    added = client.post(
        url(s.family, "/team"),
        json={"user_id": newcomer.id, "agency_id": s.lab.nav.id, "team_role": "member",
              "mandate_nok": 2500.5, "joined_on": "2025-03-01"},
        headers=lead,
    )  # fmt: skip
    assert added.status_code == 201, added.get_json()
    body = added.get_json()
    assert set(body) == FIELDS
    assert (body["mandate_nok"], body["joined_on"], body["left_on"]) == (2500.5, "2025-03-01", None)
    changed = client.patch(
        url(s.family, f"/team/{body['id']}"), json={"mandate_nok": 4000},
        headers={**lead, "If-Match": added.headers["ETag"]},
    )  # fmt: skip
    assert changed.status_code == 200 and changed.get_json()["mandate_nok"] == 4000
    team = client.get(url(s.family, "/team"), headers=lead).get_json()
    assert newcomer.id in [m["user_id"] for m in team] and len(team) == 4
    assert [a for a, _ in events_of(db, s.family.id, "team_membership")] == [
        "create", "update", "list",
    ]  # fmt: skip


def test_a_staff_member_joins_for_their_own_agency(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    nav_worker = make_user(db, Role.TEAM_MEMBER, municipality=s.lab.municipality, agency=s.lab.nav)
    refused = client.post(
        url(s.family, "/team"),
        json={"user_id": nav_worker.id, "agency_id": s.lab.housing.id, "team_role": "member",
              "joined_on": "2025-03-01"},
        headers=auth(db, s.lab.lead),
    )  # fmt: skip
    assert refused.status_code == 422 and "agency_id" in refused.get_json()["errors"]


def test_removal_ends_the_membership_at_once_and_keeps_the_row(
    client: FlaskClient, db: scoped_session
) -> None:
    s = setting(db)
    lead, member = auth(db, s.lab.lead), auth(db, s.lab.member)
    team = client.get(url(s.family, "/team"), headers=lead).get_json()
    mine = next(m for m in team if m["user_id"] == s.lab.member.id)
    ended = client.delete(url(s.family, f"/team/{mine['id']}"), headers=lead)
    assert ended.status_code == 200
    assert ended.get_json()["left_on"] == str(TODAY - dt.timedelta(days=1))
    assert client.get(url(s.family), headers=member).status_code == 404
    again = client.delete(url(s.family, f"/team/{mine['id']}"), headers=lead)
    assert again.status_code == 409 and "left_on" in again.get_json()["errors"]
    kept = client.get(url(s.family, "/team"), headers=lead).get_json()
    assert mine["id"] in [m["id"] for m in kept]


def test_bad_team_input_is_refused(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    lead = auth(db, s.lab.lead)
    team = client.get(url(s.family, "/team"), headers=lead).get_json()
    one = url(s.family, f"/team/{team[0]['id']}")
    for body, field in (
        ({"left_on": "2000-01-01"}, "left_on"),
        ({"mandate_nok": -1}, "mandate_nok"),
        ({"team_role": "boss"}, "team_role"),
        ({"user_id": 5}, "user_id"),
    ):
        response = client.patch(one, json=body, headers=lead)
        assert response.status_code == 422 and field in response.get_json()["errors"], body
    stranger = client.post(
        url(s.family, "/team"),
        json={"user_id": s.foreign.id, "agency_id": s.lab.nav.id, "team_role": "member",
              "joined_on": "2025-03-01"},
        headers=lead,
    )  # fmt: skip
    assert stranger.status_code == 422 and "user_id" in stranger.get_json()["errors"]


def test_who_may_read_and_change_the_team(client: FlaskClient, db: scoped_session) -> None:
    s = setting(db)
    assert statuses(client, db, s, "GET", url(s.family, "/team")) == only({"lead", "member"})
    membership = client.get(url(s.family, "/team"), headers=auth(db, s.lab.lead)).get_json()[0]
    one = url(s.family, f"/team/{membership['id']}")
    assert statuses(client, db, s, "PATCH", one, {"mandate_nok": 1}) == only({"lead"})
