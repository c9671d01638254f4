"""Find and follow, in a real browser: "Mine familier" searched by reference or a member's name
(within the families the user may see), filtered and sorted; the lead's menu counts the
approvals waiting."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import TODAY, Seed, login

pytestmark = [pytest.mark.db, pytest.mark.browser]


def references(page: Page) -> list[str]:
    return [text.split()[0] for text in page.locator("#families tbody th").all_inner_texts()]


def test_my_families_are_searched_filtered_and_sorted(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.member)
    page.goto("/families")
    everyone = references(page)
    assert seeded.planned_reference in everyone and seeded.confirmed_reference in everyone

    page.get_by_label("Referanse eller navn").fill(seeded.planned_reference)
    page.get_by_role("button", name="Finn").click()
    assert references(page) == [seeded.planned_reference]
    expect(page.get_by_role("status")).to_have_text("1 familie")

    # by a family member's name, any case: every seeded family has a Kari Nordmann
    page.get_by_label("Referanse eller navn").fill("nordmann")
    page.get_by_role("button", name="Finn").click()
    assert sorted(references(page)) == sorted(everyone)
    page.get_by_label("Referanse eller navn").fill("Ola Utenfor")
    page.get_by_role("button", name="Finn").click()
    expect(page.get_by_text("Ingen familie passer.")).to_be_visible()

    page.get_by_role("link", name="Vis alle").click()
    page.get_by_label("Samlet nivå").select_option(label="ikke kartlagt")
    page.get_by_label("Sist kartlagt for mer enn 3 måneder siden").check()
    page.get_by_role("button", name="Finn").click()
    found = references(page)
    assert seeded.confirmed_reference in found and seeded.quiet_reference not in found
    for row in page.locator("#families tbody tr").all():
        expect(row).to_contain_text("ikke kartlagt")

    page.get_by_role("link", name="Vis alle").click()
    page.get_by_role("link", name="Referanse").click()
    assert references(page) == sorted(everyone)
    page.get_by_role("link", name="Referanse").click()  # again: the other way
    assert references(page) == sorted(everyone, reverse=True)
    shoot(page, "my-families-sorted")


def test_the_leads_menu_counts_the_approvals_waiting(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.lead)
    menu_link = page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Til godkjenning"
    )
    badge = menu_link.locator(".badge")
    before = int(badge.inner_text().split()[0]) if badge.count() else 0

    page.get_by_role("button", name="Logg ut").click()
    login(page, seeded.member)
    page.goto(f"/families/{seeded.quiet_id}/expenditures/new")
    page.get_by_label("Dato").fill(TODAY.isoformat())
    page.get_by_label("Beløp (kr)").fill("15000")
    page.get_by_label("Hva gjelder det?").fill("Sommerleir for barna")
    page.get_by_role("button", name="Registrer").click()
    expect(page.get_by_role("status")).to_contain_text("venter på investeringslederen")

    page.get_by_role("button", name="Logg ut").click()
    login(page, seeded.lead)
    expect(badge).to_have_text(f"{before + 1} venter")
    shoot(page, "menu-approvals-count")
    menu_link.click()
    row = page.get_by_role("row").filter(has_text="Sommerleir for barna")
    row.get_by_role("button", name="Avvis").click()
    page.get_by_role("button", name="Avvis").click()
    expect(page.get_by_role("status")).to_have_text("Avvist.")
    if before:
        expect(badge).to_have_text(f"{before} venter")
    else:
        expect(badge).to_have_count(0)
