"""The admin adds a user through the page; the new user signs in at once and chooses their own
password (the admin's first one is one-time)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import Seed, login

pytestmark = [pytest.mark.db, pytest.mark.browser]


def test_admin_adds_a_user_who_can_then_sign_in(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.admin)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name="Administrasjon"
    ).click()
    expect(page.get_by_role("heading", name="Administrasjon", level=1)).to_be_visible()
    users = page.get_by_role("region", name="Brukere")
    member = users.get_by_role("row").filter(has_text=seeded.member)
    expect(member).to_contain_text("aktiv")
    expect(member).to_contain_text("teammedlem")  # the role in the page's language

    form = page.get_by_role("region", name="Legg til en bruker")
    form.get_by_label("Brukernavn").fill("siri.sosionom")
    form.get_by_label("Fullt navn").fill("Siri Sosionom")
    form.get_by_role("group", name="Roller").get_by_label("teammedlem").check()
    form.get_by_label("Kommune").select_option(label=seeded.municipality)
    form.get_by_label("Virksomhet").select_option(label="Barnevernet")
    form.get_by_label("Første passord").fill("et-langt-passord-2026")
    shoot(page, "admin")
    form.get_by_role("button", name="Legg til brukeren").click()

    expect(page.get_by_role("status")).to_have_text("siri.sosionom kan nå logge inn.")
    row = users.get_by_role("row").filter(has_text="siri.sosionom")
    expect(row).to_contain_text("Siri Sosionom")
    expect(row).to_contain_text(seeded.municipality)
    expect(row.get_by_role("cell", name="teammedlem", exact=True)).to_be_visible()

    page.get_by_role("button", name="Logg ut").click()
    login(page, "siri.sosionom", "et-langt-passord-2026")
    # The first password was the admin's: it works once, and the user chooses their own first.
    expect(page.get_by_role("heading", name="Endre passordet ditt")).to_be_visible()
    page.get_by_label("Nåværende passord").fill("et-langt-passord-2026")
    page.get_by_label("Nytt passord", exact=True).fill("siris-eget-passord-2026")
    page.get_by_label("Nytt passord en gang til").fill("siris-eget-passord-2026")
    page.get_by_role("button", name="Endre passordet").click()
    expect(page.get_by_role("heading", name="Velkommen, Siri Sosionom")).to_be_visible()
    page.get_by_role("link", name="Mine familier").first.click()
    expect(page.get_by_text("Du er ikke med i noe familieteam ennå")).to_be_visible()
