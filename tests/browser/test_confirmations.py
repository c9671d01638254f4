"""What cannot be undone asks first, on a page of its own (no JavaScript), saying what will
happen; cancelling changes nothing. A removed team member can be added again."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import TODAY, Seed, login

pytestmark = [pytest.mark.db, pytest.mark.browser]


def test_withdrawing_consent_asks_first_and_cancelling_leaves_it_in_force(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    page.context.set_extra_http_headers({})  # plain HTML forms: nothing here needs a script
    login(page, seeded.lead)
    page.goto(f"/families/{seeded.confirmed_id}")
    setup = page.locator("#setup")
    consent = setup.get_by_role("listitem").filter(has_text="Gitt ")
    consent.get_by_role("button", name="Trekk tilbake samtykket").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Trekke tilbake samtykket gitt \d\d\.\d\d\.\d{4}\?$")
    )
    expect(page.get_by_role("main")).to_contain_text("ikke lenger Boligkontoret, NAV Nettleserby")
    expect(page.get_by_role("main")).to_contain_text("tilbaketrekking kan ikke angres")
    shoot(page, "confirm-withdraw-consent")
    page.get_by_role("link", name="Avbryt").click()
    expect(page).to_have_url(re.compile(rf"/families/{seeded.confirmed_id}#setup$"))
    expect(consent).not_to_contain_text("trukket tilbake")
    # the member still reaches the family through the consent
    page.get_by_role("button", name="Logg ut").click()
    login(page, seeded.member)
    response = page.goto(f"/families/{seeded.confirmed_id}")
    assert response is not None and response.status == 200


def test_removing_a_member_asks_first_and_the_member_can_be_added_again(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.lead)
    page.goto(f"/families/{seeded.confirmed_id}")
    setup = page.locator("#setup")
    member = setup.get_by_role("listitem").filter(has_text="Tove Teammedlem")
    member.get_by_role("button", name="Ta ut av teamet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ta Tove Teammedlem ut av teamet?")
    expect(page.get_by_role("main")).to_contain_text("tilgangen til familiens opplysninger")
    expect(page.get_by_role("main")).to_contain_text("kan legges til i teamet igjen")
    shoot(page, "confirm-remove-member")
    page.get_by_role("button", name="Ta ut av teamet").click()
    expect(page.get_by_role("status")).to_contain_text("har gått ut av teamet")
    expect(setup.get_by_role("listitem").filter(has_text="Tove Teammedlem")).to_have_count(0)

    team = setup.locator("form", has=page.get_by_role("group", name="Legg til i teamet"))
    team.get_by_label("Person", exact=True).select_option(label="Tove Teammedlem (NAV Nettleserby)")
    team.get_by_label("På vegne av").select_option(label="NAV Nettleserby")
    team.get_by_label("Mandat").fill("2000")
    team.get_by_role("button", name="Legg til i teamet").click()
    expect(page.get_by_role("status")).to_have_text("Teammedlemmet er lagt til.")
    expect(setup.get_by_role("listitem").filter(has_text="Tove Teammedlem")).to_have_count(1)


def test_rejecting_spending_and_concluding_a_family_ask_first(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.member)
    page.goto(f"/families/{seeded.confirmed_id}/expenditures/new")
    page.get_by_label("Dato").fill(TODAY.isoformat())
    page.get_by_label("Beløp (kr)").fill("7700")
    page.get_by_label("Hva gjelder det?").fill("Fotballsko og treningsavgift")
    page.get_by_role("button", name="Registrer").click()
    expect(page.get_by_role("status")).to_contain_text("venter på investeringslederen")

    page.get_by_role("button", name="Logg ut").click()
    login(page, seeded.lead)
    page.goto("/families/approvals")
    row = page.get_by_role("row").filter(has_text="Fotballsko og treningsavgift")
    row.get_by_label("Merknad").fill("Ikke i planen ennå")
    row.get_by_role("button", name="Avvis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avvise utgiften?")
    expect(page.get_by_role("main")).to_contain_text(
        "Fotballsko og treningsavgift, 7\u202f700\u00a0kr, ført av Tove Teammedlem"
    )
    expect(page.get_by_label("Merknad (valgfritt)")).to_have_value("Ikke i planen ennå")
    shoot(page, "confirm-reject-spending")
    page.get_by_role("link", name="Avbryt").click()
    expect(row).to_be_visible()  # still waiting
    row.get_by_role("button", name="Avvis").click()
    page.get_by_role("button", name="Avvis").click()
    expect(page.get_by_role("status")).to_have_text("Avvist.")
    expect(page.get_by_role("row").filter(has_text="Fotballsko")).to_have_count(0)

    page.goto(f"/families/{seeded.confirmed_id}")
    status = page.locator("#setup form", has=page.get_by_role("group", name=re.compile("^Status")))
    status.get_by_label("Ny status").select_option(label="avsluttet")
    status.get_by_label("Fra").fill(TODAY.isoformat())
    status.get_by_role("button", name="Endre status").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Markere {seeded.confirmed_reference} som avsluttet?"
    )
    expect(page.get_by_role("main")).to_contain_text("kan ikke endres tilbake")
    shoot(page, "confirm-conclude-family")
    page.get_by_role("link", name="Avbryt").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("aktiv")
