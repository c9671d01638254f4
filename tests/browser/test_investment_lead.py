"""The investment lead, in a real browser: enrol a family and set it up, approve spending above a
mandate, follow the family's estimated gains and who looked at its records."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import TODAY, Seed, login

pytestmark = [pytest.mark.db, pytest.mark.browser]


def test_lead_enrols_a_family_and_sets_it_up(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.lead)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Ta inn en familie"
    ).click()
    expect(page.get_by_role("heading", name="Ta inn en familie")).to_be_visible()
    expect(page.get_by_label("Kommune")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Henvist").fill(TODAY.isoformat())
    page.get_by_label("Skjerming").select_option(label="fortrolig (kode 7)")
    shoot(page, "enrol-family")
    page.get_by_role("button", name="Ta inn", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("er tatt inn")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"-{TODAY.year}-")
    expect(heading).to_contain_text("henvist")
    reference = heading.inner_text().split()[0]
    setup = page.locator("#setup")

    consent = setup.locator("form", has=page.get_by_role("group", name="Registrer samtykke"))
    consent.get_by_label("Gitt").fill(TODAY.isoformat())
    for agency in ("Barnevernet", "NAV Nettleserby"):
        consent.get_by_label(agency).check()
    consent.get_by_label("Hva familien har samtykket til å dele").fill("Bolig, arbeid og skole")
    consent.get_by_role("button", name="Registrer samtykke").click()
    expect(page.get_by_role("status")).to_have_text("Samtykket er registrert.")
    # the consent list says what was agreed, and with whom
    consents = setup.get_by_role("listitem").filter(has_text="Gitt ")
    expect(consents).to_contain_text("Virksomheter: Barnevernet, NAV Nettleserby")
    expect(consents).to_contain_text("Omfang: Bolig, arbeid og skole")
    # the enrolling lead is on the team already, for their own agency
    expect(page.get_by_role("region", name="Team", exact=True)).to_contain_text(
        "Ine Investeringsleder — Boligkontoret (investeringsleder)"
    )

    team = setup.locator("form", has=page.get_by_role("group", name="Legg til i teamet"))
    # each person is named with the agency they work for
    team.get_by_label("Person", exact=True).select_option(
        label=f"{seeded.newcomer_name} (Barnevernet)"
    )
    team.get_by_label("På vegne av").select_option(label="Barnevernet")
    team.get_by_label("Mandat").fill("15000")
    team.get_by_label("Med fra").fill(TODAY.isoformat())
    team.get_by_role("button", name="Legg til i teamet").click()
    expect(page.get_by_role("status")).to_have_text("Teammedlemmet er lagt til.")
    expect(page.get_by_role("region", name="Team", exact=True)).to_contain_text(
        f"{seeded.newcomer_name} — Barnevernet"
    )

    budget = setup.locator("form", has=page.get_by_role("group", name="Budsjett og bidrag"))
    expect(budget.get_by_label("År")).to_have_value(str(TODAY.year))
    budget.get_by_label("Budsjett (kr)").fill("80000")
    budget.get_by_label("Barnevernet").fill("30000")
    budget.get_by_label("Boligkontoret").fill("50000")
    budget.get_by_role("button", name="Lagre budsjettet").click()
    expect(page.get_by_role("status")).to_have_text(f"Budsjettet for {TODAY.year} er lagret.")
    money = page.get_by_role("region", name="Budsjett og forbruk")
    expect(money.get_by_role("row", name=f"Budsjett {TODAY.year}")).to_contain_text("80\u202f000")
    # the form holds what is saved, written the Norwegian way, and the page shows who puts in
    # what beside what they paid
    expect(budget.get_by_label("Budsjett (kr)")).to_have_value("80\u202f000")
    expect(budget.get_by_label("Barnevernet")).to_have_value("30\u202f000")
    expect(budget.get_by_label("Boligkontoret")).to_have_value("50\u202f000")
    expect(budget.get_by_label("NAV Nettleserby")).to_have_value("")
    by_agency = money.locator("#by-agency")
    expect(by_agency.get_by_role("row", name="Barnevernet")).to_contain_text("30\u202f000\u00a0kr")
    expect(by_agency.get_by_role("row", name="Boligkontoret")).to_contain_text(
        "50\u202f000\u00a0kr"
    )

    status = setup.locator("form", has=page.get_by_role("group", name=re.compile("^Status")))
    status.get_by_label("Ny status").select_option(label="aktiv")
    status.get_by_label("Fra").fill(TODAY.isoformat())
    status.get_by_role("button", name="Endre status").click()
    expect(page.get_by_role("status")).to_have_text("Statusen er endret.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("aktiv")
    shoot(page, "family-lead-after-setup")

    # the new team member now has the family among theirs, with the consent opening it
    page.get_by_role("button", name="Logg ut").click()
    login(page, seeded.newcomer)
    page.goto("/families")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.get_by_role("region", name="Budsjett og forbruk")).to_contain_text("15\u202f000")


def test_lead_approves_spending_and_sees_gains_and_who_looked(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.lead)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Til godkjenning"
    ).click()
    expect(
        page.get_by_role("heading", name="Utgifter som venter på din avgjørelse")
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text=seeded.pending_reference)
    expect(row).to_contain_text("Depositum for ny leilighet")
    expect(row).to_contain_text("12\u202f500")
    expect(row).to_contain_text("Tove Teammedlem")
    shoot(page, "approvals")
    row.get_by_label("Merknad").fill("Innenfor planen for bolig")
    row.get_by_role("button", name="Godkjenn").click()
    expect(page.get_by_role("status")).to_have_text("Godkjent.")
    expect(page.get_by_text("Ingenting venter på deg.")).to_be_visible()

    page.goto(f"/families/{seeded.pending_id}")
    money = page.get_by_role("region", name="Budsjett og forbruk")
    expect(money.get_by_role("row", name="Godkjent forbruk")).to_contain_text("12\u202f500")
    expect(money.get_by_role("row", name="Depositum for ny leilighet")).to_contain_text("godkjent")
    expect(page.get_by_role("region", name="Anslåtte gevinster")).to_contain_text(
        "Forbruk så langt: 12\u202f500"
    )

    page.get_by_role("link", name="Hvem har sett").click()
    expect(page.get_by_role("heading", name="Hvem har lest eller endret")).to_be_visible()
    log = page.locator("tbody tr")
    expect(log.filter(has_text="godkjent").filter(has_text="Ine Investeringsleder")).to_have_count(
        1
    )
    expect(log.filter(has_text="leste").first).to_contain_text(
        f"familie {seeded.pending_reference}"
    )
    shoot(page, "access-log")

    # gains follow the journey: the family that moved from uholdbar has some, by payer
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Mine familier"
    ).click()
    page.get_by_role("link", name=seeded.assessed_reference).click()
    gains = page.get_by_role("region", name="Anslåtte gevinster")
    expect(gains.get_by_role("columnheader", name="Hvem får gevinsten")).to_be_visible()
    expect(gains.locator("tbody tr").first).to_be_visible()
    shoot(page, "family-lead")
