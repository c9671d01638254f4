"""A lead who has only used spreadsheets brings a lab's past in, in a real browser: downloads
the template, fills it, reads the dry run's report in bokmål, fixes the file, imports, and
finds the family's journey and gains (screenshots at 1280 and 390 px)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.helpers import Seed, login
from tests.factories import make_lab
from velferdslab.extensions import db as flask_db
from velferdslab.families.models import Family

pytestmark = [pytest.mark.db, pytest.mark.browser]


@pytest.fixture(scope="module")
def importby(browser_app: Flask, live_server: object) -> tuple[str, str]:
    """A municipality of its own, so the imported family changes no other journey's figures."""
    with browser_app.app_context():
        lab = make_lab(flask_db.session)
        lab.municipality.name = "Importby"
        lab.lead.username, lab.lead.full_name = "ivar.import", "Ivar Importleder"
        lab.housing.name = "Boligkontoret Importby"
        flask_db.session.commit()
        return lab.lead.username, lab.municipality.number


def fill(template: bytes, number: str, lead: str, first_level: str) -> bytes:
    """The lab's records typed under the template's help row, as a lead would."""
    workbook = load_workbook(io.BytesIO(template))
    rows = {
        "Familier": ["IMP-1", number, "aktiv", "06.01.2023", "20.01.2023", None, lead],
        "Medlemmer": ["IMP-1", "Åse Importsen", None, "14.03.1985", "forelder"],
        "Budsjett": ["IMP-1", 2023, "Boligkontoret Importby", "150 000"],
        "Utgifter": [
            "IMP-1",
            "01.03.2023",
            "12 500",
            "Husleiegaranti",
            "Bolig",
            "Boligkontoret Importby",
            "godkjent",
            lead,
            lead,
        ],
    }
    for sheet, row in rows.items():
        for column, value in enumerate(row, start=1):
            workbook[sheet].cell(3, column, value)
    readings = workbook["Kartlegginger"]
    for line, (on, levels) in enumerate(
        [
            ("23.01.2023", [first_level, "utsatt", "stabil"]),
            ("04.09.2023", ["stabil", "stabil", "stabil"]),
            ("12.06.2024", ["bærekraftig", "stabil", "bærekraftig"]),
        ],
        start=3,
    ):
        for column, value in enumerate(["IMP-1", on, *levels], start=1):
            readings.cell(line, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shots(page: Page, folder: Path, name: str) -> None:
    """The page as a desk and a phone show it: $VELFERDSLAB_ARTIFACTS/import/NAME-WIDTH.png."""
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_lead_brings_a_labs_records_in_from_the_template(
    page: Page,
    seeded: Seed,
    importby: tuple[str, str],
    browser_app: Flask,
    tmp_path: Path,
    artifacts_dir: Path,
) -> None:
    lead, number = importby
    folder = artifacts_dir / "import"
    login(page, lead)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Importer").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="bokmål (.xlsx)").click()
    template = Path(download.value.path()).read_bytes()

    broken = tmp_path / "labben.xlsx"
    broken.write_bytes(fill(template, number, lead, first_level="god"))
    page.get_by_label("Den utfylte malen (.xlsx, .csv eller .zip med CSV-filer)").set_input_files(
        broken
    )
    page.get_by_role("button", name="Prøvekjør").click()
    expect(page.get_by_role("heading", name="Prøvekjøring av labben.xlsx: ingenting ble lagret"))
    report = page.get_by_role("table", name="Dette må rettes (rader nummerert som i Excel)")
    expect(report).to_contain_text("Kartlegginger")
    expect(report).to_contain_text("Ikke et nivå: skriv uholdbar, utsatt, stabil eller bærekraftig")
    shots(page, folder, "1-dry-run-report")

    fixed = tmp_path / "labben-rettet.xlsx"
    fixed.write_bytes(fill(template, number, lead, first_level="uholdbar"))
    page.get_by_label(
        "Den utfylte malen (.xlsx, .csv eller .zip med CSV-filer)"
    ).last.set_input_files(fixed)
    page.get_by_role("button", name="Prøvekjør").click()
    expect(page.get_by_text("Ingen problemer funnet.")).to_be_visible()
    shots(page, folder, "2-dry-run-clean")
    confirm = page.locator("section", has=page.get_by_role("heading", name="Importer denne filen"))
    confirm.get_by_label(
        "Den utfylte malen (.xlsx, .csv eller .zip med CSV-filer)"
    ).set_input_files(fixed)
    confirm.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", name="Importert: labben-rettet.xlsx")).to_be_visible()

    with browser_app.app_context():
        family_id = flask_db.session.scalar(
            select(Family.id).where(Family.external_reference == "IMP-1")
        )
        flask_db.session.remove()
    page.goto(f"/families/{family_id}")
    expect(page.get_by_role("heading", name="Investeringsferd")).to_be_visible()
    page.get_by_text("Ferden som tabell").click()
    journey = page.locator("#journey-table")
    expect(journey.locator("tbody tr")).to_have_count(3)
    expect(journey).to_contain_text("23.01.2023")
    gains = page.locator("section", has=page.get_by_role("heading", name="Anslåtte gevinster"))
    expect(gains).to_contain_text("Forbruk så langt: 12 500 kr")
    shots(page, folder, "3-family-journey-and-gains")
