"""The team member's week, in a real browser: my families → a family → an assessment → spending."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import TODAY, Seed, login

pytestmark = [pytest.mark.db, pytest.mark.browser]


def test_member_records_an_assessment_and_sees_the_new_point(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.member)
    expect(page.get_by_role("heading", name="Velkommen, Tove Teammedlem")).to_be_visible()
    shoot(page, "home-team-member")

    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Mine familier"
    ).click()
    expect(page).to_have_url("/families")
    expect(page.get_by_role("heading", name="Mine familier")).to_be_visible()
    for reference in (seeded.assessed_reference, seeded.pending_reference):
        expect(page.get_by_role("link", name=reference)).to_be_visible()
    shoot(page, "my-families")

    page.get_by_role("link", name=seeded.assessed_reference).click()
    expect(page.get_by_role("heading", name=seeded.assessed_reference)).to_be_visible()
    expect(page.locator("#journey svg[role=img]")).to_be_visible()
    journey_rows = page.locator("#journey tbody tr")
    expect(journey_rows).to_have_count(2)
    shoot(page, "family-team-member")

    page.get_by_role("link", name="Registrer kartlegging").click()
    expect(page.get_by_role("heading", name="Registrer kartlegging")).to_be_visible()
    housing = page.get_by_role("group", name="Bolig")
    expect(housing.get_by_role("radio", name="utsatt")).to_be_checked()  # the level in force
    housing.get_by_role("radio", name="stabil").check()
    page.get_by_role("group", name="Arbeid").get_by_role("radio", name="stabil").check()
    page.locator("#rationale_housing").fill("Fått kommunal leilighet med fast kontrakt")
    shoot(page, "assessment-form")
    page.get_by_role("button", name="Lagre kartleggingen").click()

    expect(page.get_by_role("status")).to_contain_text("Kartleggingen er lagret")
    expect(page).to_have_url(f"/families/{seeded.assessed_id}#journey")
    expect(journey_rows).to_have_count(3)
    page.get_by_text("Ferden som tabell").click()
    newest = journey_rows.last
    expect(newest.get_by_role("rowheader")).to_have_text(TODAY.strftime("%d.%m.%Y"))
    expect(newest.locator("td").nth(0)).to_have_text("stabil")  # housing
    expect(newest.locator("td").nth(1)).to_have_text("stabil")  # work
    expect(page.locator("#journey svg")).to_contain_text(TODAY.strftime("%d.%m"))
    shoot(page, "family-after-assessment")


def test_spending_with_bad_input_shows_the_error_beside_the_field(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.member)
    page.goto(f"/families/{seeded.quiet_id}")
    page.get_by_role("link", name="Registrer utgift").click()
    expect(page.get_by_role("heading", name="Før du registrerer")).to_be_visible()
    expect(page.get_by_text("Mandatet ditt er 10")).to_be_visible()
    # paid by the agency the member works for on the team, not the first in the alphabet
    expect(page.get_by_label("Betalt av").locator("option:checked")).to_have_text("NAV Nettleserby")

    tomorrow = TODAY + dt.timedelta(days=1)
    page.get_by_label("Dato").fill(tomorrow.isoformat())
    page.get_by_label("Beløp (kr)").fill("120,505")  # øre have two decimals
    page.get_by_label("Hva gjelder det?").fill("Busskort")
    page.get_by_label("Hva gjelder det?").press("Enter")

    expect(page.get_by_role("heading", name="Registrer utgift")).to_be_visible()
    for field, message in (
        ("spent_on", "Datoen kan ikke være fram i tid."),
        ("amount", "Høyst to desimaler (øre)."),
    ):
        row = page.locator(".field", has=page.locator(f"#{field}"))
        expect(row).to_have_class(re.compile(r"\bhas-error\b"))
        expect(row.locator(f"#{field}-error")).to_have_text(message)
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#{field}")).to_have_attribute("aria-describedby", f"{field}-error")
    # what was typed is kept, and the rest of the form has no error
    expect(page.get_by_label("Hva gjelder det?")).to_have_value("Busskort")
    expect(page.locator(".field.has-error")).to_have_count(2)
    shoot(page, "spending-form-errors")
