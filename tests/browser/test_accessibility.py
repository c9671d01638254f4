"""Usable on a phone, with the keyboard alone, and with a screen reader's labels."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import Seed, login
from velferdslab.vocabulary import DOMAINS

pytestmark = [pytest.mark.db, pytest.mark.browser]

DOMAIN_NAMES = {
    "housing": "Bolig",
    "work": "Arbeid",
    "school": "Skole",
    "network": "Nettverk",
    "finance": "Økonomi",
    "health": "Helse",
    "childhood": "Barnas oppvekstsvilkår",
}
LEVEL_NAMES = ("ikke kartlagt", "uholdbar", "utsatt", "stabil", "bærekraftig")


def assert_no_horizontal_scroll(page: Page) -> None:
    scroll_width, client_width, too_wide = page.evaluate(
        """() => {
            const root = document.documentElement;
            const wide = [...document.body.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
                .map(e => `${e.tagName}#${e.id}.${e.className}`);
            return [root.scrollWidth, root.clientWidth, wide.slice(0, 5)];
        }"""
    )
    assert scroll_width <= client_width, f"{page.url}: {scroll_width} > {client_width}: {too_wide}"


@pytest.mark.parametrize("who", ["member", "lead"])
def test_family_page_and_assessment_form_fit_a_phone(
    phone: Page, seeded: Seed, who: str, shoot: Callable[[Page, str], None]
) -> None:
    login(phone, getattr(seeded, who))
    for path, name in (
        ("/families", "my-families"),
        (f"/families/{seeded.assessed_id}", "family"),
        (f"/families/{seeded.assessed_id}/assessments/new", "assessment-form"),
        (f"/families/{seeded.assessed_id}/expenditures/new", "spending-form"),
    ):
        phone.goto(path)
        assert_no_horizontal_scroll(phone)
        shoot(phone, f"phone-{name}-{who}")


def test_login_works_with_the_keyboard_alone(page: Page, seeded: Seed) -> None:
    page.goto("/login")
    for _ in range(10):  # past the skip link, the brand and the language button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "username":
            break
    expect(page.get_by_label("Brukernavn")).to_be_focused()
    page.keyboard.type(seeded.member)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passord")).to_be_focused()
    page.keyboard.type(seeded.password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Velkommen, Tove Teammedlem")).to_be_visible()
    # the skip link is the first stop, and it leads to the content
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Hopp til innholdet")).to_be_focused()
    expect(page.get_by_role("link", name="Hopp til innholdet")).to_be_in_viewport()


def test_every_input_of_the_assessment_form_has_a_label(page: Page, seeded: Seed) -> None:
    login(page, seeded.member)
    page.goto(f"/families/{seeded.quiet_id}/assessments/new")
    found = [
        page.get_by_label("Dato for kartleggingen"),
        page.get_by_label("Overstyr samlet nivå"),
        page.get_by_label("Hvorfor samlet nivå overstyres"),
    ]
    for domain in DOMAINS:
        name = DOMAIN_NAMES[domain]
        group = page.get_by_role("group", name=name, exact=True)
        found += [group.get_by_label(level, exact=True) for level in LEVEL_NAMES]
        found.append(page.get_by_label(f"Begrunnelse – {name}", exact=True))
        found.append(page.get_by_label(f"Familiens egen vurdering – {name}", exact=True))
    for locator in found:
        expect(locator).to_have_count(1)
    # …and nothing else on the form goes without one
    controls = page.locator(
        "main form input:not([type=hidden]), main form select, main form textarea"
    )
    expect(controls).to_have_count(len(found))
    unlabelled = controls.evaluate_all(
        "els => els.filter(e => !e.labels || e.labels.length === 0).map(e => e.name)"
    )
    assert unlabelled == []
