"""Forms, in a real browser: an error summary at the top links to each field (the GOV.UK pattern)
besides the message at the field; the level help beside each domain without a toggle on a wide
screen; the choices in the order the help text gives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import TODAY, Seed, login

pytestmark = [pytest.mark.db, pytest.mark.browser]


def test_a_refused_form_has_an_error_summary_linking_to_each_field(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.member)
    page.goto(f"/families/{seeded.quiet_id}/expenditures/new")
    page.get_by_label("Dato").fill((TODAY + dt.timedelta(days=1)).isoformat())
    page.get_by_label("Beløp (kr)").fill("120.505")
    page.get_by_label("Hva gjelder det?").fill("Busskort")
    page.get_by_role("button", name="Registrer").click()

    summary = page.get_by_role("alert").filter(has_text="Det er noe som må rettes")
    expect(summary).to_be_visible()
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)  # the date and the amount
    expect(links.nth(0)).to_have_text("Dato: Datoen kan ikke være fram i tid.")
    shoot(page, "form-error-summary")
    links.nth(1).click()
    expect(page.get_by_label("Beløp (kr)")).to_be_focused()
    expect(page.locator("#amount-error")).to_be_visible()  # and the message at the field


def test_the_level_help_is_beside_each_domain_best_level_first(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.member)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/families/{seeded.quiet_id}/assessments/new")
    housing = page.locator("#domain-housing")
    help_text = housing.locator(".help-wide")
    expect(help_text).to_be_visible()  # no toggle to open
    expect(help_text.locator("dt")).to_have_text(["bærekraftig", "stabil", "utsatt", "uholdbar"])
    choices = page.get_by_role("group", name="Bolig").locator("label")
    expect(choices).to_have_text(["bærekraftig", "stabil", "utsatt", "uholdbar", "ikke kartlagt"])
    shoot(page, "assessment-form-wide")

    for group in ("Bolig", "Arbeid", "Helse"):  # the levels in force: assess nothing
        page.get_by_role("group", name=group).get_by_role("radio", name="ikke kartlagt").check()
    page.get_by_role("button", name="Lagre kartleggingen").click()
    summary = page.get_by_role("alert").filter(has_text="Det er noe som må rettes")
    expect(summary.get_by_role("link")).to_have_text(["Bolig: Kartlegg minst ett område."])
    summary.get_by_role("link").click()
    expect(
        page.get_by_role("group", name="Bolig").get_by_role("radio", name="bærekraftig")
    ).to_be_focused()
