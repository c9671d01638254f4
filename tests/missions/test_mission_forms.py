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
