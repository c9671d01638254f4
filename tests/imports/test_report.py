"""One error of each kind: the report names sheet, Excel row, column, value (a national id
masked) and the reason in the lead's language; the family with the error stores nothing, the
others are imported."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import Lab, make_lab
from tests.imports.helpers import upload
from tests.imports.workbooks import HEADERS, LabFile, lab_file, small_lab
from velferdslab.families.models import Family

TOMORROW = dt.date.today() + dt.timedelta(days=1)

# (reference, sheet, header, the cell's new value, words the bokmål message holds)
CASES: list[tuple[str, str, str, Any, str]] = [
    ("E-DATE", "Familier", "Henvist *", "31/12/2023", "31.12.2024"),
    ("E-AMOUNT", "Budsjett", "Beløp *", "mange kroner", "1 234,50"),
    ("E-LEVEL", "Kartlegginger", "Bolig", "god", "uholdbar, utsatt, stabil"),
    ("E-ID", "Medlemmer", "Fødselsnummer", "01019010047", "kontrollsifre"),
    ("E-AGENCY", "Budsjett", "Etat *", "Ukjent etat", "Ingen etat"),
    ("E-USER", "Familier", "Investeringsleder", "ingen.slik", "Ingen aktiv bruker"),
    ("E-BUDGET", "Utgifter", "Beløp *", "999 999", "budsjettet"),
    ("E-REQUIRED", "Medlemmer", "Navn *", None, "Må fylles ut"),
    ("E-FUTURE", "Kartlegginger", "Dato *", TOMORROW.isoformat(), "framtiden"),
    ("E-ORDER", "Familier", "Innskrevet", "01.01.2020", "henvisningsdatoen"),
    ("E-STATUS", "Familier", "Status", "ferdig", "henvist, aktiv, avsluttet"),
    ("E-MUNICIPALITY", "Familier", "Kommunenummer *", "0301", "kommunenummeret"),
]


@pytest.fixture
def lab(db: Any) -> Lab:
    return make_lab(db)


def broken_lab(lab: Lab) -> tuple[LabFile, dict[str, int]]:
    """Two clean families, then one family per case with that one cell spoiled; the spoiled
    cell's Excel row per reference."""
    plans = small_lab(2)
    plans += [dataclasses.replace(plans[0], reference=ref) for ref, *_ in CASES]
    lab_rows = lab_file(plans, lab.municipality.number, lab.housing.name, lab.lead.username)
    rows: dict[str, int] = {}
    for reference, sheet, header, value, _words in CASES:
        index = next(i for i, r in enumerate(lab_rows.rows[sheet]) if r[0] == reference)
        lab_rows.rows[sheet][index][HEADERS[sheet].index(header)] = value
        rows[reference] = index + 2  # the header is row 1
    return lab_rows, rows


@pytest.mark.parametrize("dry_run", [True, False])
def test_each_error_is_named_and_only_clean_families_are_imported(
    client: Any, db: Any, lab: Lab, dry_run: bool
) -> None:
    lab_rows, rows = broken_lab(lab)
    response = upload(client, db, lab.lead, lab_rows.xlsx(), dry_run=dry_run)
    assert response.status_code == 201
    body = response.get_json()
    errors = {p["reference"]: p for p in body["report"] if p["severity"] == "error"}
    for reference, sheet, header, _value, words in CASES:
        problem = errors[reference]
        assert (problem["sheet"], problem["row"], problem["column"]) == (
            sheet, rows[reference], header,
        ), reference  # fmt: skip
        assert words in problem["message"], (reference, problem["message"])
        assert body["families"][reference] == "refused"
    assert errors["E-ID"]["value"] == "*********47"
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "refused": len(CASES)}
    stored = set(
        db.scalars(select(Family.external_reference).where(Family.external_reference.is_not(None)))
    )
    assert stored == (set() if dry_run else {"LAB-001", "LAB-002"})


def test_the_report_speaks_english_when_asked(client: Any, db: Any, lab: Lab) -> None:
    lab_rows, _rows = broken_lab(lab)
    body = upload(client, db, lab.lead, lab_rows.xlsx(), dry_run=True, language="en").get_json()
    messages = {p["reference"]: p["message"] for p in body["report"] if p["severity"] == "error"}
    assert "31.12.2024 or 2024-12-31" in messages["E-DATE"]
    assert "budget would be exceeded" in messages["E-BUDGET"]


def test_two_readings_of_one_family_on_one_date_are_an_error(
    client: Any, db: Any, lab: Lab
) -> None:
    lab_rows = lab_file(small_lab(1), lab.municipality.number, lab.housing.name, lab.lead.username)
    lab_rows.rows["Kartlegginger"].append(list(lab_rows.rows["Kartlegginger"][0]))
    body = upload(client, db, lab.lead, lab_rows.xlsx(), dry_run=False).get_json()
    [problem] = body["report"]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("Kartlegginger", 5, "Dato *")
    assert body["counts"]["refused"] == 1


def test_rows_of_a_family_that_is_neither_in_the_file_nor_imported(
    client: Any, db: Any, lab: Lab
) -> None:
    lab_rows = LabFile()
    lab_rows.rows["Kartlegginger"].append(["UKJENT-1", "2024-01-01", "stabil"])
    body = upload(client, db, lab.lead, lab_rows.xlsx(), dry_run=False).get_json()
    [problem] = body["report"]
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "Kartlegginger", 2, "Referanse *",
    )  # fmt: skip
    assert "Ingen familie med denne referansen" in problem["message"]
