"""The municipal leader's dashboard and the auditor's pages, in a real browser."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import TODAY, Seed, login

pytestmark = [pytest.mark.db, pytest.mark.browser]


def test_leader_filters_the_dashboard_and_downloads_it_as_excel(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.leader)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Oversikt").click()
    expect(page.get_by_role("heading", name="Investeringsportefølje")).to_be_visible()
    key_figures = page.get_by_role("region", name="Nøkkeltall")
    families = key_figures.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Familier", exact=True)
    )
    expect(families.get_by_role("cell")).to_have_text(re.compile(r"^\d+$"))  # 5 or more: shown

    page.get_by_label("Kommune").select_option(label=seeded.municipality)
    # A leader chooses among quarter ends (issue 23): the last one of last year.
    as_of = TODAY.replace(month=1, day=1) - dt.timedelta(days=1)
    page.get_by_label("Verdsettingsdato").select_option(as_of.isoformat())
    page.get_by_role("button", name="Vis").click()

    expect(page).to_have_url(re.compile(rf"as_of={as_of.isoformat()}"))
    expect(page.get_by_label("Verdsettingsdato")).to_have_value(as_of.isoformat())
    for title in ("Fra utgangspunkt til nå", "Hvem investerer", "Hvem får gevinsten"):
        expect(page.get_by_role("region", name=title)).to_be_visible()
    # no level has 5 families in any quarter: every count is hidden, and the chart says so
    levels = page.get_by_role("region", name="Familier per samlet nivå")
    # (a level, or the group "under stabil (uholdbar eller utsatt)" where levels are merged)
    expect(levels.get_by_role("img")).to_contain_text(re.compile(r"(uholdbar|utsatt\)) –"))
    ticks = levels.locator("svg g.value-ticks text").all_text_contents()
    assert ticks and all(tick.isdigit() for tick in ticks), ticks  # whole families, from 0
    shoot(page, "dashboard")

    excel = page.get_by_role("link", name="Last ned Excel")
    query = parse_qs(urlparse(excel.get_attribute("href") or "").query)
    assert query["as_of"] == [as_of.isoformat()] and query["municipality_id"]
    with page.expect_download() as download_info:
        excel.click()
    download = download_info.value
    assert download.suggested_filename == "portefolje.xlsx"
    with open(download.path(), "rb") as workbook:
        assert workbook.read(2) == b"PK"  # an .xlsx is a zip archive


def test_auditor_reads_expenditures_the_audit_log_and_assumption_sets(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.auditor)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Revisjon").click()
    expect(page.get_by_role("heading", name="Utgifter og godkjenninger")).to_be_visible()
    page.get_by_label("Fra").fill(f"{TODAY.year}-01-01")
    page.get_by_label("Fra").press("Enter")
    expect(page).to_have_url(re.compile(rf"from={TODAY.year}-01-01"))
    row = page.get_by_role("row").filter(has_text=seeded.pending_reference)
    expect(row).to_contain_text("12\u202f500")
    expect(row).to_contain_text("Tove Teammedlem")
    expect(row).to_contain_text("Depositum for ny leilighet")  # what the money is for
    expect(row).to_contain_text("over fullmakt")  # pending with the lead
    shoot(page, "audit-expenditures")
    page.get_by_label("Status").select_option(label="avvist")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"status=rejected"))
    # the deposit is not rejected (other journeys may have rejected spending of their own)
    expect(page.get_by_role("row").filter(has_text="Depositum for ny leilighet")).to_have_count(0)

    page.get_by_role("link", name="Revisjonslogg").first.click()
    expect(page.get_by_role("heading", name="Revisjonslogg")).to_be_visible()
    expect(page.locator("p.chain")).to_contain_text(
        re.compile(r"Kjeden er intakt: [\d\u202f]+ hendelser kontrollert")
    )
    page.get_by_label("Handling").select_option(label="listet")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(r"action=list"))
    actions = page.locator("tbody tr td:nth-child(3)")
    expect(actions.first).to_have_text("listet")  # at least the auditor's own list above
    assert set(actions.all_inner_texts()) == {"listet"}
    expect(page.locator("tbody tr").filter(has_text="Rolf Revisor").first).to_be_visible()
    shoot(page, "audit-log")

    page.get_by_role("link", name="Forutsetningssett").first.click()
    expect(page.get_by_role("heading", name="Forutsetningssett", level=1)).to_be_visible()
    assumption_set = page.get_by_role("region").first
    expect(assumption_set.get_by_role("heading", level=2)).to_contain_text("versjon 1")
    # parameters by their Norwegian names, shares as per cent with a decimal comma
    expect(assumption_set.get_by_role("row", name=re.compile("^suksessrate"))).to_contain_text(
        "60,0"
    )
    expect(assumption_set.get_by_role("heading", name="Kostnadsposter")).to_be_visible()
    shoot(page, "audit-assumption-sets")


def test_auditor_issues_downloads_and_verifies_an_audit_report(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None], tmp_path: Path
) -> None:
    login(page, seeded.auditor)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Rapporter").click()
    page.get_by_label("Rapport", exact=True).select_option(label="Revisjonsrapport")
    page.get_by_label("Kommune").select_option(label=seeded.municipality)
    page.get_by_role("button", name="Lag rapporten").click()
    # The report's page shows the background job's progress and reloads itself until ready.
    download = page.get_by_role("link", name="Last ned PDF-en")
    expect(download).to_be_visible(timeout=90_000)
    expect(page.get_by_role("cell", name=re.compile(r"^[0-9a-f]{64}$"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Forutsetningssett"))).to_contain_text(
        "Velferdslab standard, versjon 1"
    )
    shoot(page, "report-ready")
    with page.expect_download() as waiting:
        download.click()
    issued = tmp_path / "audit.pdf"
    waiting.value.save_as(issued)
    assert issued.read_bytes().startswith(b"%PDF-")

    page.get_by_role("link", name="Kontroller en PDF-rapport").first.click()
    page.get_by_label("PDF-en som skal kontrolleres").set_input_files(issued)
    page.get_by_role("button", name="Kontroller", exact=True).click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Gyldig: dette er rapport \d+"))
    ).to_be_visible()
    shoot(page, "report-verified")

    altered = tmp_path / "altered.pdf"
    altered.write_bytes(issued.read_bytes().replace(b"%PDF-1.7", b"%PDF-1.6", 1))
    page.get_by_label("PDF-en som skal kontrolleres").set_input_files(altered)
    page.get_by_role("button", name="Kontroller", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Ikke gyldig"))).to_be_visible()
