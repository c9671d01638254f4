"""Who may import (the lead, the admin naming a lead), whose imports one may read, and the
size and row limits with a clear answer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import Lab, auth, make_lab
from tests.imports.helpers import counts, family_of, upload
from tests.imports.workbooks import lab_file, small_lab


@pytest.fixture
def lab(db: Any) -> Lab:
    return make_lab(db)


def one_family(lab: Lab, lead: str | None) -> bytes:
    lab_rows = lab_file(small_lab(1), lab.municipality.number, lab.housing.name, "")
    lab_rows.rows["Familier"][0][6] = lead
    return lab_rows.xlsx()


@pytest.mark.parametrize("role", ["member", "leader", "auditor"])
def test_other_roles_may_not_import(client: Any, db: Any, lab: Lab, role: str) -> None:
    before = counts(db)
    response = upload(client, db, getattr(lab, role), one_family(lab, None), dry_run=False)
    assert response.status_code == 403
    assert counts(db)["Family"] == before["Family"]


def test_an_admin_imports_families_for_the_lead_they_name(client: Any, db: Any, lab: Lab) -> None:
    refused = upload(client, db, lab.admin, one_family(lab, None), dry_run=False).get_json()
    assert refused["counts"]["refused"] == 1
    assert "investeringsleder" in refused["report"][0]["message"]
    body = upload(
        client, db, lab.admin, one_family(lab, lab.lead.username), dry_run=False
    ).get_json()
    assert body["counts"]["created"] == 1
    assert family_of(db, "LAB-001").investment_lead_id == lab.lead.id


def test_an_import_is_read_back_by_its_municipality_only(client: Any, db: Any, lab: Lab) -> None:
    lab_rows = lab_file(small_lab(1), lab.municipality.number, lab.housing.name, "nobody")
    run = upload(client, db, lab.lead, lab_rows.xlsx(), dry_run=True).get_json()
    mine = client.get(f"/api/v1/imports/{run['id']}?language=en", headers=auth(db, lab.lead))
    assert mine.status_code == 200
    assert mine.get_json()["report"][0]["message"].startswith("No active user")
    listed = client.get("/api/v1/imports", headers=auth(db, lab.lead)).get_json()
    assert [r["id"] for r in listed] == [run["id"]]
    other = make_lab(db)
    theirs = client.get(f"/api/v1/imports/{run['id']}", headers=auth(db, other.lead))
    assert theirs.status_code == 404
    assert client.get("/api/v1/imports", headers=auth(db, other.lead)).get_json() == []


def test_a_file_over_the_size_limit_is_413_with_a_clear_message(
    client: Any, db: Any, lab: Lab
) -> None:
    response = upload(client, db, lab.lead, b"x" * (25 * 1024 * 1024), "stor.csv", dry_run=True)
    assert response.status_code == 413
    assert "20 MB" in response.get_json()["message"]


def test_a_file_over_the_row_limit_is_422_and_writes_nothing(
    client: Any, db: Any, lab: Lab, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 5)
    before = counts(db)
    response = upload(client, db, lab.lead, one_family(lab, None), dry_run=False)
    assert response.status_code == 422
    assert "at most 5" in response.get_json()["message"]
    assert counts(db) == before


def test_a_file_that_is_no_spreadsheet_is_422(client: Any, db: Any, lab: Lab) -> None:
    response = upload(client, db, lab.lead, b"%PDF-1.7", "lab.pdf", dry_run=True)
    assert response.status_code == 422
    assert ".xlsx" in str(response.get_json()["errors"]["file"])
