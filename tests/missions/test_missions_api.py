"""/missions over the hand-computed fixture in the database: making and steering a mission
through the policy, its target versions, its progress (API = page = PDF), and who sees which
municipality's line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import add_assessment, auth, make_family, make_lab, make_user
from tests.missions import fixture
from velferdslab.families.models import Family
from velferdslab.plans.models import Goal
from velferdslab.vocabulary import Role

pytestmark = pytest.mark.db


def build(db: scoped_session) -> dict[str, Any]:
    labs = {m: make_lab(db) for m in (fixture.A, fixture.B, fixture.C)}
    families = {}
    for (m, n), readings in fixture.READINGS.items():
        family = make_family(db, labs[m], referred_on=fixture.ENROLLED[m] - dt.timedelta(days=14))
        families[(m, n)] = family
        family.enrolled_on = fixture.ENROLLED[m]
        for on, level in readings:
            add_assessment(db, family, on, housing=level)
        for domain, level, on in fixture.GOALS.get((m, n), []):
            db.add(Goal(family_id=family.id, domain=domain, target_level=level, target_date=on))
    db.flush()
    regional = make_user(db, Role.LEADER)
    admin = make_user(db, Role.ADMIN)
    ids = [labs[m].municipality.id for m in (fixture.A, fixture.B, fixture.C)]
    return {"labs": labs, "regional": regional, "admin": admin, "ids": ids, "families": families}


BODY = {
    "name": "60 % stabil eller bedre innen 31.12.2026",
    "indicator": "share_stable_or_better",
    "baseline": {"value": 0.1, "on": "2023-01-01"},
    "target": {"value": 0.6, "by": "2026-12-31"},
}


def create(client: FlaskClient, db: scoped_session, world: dict, user: Any, **extra: Any) -> Any:
    body = {**BODY, "municipality_ids": world["ids"], **extra}
    return client.post("/api/v1/missions", json=body, headers=auth(db, user))


def test_a_regional_leader_sees_the_hand_computed_progress(
    client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    made = create(client, db, world, world["regional"])
    assert made.status_code == 201, made.get_json()
    mission = made.get_json()
    auditor = make_user(db, Role.AUDITOR)  # regional, unsuppressed
    answer = client.get(
        f"/api/v1/missions/{mission['id']}/progress?as_of=2026-01-15", headers=auth(db, auditor)
    ).get_json()
    assert answer["as_of"] == "2025-12-31"
    assert [p["value"] for p in answer["series"]][-1] == 0.4333
    assert answer["series"][-1]["required"] == 0.475 and answer["gap"] == -0.0417
    assert answer["forecast_at_deadline"] == 0.5
    assert len(answer["by_municipality"]) == 3


def test_who_makes_a_mission_and_who_sees_which_line(
    client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    municipal = world["labs"][fixture.A].leader
    assert create(client, db, world, municipal).status_code == 403
    assert create(client, db, world, world["labs"][fixture.A].lead).status_code == 403
    made = create(client, db, world, world["admin"], owner_id=world["regional"].id)
    assert made.status_code == 201, made.get_json()
    url = f"/api/v1/missions/{made.get_json()['id']}/progress?as_of=2025-12-31"
    lines = client.get(url, headers=auth(db, municipal)).get_json()["by_municipality"]
    own_town = world["labs"][fixture.A].municipality.id
    assert [line["municipality_id"] for line in lines] == [own_town]
    # The admin reads the mission, never its figures.
    assert client.get(url, headers=auth(db, world["admin"])).status_code == 403
    # A mission of their own shows a municipal leader every line.
    own = create(client, db, world, world["regional"], owner_id=municipal.id).get_json()
    url = f"/api/v1/missions/{own['id']}/progress?as_of=2025-12-31"
    assert len(client.get(url, headers=auth(db, municipal)).get_json()["by_municipality"]) == 3
    # A mission not counting their municipality is missing to them.
    other = create(client, db, world, world["regional"], municipality_ids=world["ids"][1:])
    path = f"/api/v1/missions/{other.get_json()['id']}"
    assert client.get(path, headers=auth(db, municipal)).status_code == 404


def test_an_adjustment_after_a_report_is_a_new_version_and_both_stay(
    client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    regional = world["regional"]
    mission = create(client, db, world, regional).get_json()
    path = f"/api/v1/missions/{mission['id']}"
    # Before any report the target changes in place.
    changed = client.patch(path, json={"target": {"value": 0.55, "by": "2026-12-31"}},
                           headers=auth(db, regional))  # fmt: skip
    assert changed.status_code == 200 and changed.get_json()["version"] == 1
    decided = client.post(
        f"{path}/decisions",
        json={"decision": "adjust", "on": "2026-01-20", "note": "Mer til bolig",
              "target": {"value": 0.5, "by": "2027-12-31"}},
        headers=auth(db, regional),
    )  # fmt: skip
    body = decided.get_json()
    assert decided.status_code == 201, body
    assert body["version"] == 2 and [t["target"]["value"] for t in body["targets"]] == [0.55, 0.5]
    assert body["decisions"] == [
        {"on": "2026-01-20", "decision": "adjust", "note": "Mer til bolig",
         "decided_by": regional.id, "target_version": 2}
    ]  # fmt: skip
    refused = client.post(f"{path}/decisions", json={"decision": "stop", "target": {
        "value": 0.4, "by": "2027-12-31"}}, headers=auth(db, regional))  # fmt: skip
    assert refused.status_code == 422 and "target" in refused.get_json()["errors"]


def test_the_baseline_is_offered_from_the_data(client: FlaskClient, db: scoped_session) -> None:
    world = build(db)
    body = {**BODY, "baseline": {"on": "2024-03-31"}}
    made = create(client, db, world, world["regional"], **body)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["baseline"] == {"value": 0.45, "on": "2024-03-31"}  # 9 of 20


def test_a_bad_mission_is_refused_with_field_messages(
    client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    late = create(client, db, world, world["regional"],
                  target={"value": 0.6, "by": "2022-12-31"})  # fmt: skip
    assert late.status_code == 422 and "target" in late.get_json()["errors"]
    share = create(client, db, world, world["regional"], target={"value": 60, "by": "2026-12-31"})
    assert share.status_code == 422 and "target" in share.get_json()["errors"]
    assert db.query(Family).count() == 30


def test_a_municipal_auditor_reads_a_wider_mission_suppressed(
    client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    mission = create(client, db, world, world["regional"]).get_json()
    url = f"/api/v1/missions/{mission['id']}/progress?as_of=2025-12-31"
    auditor = world["labs"][fixture.C].auditor
    answer = client.get(url, headers=auth(db, auditor)).get_json()
    assert answer["suppression"]["applied"]
    # C's own 2 of 10 stays hidden too: the mission's total less the others' would give it.
    assert answer["series"][-1]["count"]["suppressed"]
    regional = make_user(db, Role.AUDITOR)
    assert not client.get(url, headers=auth(db, regional)).get_json()["suppression"]["applied"]


def test_a_stale_if_match_is_refused_after_a_decision(
    client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    regional = world["regional"]
    made = create(client, db, world, regional)
    path = f"/api/v1/missions/{made.get_json()['id']}"
    etag = client.get(path, headers=auth(db, regional)).headers["ETag"]
    client.post(f"{path}/decisions", json={"decision": "continue"}, headers=auth(db, regional))
    stale = {**auth(db, regional), "If-Match": etag}
    assert client.patch(path, json={"name": "Nytt navn"}, headers=stale).status_code == 412


def test_each_change_of_a_mission_is_audited_once(client: FlaskClient, db: scoped_session) -> None:
    from velferdslab.audit.models import AuditEvent

    world = build(db)
    regional = world["regional"]
    mission = create(client, db, world, regional).get_json()
    path = f"/api/v1/missions/{mission['id']}"
    client.patch(path, json={"name": "Nytt navn"}, headers=auth(db, regional))
    client.post(f"{path}/decisions", json={"decision": "stop"}, headers=auth(db, regional))
    events = db.query(AuditEvent.action, AuditEvent.user_id).filter(
        AuditEvent.entity == "mission", AuditEvent.entity_id == mission["id"]
    )
    assert sorted(events) == sorted(
        [("create", regional.id), ("update", regional.id), ("decide", regional.id)]
    )


def test_a_new_reading_changes_the_progress_kept_from_before(
    client: FlaskClient, db: scoped_session
) -> None:
    """The worker keeps a mission's figures under the families' stamps: a reading written after
    a view moves the next view (13 of 30 at stable or better, then 14 of 30)."""
    world = build(db)
    mission = create(client, db, world, world["regional"]).get_json()
    auditor = make_user(db, Role.AUDITOR)
    url = f"/api/v1/missions/{mission['id']}/progress?as_of=2026-01-15"
    before = client.get(url, headers=auth(db, auditor)).get_json()
    assert before["series"][-1]["value"] == 0.4333
    below = next(
        key for key, readings in fixture.READINGS.items() if readings and readings[-1][1] < 2
    )
    add_assessment(db, world["families"][below], dt.date(2025, 12, 1), housing=3)
    db.flush()
    after = client.get(url, headers=auth(db, auditor)).get_json()
    assert after["series"][-1]["value"] == 0.4667
