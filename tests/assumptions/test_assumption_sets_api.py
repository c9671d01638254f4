"""Assumption sets: everyone reads, admins add versions, a used set cannot change."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_lab
from velferdslab.assumptions.models import AssumptionSet


def test_the_default_is_readable_and_a_post_makes_the_next_version(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    sets = client.get("/api/v1/assumption-sets", headers=auth(db, lab.member)).get_json()
    standard = sets[0]
    assert standard["name"] == "Velferdslab standard" and standard["version"] == 1
    assert all(item["source"] for item in standard["cost_items"])
    body = {k: v for k, v in standard.items() if k not in ("id", "version", "immutable")}
    body["success_rate"] = 0.5
    assert (
        client.post("/api/v1/assumption-sets", json=body, headers=auth(db, lab.member)).status_code
        == 403
    )
    created = client.post("/api/v1/assumption-sets", json=body, headers=auth(db, lab.admin))
    assert created.status_code == 201
    assert (created.get_json()["version"], created.get_json()["success_rate"]) == (2, 0.5)


def test_invalid_sets_are_refused_by_field(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    standard = client.get("/api/v1/assumption-sets", headers=auth(db, lab.admin)).get_json()[0]
    body = {k: v for k, v in standard.items() if k not in ("id", "version", "immutable")}
    body["cost_items"] = [{**body["cost_items"][0], "payer": "household", "category": "fiscal"}]
    refused = client.post("/api/v1/assumption-sets", json=body, headers=auth(db, lab.admin))
    assert refused.status_code == 422
    assert "public payer" in refused.get_json()["errors"]["cost_items.0"][0]
    body["success_rate"] = 2
    assert (
        "success_rate"
        in client.post(
            "/api/v1/assumption-sets", json=body, headers=auth(db, lab.admin)
        ).get_json()["errors"]
    )


def test_a_set_an_issued_report_used_is_immutable(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    standard = client.get("/api/v1/assumption-sets", headers=auth(db, lab.admin)).get_json()[0]
    row = db.get(AssumptionSet, standard["id"])
    assert row is not None
    row.immutable = True
    db.flush()
    response = client.patch(
        f"/api/v1/assumption-sets/{row.id}", json={"description": "x"}, headers=auth(db, lab.admin)
    )
    assert response.status_code == 409 and "new version" in response.get_json()["message"]


def test_the_cli_loads_a_toml_file_as_the_next_version(app, db: scoped_session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from velferdslab.assumptions.services import DEFAULT_FILE

    runner = app.test_cli_runner()
    first = runner.invoke(args=["assumptions", "load", str(DEFAULT_FILE)])
    second = runner.invoke(args=["assumptions", "load", str(DEFAULT_FILE)])
    assert "version 1" in first.output and "version 2" in second.output
    broken = tmp_path / "broken.toml"
    broken.write_text(DEFAULT_FILE.read_text().replace("success_rate = 0.6", "success_rate = 3"))
    refused = runner.invoke(args=["assumptions", "load", str(broken)])
    assert refused.exit_code == 2 and "success_rate" in refused.output


def test_sustain_months_defaults_to_six_and_is_a_bounded_whole_number(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    standard = client.get("/api/v1/assumption-sets", headers=auth(db, lab.admin)).get_json()[0]
    assert standard["sustain_months"] == 6
    body = {k: v for k, v in standard.items() if k not in ("id", "version", "immutable")}
    del body["sustain_months"]
    made = client.post("/api/v1/assumption-sets", json=body, headers=auth(db, lab.admin))
    assert made.get_json()["sustain_months"] == 6
    body["sustain_months"] = 3
    made = client.post("/api/v1/assumption-sets", json=body, headers=auth(db, lab.admin))
    assert made.status_code == 201 and made.get_json()["sustain_months"] == 3
    for bad in (0, 121, 2.5):
        body["sustain_months"] = bad
        refused = client.post("/api/v1/assumption-sets", json=body, headers=auth(db, lab.admin))
        assert refused.status_code == 422 and "sustain_months" in refused.get_json()["errors"]
