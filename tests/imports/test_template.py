"""The template: every sheet of import.md with its headers, a help row, drop-down lists and ID
columns as text; filled in as a lead would, it imports without an error."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.factories import Lab, auth, make_lab
from tests.imports.helpers import family_of, upload

SHEETS = {
    "nb": ["Familier", "Medlemmer", "Kartlegginger", "Budsjett", "Utgifter", "Mål"],
    "en": ["Families", "Members", "Assessments", "Budgets", "Expenditures", "Goals"],
}


@pytest.fixture
def lab(db: Any) -> Lab:
    return make_lab(db)


def template(client: Any, db: Any, lab: Lab, language: str) -> Any:
    response = client.get(
        f"/api/v1/imports/template?language={language}", headers=auth(db, lab.lead)
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_template_has_every_sheet_headers_help_lists_and_text_ids(
    client: Any, db: Any, lab: Lab, language: str
) -> None:
    workbook = template(client, db, lab, language)
    assert workbook.sheetnames[:6] == SHEETS[language]
    families = workbook[SHEETS[language][0]]
    headers = [c.value for c in families[1]]
    assert headers[0] == ("Referanse *" if language == "nb" else "Reference *")
    assert str(families["A2"].value).startswith("↳")  # the help row
    assert families["A3"].number_format == "@"  # the reference is text
    members = workbook[SHEETS[language][1]]
    assert members["C3"].number_format == "@"  # the national id too: a leading 0 stays
    validations = workbook[SHEETS[language][2]].data_validations.dataValidation
    assert len(validations) == 8  # seven domains' levels and the assessor
    assert all(v.type == "list" for v in validations)
    lists_sheet = workbook.worksheets[-1]
    assert lists_sheet.sheet_state == "hidden"
    values = {c.value for col in lists_sheet.iter_cols() for c in col}
    assert {lab.housing.name, lab.nav.name, lab.lead.username} <= values
    assert ("bærekraftig" if language == "nb" else "sustainable") in values
    assert (SHEETS[language][0] == "Familier") == ("Eksempel" in workbook.sheetnames)


def fill(workbook: Any, lab: Lab, language: str) -> bytes:
    nb = language == "nb"
    rows = {
        0: ["FYLT-1", lab.municipality.number, "aktiv" if nb else "active", "02.01.2024",
            "2024-01-20", None, lab.lead.username, None],
        1: ["FYLT-1", "Åse Ødegård", "01019010046", None, "forelder" if nb else "parent"],
        2: ["FYLT-1", "15.02.2024", "utsatt" if nb else "exposed",
            "uholdbar" if nb else "unsustainable", None, None, None, None, None, "Første møte",
            lab.lead.username],
        3: ["FYLT-1", "2024", lab.housing.name, "100 000"],
        4: ["FYLT-1", "01.03.2024", "4 500,00", "Depositum", "Bolig" if nb else "Housing",
            lab.housing.name, "godkjent" if nb else "approved", None, None],
        5: ["FYLT-1", "Bolig" if nb else "Housing", "stabil" if nb else "stable", "31.12.2025",
            None],
    }  # fmt: skip
    for index, values in rows.items():
        sheet = workbook[SHEETS[language][index]]
        for column, value in enumerate(values, start=1):
            sheet.cell(3, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_filled_template_imports_without_an_error(
    client: Any, db: Any, lab: Lab, language: str
) -> None:
    content = fill(template(client, db, lab, language), lab, language)
    body = upload(client, db, lab.lead, content, "mal.xlsx", dry_run=False).get_json()
    assert body["report"] == []
    assert body["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "refused": 0}
    family = family_of(db, "FYLT-1")
    assert [m.national_id for m in family.members] == ["01019010046"]
