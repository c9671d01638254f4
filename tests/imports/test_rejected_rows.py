"""The refused rows to download and fix: CSV and .xlsx, the reason in the reader's language,
national ids masked, formula cells written with a leading quote; the report counted per column
and per kind; who may download them."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.factories import Lab, auth, make_lab
from tests.imports.helpers import upload
from tests.imports.workbooks import lab_file, small_lab

FORMULA = '=HYPERLINK("http://evil.example","Kari")'


@pytest.fixture
def lab(db: Any) -> Lab:
    return make_lab(db)


def refused_lab(lab: Lab) -> bytes:
    """LAB-001 clean; LAB-002 with a bad level and a member named by a formula; LAB-003 with
    a bad date and a national id that fails its check digits."""
    rows = lab_file(small_lab(3), lab.municipality.number, lab.housing.name, lab.lead.username)
    rows.rows["Kartlegginger"][3][2] = "god"  # LAB-002's first reading, Bolig
    rows.rows["Medlemmer"][1][1] = FORMULA  # LAB-002's member
    rows.rows["Familier"][2][3] = "31/12/2023"  # LAB-003, Henvist
    rows.rows["Medlemmer"][2][2] = "01019010047"  # LAB-003, Fødselsnummer
    return rows.xlsx()


def download(client: Any, db: Any, user: Any, run_id: int, query: str, **headers: str) -> Any:
    return client.get(
        f"/api/v1/imports/{run_id}/rejected-rows{query}", headers={**auth(db, user), **headers}
    )


def test_the_refused_rows_download_as_xlsx_with_the_reason_first(
    client: Any, db: Any, lab: Lab
) -> None:
    run = upload(client, db, lab.lead, refused_lab(lab), dry_run=True).get_json()
    assert run["counts"]["refused"] == 2 and run["rejected_rows"] > 0
    response = download(client, db, lab.lead, run["id"], "?format=xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Familier", "Medlemmer", "Kartlegginger", "Budsjett",
                                   "Utgifter", "Mål"]  # fmt: skip
    readings = list(workbook["Kartlegginger"].iter_rows(values_only=True))
    assert readings[0][:3] == ("Årsak", "Referanse *", "Dato *")
    bad = next(r for r in readings[1:] if r[1] == "LAB-002" and r[3] == "god")
    assert bad[0].startswith("Bolig: Ikke et nivå")
    members = {r[1]: r for r in workbook["Medlemmer"].iter_rows(min_row=2, values_only=True)}
    assert members["LAB-002"][2] == "'" + FORMULA  # a formula never reaches a spreadsheet
    assert members["LAB-002"][0] == "Familien importeres ikke: den har en feil på en annen rad."
    assert members["LAB-003"][3] == "*********47"  # masked, as in the report
    assert "Fødselsnummer: Ikke et gyldig fødselsnummer" in members["LAB-003"][0]
    every = [r[1] for ws in workbook.worksheets for r in ws.iter_rows(min_row=2, values_only=True)]
    assert "LAB-001" not in every  # the clean family is not among them


def test_the_refused_rows_download_as_csv_in_english(client: Any, db: Any, lab: Lab) -> None:
    run = upload(client, db, lab.lead, refused_lab(lab), dry_run=False).get_json()
    response = download(client, db, lab.lead, run["id"], "?language=en", Accept="text/csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Sheet", "Row", "Reason", "Referanse *"]
    family = next(r for r in rows if r[0] == "Familier" and r[3] == "LAB-003")
    assert family[1] == "4" and family[2].startswith("Henvist *: Not a date")
    formula = next(r for r in rows if r[0] == "Medlemmer" and r[3] == "LAB-002")
    assert formula[4] == "'" + FORMULA


def test_the_report_counts_problems_per_column_and_kind(client: Any, db: Any, lab: Lab) -> None:
    run = upload(client, db, lab.lead, refused_lab(lab), dry_run=True).get_json()
    summary = run["summary"]
    assert (summary["errors"], summary["warnings"]) == (3, 0)
    by_column = {(c["sheet"], c["column"]): c["count"] for c in summary["by_column"]}
    assert by_column == {
        ("Kartlegginger", "Bolig"): 1,
        ("Familier", "Henvist *"): 1,
        ("Medlemmer", "Fødselsnummer"): 1,
    }
    kinds = {k["kind"]: (k["count"], k["message"]) for k in summary["by_kind"]}
    assert kinds["level"] == (1, "Ikke et nivå: skriv uholdbar, utsatt, stabil eller bærekraftig "
                                 "(eller 1–4).")  # fmt: skip
    assert set(kinds) == {"level", "date", "national_id"}


def test_who_may_download_the_refused_rows(client: Any, db: Any, lab: Lab) -> None:
    run = upload(client, db, lab.lead, refused_lab(lab), dry_run=True).get_json()
    assert download(client, db, lab.auditor, run["id"], "?format=csv").status_code == 200
    assert download(client, db, lab.admin, run["id"], "?format=csv").status_code == 403
    assert download(client, db, lab.member, run["id"], "?format=csv").status_code == 403
    other = make_lab(db)
    assert download(client, db, other.lead, run["id"], "?format=csv").status_code == 404
