"""The mission pages' forms read numbers as the house reads them (`60,5`, `1 234,5`), store
them exactly, and a refused form keeps what was typed and writes nothing."""

from __future__ import annotations

import html

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.api.test_access_matrix import signed_in
from tests.factories import auth
from tests.missions.test_mission_pages_and_report import plain
from tests.missions.test_missions_api import build, create
from tests.web.test_login import csrf_from

pytestmark = pytest.mark.db


def decide(app: Flask, user: object, mission_id: int, **fields: str) -> tuple[int, str]:
    browser = signed_in(app, user)
    page = f"/missions/{mission_id}"
    token = csrf_from(browser.get(page).get_data(as_text=True))
    form = {"csrf_token": token, "decision": "adjust", "on": "2026-01-20", "note": "Justert",
            "target_by": "2027-12-31", **fields}  # fmt: skip
    answer = browser.post(page, data=form)
    return answer.status_code, html.unescape(answer.get_data(as_text=True))


def stored(client: FlaskClient, db: scoped_session, user: object, mission_id: int) -> dict:
    return client.get(f"/api/v1/missions/{mission_id}", headers=auth(db, user)).get_json()


def test_a_target_typed_with_a_decimal_comma_is_stored_exactly(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    leader = world["regional"]
    share = create(client, db, world, leader).get_json()
    status, _page = decide(app, leader, share["id"], target_value="60,5")
    assert status == 302
    assert stored(client, db, leader, share["id"])["target"] == {"value": 0.605, "by": "2027-12-31"}
    count = create(client, db, world, leader, indicator="families", name="Familier",
                   baseline={"value": 20, "on": "2023-01-01"},
                   target={"value": 40, "by": "2026-12-31"}).get_json()  # fmt: skip
    status, _page = decide(app, leader, count["id"], target_value="1 234,5")
    assert status == 302
    assert stored(client, db, leader, count["id"])["target"]["value"] == 1234.5


@pytest.mark.parametrize(
    ("typed", "message"),
    [("60,55", "Høyst én desimal."), ("seksti", "Skriv et tall"), ("2 000 000", "Fra 0 til")],
)
def test_a_refused_target_keeps_what_was_typed_and_writes_nothing(
    app: Flask, client: FlaskClient, db: scoped_session, typed: str, message: str
) -> None:
    world = build(db)
    leader = world["regional"]
    mission = create(client, db, world, leader).get_json()
    status, page = decide(app, leader, mission["id"], target_value=typed)
    assert status == 422
    assert f'value="{typed}"' in page and message in page
    after = stored(client, db, leader, mission["id"])
    assert after["version"] == 1 and after["decisions"] == []


# --- The page that makes and changes a mission's definition -----------------------------------


def definition(world: dict, **fields: object) -> dict[str, object]:
    return {"name": "Seksti prosent stabile", "indicator": "share_stable_or_better",
            "municipality_ids": [str(i) for i in world["ids"]],
            "owner_id": str(world["regional"].id), "baseline_value": "10",
            "baseline_on": "2023-01-01", "target_value": "60,5", "target_by": "2026-12-31",
            **fields}  # fmt: skip


def post_form(app: Flask, user: object, path: str, form: dict[str, object]) -> tuple[int, str]:
    browser = signed_in(app, user)
    opened = browser.get(path)
    if opened.status_code != 200:  # a page one may not open: a token of a page one may
        opened = browser.get("/account/password")
    token = csrf_from(opened.get_data(as_text=True))
    answer = browser.post(path, data={**form, "csrf_token": token})
    return answer.status_code, html.unescape(answer.get_data(as_text=True))


def missions_seen(client: FlaskClient, db: scoped_session, user: object) -> list[dict]:
    return client.get("/api/v1/missions", headers=auth(db, user)).get_json()


def test_an_admin_makes_a_mission_on_the_page_as_the_api_would(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    world = build(db)
    status, _page = post_form(app, world["admin"], "/missions/new", definition(world))
    assert status == 302
    [made] = missions_seen(client, db, world["admin"])
    assert made["name"] == "Seksti prosent stabile" and made["owner_id"] == world["regional"].id
    assert made["baseline"] == {"value": 0.1, "on": "2023-01-01"}
    assert made["target"] == {"value": 0.605, "by": "2026-12-31"}
    assert sorted(made["municipality_ids"]) == sorted(world["ids"])
    listing = plain(signed_in(app, world["admin"]).get("/missions").get_data(as_text=True))
    assert "Seksti prosent stabile" in listing and "60,5 % innen 31.12.2026" in listing


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"target_by": "2022-12-31"}, "target_by", "Målets dato kommer etter utgangspunktets."),
        ({"municipality_ids": []}, "municipality_ids", "Velg minst én kommune."),
        ({"target_value": "160"}, "target_value", "En andel ligger mellom 0 og 1."),
        ({"owner_id": "0"}, "owner_id", "Må fylles ut."),
    ],
)
def test_a_refused_definition_is_shown_again_beside_its_field_and_nothing_is_made(
    app: Flask, client: FlaskClient, db: scoped_session, change: dict, field: str, message: str
) -> None:
    world = build(db)
    status, page = post_form(app, world["admin"], "/missions/new", definition(world, **change))
    assert status == 422
    assert f'id="{field}-error">{message}' in page and 'value="Seksti prosent stabile"' in page
    assert missions_seen(client, db, world["admin"]) == []


def test_who_may_make_and_change_a_mission_on_the_page(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    from tests.factories import make_lab

    world = build(db)
    mission = create(client, db, world, world["regional"]).get_json()
    municipal_leader = next(iter(world["labs"].values())).leader  # sees it, does not own it
    stranger = make_lab(db).leader  # another municipality's: does not see it
    edit = f"/missions/{mission['id']}/edit"
    renamed = definition(world, name="Omdøpt")
    assert post_form(app, municipal_leader, "/missions/new", definition(world))[0] == 403
    assert post_form(app, municipal_leader, edit, renamed)[0] == 403
    assert post_form(app, stranger, edit, renamed)[0] == 404
    lead = next(iter(world["labs"].values())).lead  # an investment lead reads no missions
    assert signed_in(app, lead).get("/missions").status_code == 403
    assert post_form(app, lead, edit, renamed)[0] == 403
    after = missions_seen(client, db, world["regional"])
    assert [m["name"] for m in after] == [mission["name"]] and after[0]["version"] == 1
    # The regional leader who owns it renames it.
    assert post_form(app, world["regional"], edit, renamed)[0] == 302
    assert missions_seen(client, db, world["regional"])[0]["name"] == "Omdøpt"


def test_a_target_a_report_showed_is_changed_only_after_asking(
    app: Flask, client: FlaskClient, db: scoped_session
) -> None:
    from velferdslab.missions.models import Mission

    world = build(db)
    leader = world["regional"]
    mission = create(client, db, world, leader).get_json()
    db.get(Mission, mission["id"]).target.shown_in_report = True
    db.flush()
    edit = f"/missions/{mission['id']}/edit"
    form = definition(world, name=mission["name"], target_value="55", baseline_value="10")
    status, page = post_form(app, leader, edit, form)
    assert status == 200 and "Lagre endringene i" in page and "blir versjon 2" in page
    assert missions_seen(client, db, leader)[0]["version"] == 1  # asked, nothing changed
    browser = signed_in(app, leader)
    token = csrf_from(browser.get(edit).get_data(as_text=True))
    confirmed = browser.post(edit, data={**form, "csrf_token": token, "confirmed": "yes"})
    assert confirmed.status_code == 302
    after = missions_seen(client, db, leader)[0]
    assert after["version"] == 2 and after["target"]["value"] == 0.55
    assert [t["version"] for t in after["targets"]] == [1, 2]
