"""The plan and the family's voice on the pages, in a real browser: the lead writes the plan and
a team member sees it; a stale edit is refused with nothing typed lost; the rationale and the
family's own reading are on the family page, the domain view, the next assessment and the PDF."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import TODAY, Seed, login

pytestmark = [pytest.mark.db, pytest.mark.browser]
TARGET = TODAY.replace(year=TODAY.year + 1, day=1)  # a goal's date: still ahead


def test_lead_writes_a_plan_and_a_team_member_sees_it(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.lead)
    page.goto(f"/families/{seeded.planned_id}")
    plan = page.get_by_role("region", name="Plan", exact=True)

    plan.get_by_role("link", name="Legg til et mål").click()
    expect(page.get_by_role("heading", name="Legg til et mål")).to_be_visible()
    # the target levels read best first, as the level help does
    expect(page.get_by_label("Målnivå").locator("option")).to_have_text(
        ["bærekraftig", "stabil", "utsatt", "uholdbar"]
    )
    page.get_by_label("Område").select_option(label="Bolig")
    page.get_by_label("Målnivå").select_option(label="bærekraftig")
    page.get_by_label("Måldato").fill(TARGET.isoformat())  # a target date has not passed
    page.get_by_label("Hva målet betyr for familien").fill("Egen leilighet med fast kontrakt")
    shoot(page, "plan-goal-form")
    page.get_by_role("button", name="Lagre målet").click()
    expect(page.get_by_role("status")).to_have_text("Målet er lagt til i planen.")
    expect(plan).to_contain_text(f"Bolig: bærekraftig innen {TARGET:%d.%m.%Y}")

    plan.get_by_role("link", name="Legg til et tiltak").click()
    page.get_by_label("Tiltak", exact=True).fill("Søke startlån i Husbanken")
    page.get_by_label("Område (valgfritt)").select_option(label="Bolig")
    page.get_by_label("Ansvarlig").select_option(label="Tove Teammedlem")
    page.get_by_label("Frist").fill("2027-01-15")
    shoot(page, "plan-measure-form")
    page.get_by_role("button", name="Lagre tiltaket").click()
    expect(page.get_by_role("status")).to_have_text("Tiltaket er lagt til i planen.")

    plan.get_by_role("link", name="Skriv familiens egne mål og drømmer").click()
    page.get_by_label("Familiens egne mål").fill("Et trygt hjem og en jobb å gå til")
    page.get_by_label("Drømmer").fill("Tur til Lofoten alle sammen")
    shoot(page, "plan-own-words-form")
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Familiens egne mål og drømmer er lagret.")
    shoot(page, "family-plan-lead")

    page.get_by_role("button", name="Logg ut").click()
    login(page, seeded.member)
    page.goto(f"/families/{seeded.planned_id}")
    expect(plan).to_contain_text(f"Bolig: bærekraftig innen {TARGET:%d.%m.%Y}")
    expect(plan).to_contain_text("Egen leilighet med fast kontrakt")
    expect(plan).to_contain_text(
        "Søke startlån i Husbanken — planlagt, Tove Teammedlem, frist 15.01.2027"
    )
    expect(plan).to_contain_text("Et trygt hjem og en jobb å gå til")
    expect(plan).to_contain_text("Tur til Lofoten alle sammen")
    # a team member follows the measures up; goals are the lead's (as in the API's policy)
    expect(plan.get_by_role("link", name="Legg til et mål")).to_have_count(0)
    plan.get_by_role("link", name=re.compile("^Endre – Søke startlån")).click()
    page.get_by_label("Status").select_option(label="pågår")
    page.get_by_role("button", name="Lagre tiltaket").click()
    expect(plan).to_contain_text("Søke startlån i Husbanken — pågår")
    shoot(page, "family-plan-member")


def test_a_stale_edit_of_a_goal_is_refused_and_nothing_typed_is_lost(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.lead)
    page.goto(f"/families/{seeded.planned_id}")
    page.get_by_role("link", name="Endre – Skole").click()
    edit_url = page.url
    other = page.context.new_page()  # the same lead in another tab, or a colleague
    other.goto(edit_url)
    other.get_by_label("Hva målet betyr for familien").fill("Møter på skolen hver uke")
    other.get_by_role("button", name="Lagre målet").click()
    expect(other.get_by_role("status")).to_have_text("Målet er lagret.")

    page.get_by_label("Målnivå").select_option(label="stabil")
    page.get_by_label("Hva målet betyr for familien").fill("Foreldremøte og utviklingssamtaler")
    page.get_by_role("button", name="Lagre målet").click()
    conflict = page.locator("#conflict")
    expect(conflict).to_contain_text("Opplysningene ble endret mens du skrev")
    expect(conflict).to_contain_text("Møter på skolen hver uke")  # their version, in view
    expect(page.get_by_label("Hva målet betyr for familien")).to_have_value(
        "Foreldremøte og utviklingssamtaler"
    )  # ours, kept
    expect(page.get_by_label("Målnivå")).to_have_value("2")
    shoot(page, "plan-goal-conflict")
    page.get_by_role("button", name="Lagre målet").click()  # having seen theirs, keep ours
    expect(page.get_by_role("status")).to_have_text("Målet er lagret.")
    expect(page.get_by_role("region", name="Plan", exact=True)).to_contain_text(
        "Foreldremøte og utviklingssamtaler"
    )


def test_the_reasons_and_the_familys_reading_are_shown_and_reach_the_pdf(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None], tmp_path: Path
) -> None:
    login(page, seeded.member)
    page.goto(f"/families/{seeded.planned_id}")
    voice = page.get_by_role("region", name="Hvert område: teamets begrunnelse")
    health = voice.get_by_role("row", name=re.compile("^Helse"))
    expect(health).to_contain_text("stabil")
    expect(health).to_contain_text("Familien vurderer det som utsatt")
    expect(health).to_contain_text("Fastlege og faste timer hos psykolog")

    # the next assessment offers the last rationale
    page.get_by_role("link", name="Registrer kartlegging").click()
    expect(page.get_by_label("Begrunnelse – Helse")).to_have_value(
        "Fastlege og faste timer hos psykolog"
    )
    expect(page.get_by_text("Fylt inn fra kartleggingen 05.05.2025")).to_be_visible()
    housing = page.get_by_role("group", name="Bolig")
    housing.get_by_role("radio", name="stabil").check()
    page.get_by_label("Begrunnelse – Bolig").fill("Flyttet inn i kommunal leilighet i mai")
    page.get_by_label("Familiens egen vurdering – Bolig").select_option(label="bærekraftig")
    page.get_by_role("button", name="Lagre kartleggingen").click()
    expect(page.get_by_role("status")).to_contain_text("Kartleggingen er lagret")
    housing_row = voice.get_by_role("row", name=re.compile("^Bolig"))
    expect(housing_row).to_contain_text("Flyttet inn i kommunal leilighet i mai")
    expect(housing_row).to_contain_text("Familien vurderer det som bærekraftig")
    shoot(page, "family-voice")

    # the domain's history, newest first
    voice.get_by_role("link", name="Bolig").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bolig")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(TODAY.strftime("%d.%m.%Y"))
    expect(rows.first).to_contain_text("Flyttet inn i kommunal leilighet i mai")
    expect(rows.last).to_contain_text("05.05.2025")
    expect(rows.last).to_contain_text("utsatt")
    shoot(page, "family-domain-history")

    # both readings and the reasons reach the family report
    page.goto(f"/families/{seeded.planned_id}")
    page.get_by_role("button", name="Familierapport (PDF)").click()
    download = page.get_by_role("link", name="Last ned PDF-en")
    expect(download).to_be_visible(timeout=90_000)
    with page.expect_download() as waiting:
        download.click()
    pdf = tmp_path / "family.pdf"
    waiting.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = " ".join(text.split())
    for expected in (
        "Flyttet inn i kommunal leilighet i mai",
        "Fastlege og faste timer hos psykolog",
        "Familien vurderer det som utsatt",
        "Deltidsjobb innen ett år",  # the plan's goal
    ):
        assert expected in flat, expected
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", flat), "an ISO date in the family report"
