"""An admin makes a mission on its page: reached from the administration's menu, a refused form
says why beside the field and keeps what was typed, and the form is axe-clean at 1280 and 390 px."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import Seed, login
from tests.browser.test_axe_sweep import AXE_SOURCE, RUN_AXE, SERIOUS, WIDTHS

pytestmark = [pytest.mark.db, pytest.mark.browser]


def serious_violations(page: Page) -> list[str]:
    page.evaluate(AXE_SOURCE)
    found = []
    for size in WIDTHS:
        page.set_viewport_size(size)
        for violation in page.evaluate(RUN_AXE):
            if violation["impact"] in SERIOUS:
                found.append(f"@{size['width']}px {violation['id']}: {violation['nodes'][:2]}")
    page.set_viewport_size(WIDTHS[0])
    return found


def test_an_admin_makes_a_mission_and_a_refused_form_says_why(
    page: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(page, seeded.admin)
    page.goto("/admin")
    page.get_by_role("link", name="Samfunnsoppdrag").click()
    page.get_by_role("link", name="Nytt samfunnsoppdrag").click()
    page.get_by_label("Navn").fill("Seksti prosent stabile i Nettleserby")
    page.get_by_label(seeded.municipality).check()
    page.get_by_label("Ansvarlig (en leder)").select_option(label="Kari Kommunalsjef")
    page.get_by_label("Verdi ved utgangspunktet").fill("20")
    page.get_by_label("Dato for utgangspunkt").fill("2023-01-01")
    page.get_by_label("Målverdi").fill("60,5")
    page.get_by_label("Måldato").fill("2022-12-31")  # before the baseline: refused
    page.get_by_role("button", name="Lagre oppdraget").click()

    expect(page.locator("#target_by-error")).to_have_text(
        "Målets dato kommer etter utgangspunktets."
    )
    expect(page.get_by_label("Målverdi")).to_have_value("60,5")
    assert serious_violations(page) == []
    shoot(page, "mission-form-refused")

    page.get_by_label("Måldato").fill("2030-12-31")
    page.get_by_role("button", name="Lagre oppdraget").click()
    expect(page.get_by_role("status")).to_contain_text("Oppdraget er lagret.")
    row = page.get_by_role("row").filter(has_text="Seksti prosent stabile i Nettleserby")
    expect(row).to_contain_text("60,5\u202f% innen 31.12.2030")
    assert serious_violations(page) == []
