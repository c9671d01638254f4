"""Assumption sets: everyone reads them, admins add versions, invalid values are refused by
field, and a set an issued report used never changes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import scoped_session

from tests.factories import auth, make_lab
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import (
    DEFAULT_FILE,
    default_set,
    mark_immutable,
    store_params,
    to_params,
)
from velferdslab.benefits.params import load_toml, to_dict

URL = "/api/v1/assumption-sets"
API_FIELDS = {
    "id", "name", "version", "price_year", "immutable", "success_rate", "deadweight",
    "attribution", "drop_off", "horizon_years", "discount_schedule", "tax_financing_cost",
    "optimism_bias", "overall_rule", "cost_items",
}  # fmt: skip


def standard_body() -> dict[str, Any]:
    return {k: v for k, v in to_dict(load_toml(DEFAULT_FILE)).items() if k != "version"}


def count(db: scoped_session) -> int:
    return int(db.scalar(select(func.count()).select_from(AssumptionSet)) or 0)


def test_everyone_reads_the_sets_with_the_contract_fields(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    for user in (lab.lead, lab.member, lab.leader, lab.auditor, lab.admin):
        response = client.get(URL, headers=auth(db, user))
        assert response.status_code == 200 and "X-Pagination" in response.headers
    standard = client.get(URL, headers=auth(db, lab.member)).get_json()[0]
    assert set(standard) >= API_FIELDS
    assert set(standard["optimism_bias"]) == {"A", "B", "C"}
    assert standard["discount_schedule"][0] == {"from_year": 1, "rate": 0.04}
    item = standard["cost_items"][0]
    assert {"domain", "payer", "category", "confidence", "source", "annual_cost"} <= set(item)
    assert set(item["annual_cost"]) == {"unsustainable", "exposed", "stable", "sustainable"}
    one = client.get(f"{URL}/{standard['id']}", headers=auth(db, lab.leader))
    assert one.get_json() == standard and one.headers["ETag"]
    assert client.get(f"{URL}/2147483647", headers=auth(db, lab.admin)).status_code == 404


def test_a_post_with_a_known_name_makes_the_next_version(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.admin)
    first = client.get(URL, headers=headers).get_json()[0]
    changed = {**standard_body(), "success_rate": 0.55}
    second = client.post(URL, json=changed, headers=headers)
    assert second.status_code == 201
    assert (second.get_json()["version"], second.get_json()["success_rate"]) == (2, 0.55)
    third = client.post(URL, json=changed, headers=headers).get_json()
    assert third["version"] == 3 and third["name"] == first["name"]
    fresh = client.post(URL, json={**changed, "name": "Asker 2025"}, headers=headers).get_json()
    assert fresh["version"] == 1
    unchanged = client.get(f"{URL}/{first['id']}", headers=headers).get_json()
    assert unchanged == first


def test_only_admins_add_sets(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    default_set(db)
    before = count(db)
    for user in (lab.lead, lab.member, lab.leader, lab.auditor):
        assert client.post(URL, json=standard_body(), headers=auth(db, user)).status_code == 403
    assert count(db) == before


def _set(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    *parents, last = path.split(".")
    target: Any = changed
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is DELETE:
        del target[last]
    else:
        target[int(last) if isinstance(target, list) else last] = value
    return changed


DELETE = object()
INVALID = [
    ("success_rate", 1.5, "success_rate"),
    ("deadweight", -0.1, "deadweight"),
    ("attribution", "half", "attribution"),
    ("horizon_years", 201, "horizon_years"),
    ("horizon_years", 1.5, "horizon_years"),
    ("discount_schedule.0.from_year", 2, "discount_schedule"),
    ("discount_schedule.2.from_year", 41, "discount_schedule"),
    ("discount_schedule.0.rate", 1.0, "discount_schedule"),
    ("optimism_bias.C", DELETE, "optimism_bias"),
    ("optimism_bias.B", 1.0, "optimism_bias"),
    ("tax_financing_cost", -1, "tax_financing_cost"),
    ("overall_rule", "mean", "overall_rule"),
    ("cost_items.0.domain", "leisure", "cost_items"),
    ("cost_items.0.payer", "household", "cost_items.0"),  # a fiscal item needs a public payer
    ("cost_items.0.confidence", "D", "cost_items"),
    ("cost_items.0.category", "moral", "cost_items"),
    ("cost_items.0.source", "", "cost_items"),
    ("cost_items.0.source", "   ", "cost_items.0"),
    ("cost_items.0.annual_cost.stable", DELETE, "cost_items"),
    ("cost_items.0.annual_cost.exposed", -5, "cost_items"),
    ("cost_items", [], "cost_items"),
    ("name", "", "name"),
]


@pytest.mark.parametrize(("path", "value", "field"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_values_are_refused_by_field_and_nothing_is_stored(
    client: FlaskClient, db: scoped_session, path: str, value: Any, field: str
) -> None:
    lab = make_lab(db)
    default_set(db)
    before = count(db)
    response = client.post(
        URL, json=_set(standard_body(), path, value), headers=auth(db, lab.admin)
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert any(key == field or key.startswith(f"{field}.") for key in errors), errors
    assert count(db) == before


def test_an_illustrative_item_is_accepted(client: FlaskClient, db: scoped_session) -> None:
    lab = make_lab(db)
    body = _set(standard_body(), "cost_items.0.source", "illustrative")
    body = _set(body, "cost_items.0.illustrative", True)
    response = client.post(URL, json=body, headers=auth(db, lab.admin))
    assert response.status_code == 201
    assert response.get_json()["cost_items"][0]["illustrative"] is True


def test_the_description_changes_until_a_report_uses_the_set(
    client: FlaskClient, db: scoped_session
) -> None:
    lab = make_lab(db)
    headers = auth(db, lab.admin)
    row = default_set(db)
    url = f"{URL}/{row.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    ok = client.patch(
        url, json={"description": "Kommentert"}, headers={**headers, "If-Match": etag}
    )
    assert ok.status_code == 200 and ok.get_json()["description"] == "Kommentert"
    stale = client.patch(url, json={"description": "Igjen"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    parameters = client.patch(url, json={"success_rate": 0.1}, headers=headers)
    assert parameters.status_code == 422 and "success_rate" in parameters.get_json()["errors"]
    assert (
        client.patch(url, json={"description": "x"}, headers=auth(db, lab.lead)).status_code == 403
    )
    db.expire_all()
    mark_immutable(db.get(AssumptionSet, row.id))  # type: ignore[arg-type]
    db.flush()
    frozen = client.patch(url, json={"description": "Nei"}, headers=headers)
    assert frozen.status_code == 409 and "new version" in frozen.get_json()["message"]
    db.expire_all()
    assert db.get(AssumptionSet, row.id).description == "Kommentert"  # type: ignore[union-attr]


def test_stored_parameters_come_back_as_the_engine_input(db: scoped_session) -> None:
    params = load_toml(DEFAULT_FILE)
    row = store_params(db, params, None)
    again = store_params(db, params, None)
    assert again.version == row.version + 1
    assert to_params(row) == params.with_changes(version=row.version)


def test_the_default_is_loaded_once(db: scoped_session) -> None:
    first = default_set(db)
    assert default_set(db).id == first.id and count(db) == 1


def test_the_cli_lists_the_sets(app: Flask, db: scoped_session) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["assumptions", "load", str(DEFAULT_FILE)])
    listed = runner.invoke(args=["assumptions", "list"])
    assert listed.exit_code == 0 and "Velferdslab standard" in listed.output


def test_the_openapi_document_lists_every_cost_item_field(app: Flask) -> None:
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    item = spec["components"]["schemas"]["CostItem"]["properties"]
    assert {"domain", "payer", "category", "confidence", "source", "annual_cost"} <= set(item)
    assert json.dumps(spec["paths"]["/api/v1/assumption-sets/{set_id}"]["patch"]).count("409")
