"""Phone width (390 px), in a real browser: no information cut off. Tables become one card per
row with each value labelled; the journey is offered as a table."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import Seed, login
from tests.browser.test_accessibility import assert_no_horizontal_scroll

pytestmark = [pytest.mark.db, pytest.mark.browser]


def assert_within_screen(locator: Locator) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"cut off: {box}"


def test_the_family_page_at_390_px_shows_every_column(
    phone: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(phone, seeded.lead)
    phone.goto(f"/families/{seeded.pending_id}")
    assert_no_horizontal_scroll(phone)
    spending = phone.locator("#spending tbody tr").filter(has_text="Depositum for ny leilighet")
    amount = spending.locator("td.num")
    expect(amount).to_contain_text("12\u202f500\u00a0kr")
    assert_within_screen(amount)
    assert_within_screen(spending.locator("td").last)  # the status
    # each value says what it is
    assert amount.evaluate("e => getComputedStyle(e, '::before').content") == '"Beløp: "'

    shoot(phone, "phone-family-amount-visible")

    # the journey: the chart scales down, and the table is offered beside it
    expect(phone.get_by_text("På en smal skjerm leses tabellen lettere")).to_be_visible()
    phone.get_by_text("Ferden som tabell").click()
    first = phone.locator("#journey-table tbody tr").first
    assert_within_screen(first.locator("td").last)
    expect(first.get_by_role("cell", name="Økonomi: uholdbar")).to_be_visible()
    shoot(phone, "phone-family-journey-table")


@pytest.mark.parametrize(
    ("who", "path", "name"),
    [
        ("member", "/families", "phone-my-families"),
        ("lead", "/families/approvals", "phone-approvals"),
        ("auditor", "/audit/log", "phone-audit-log"),
    ],
)
def test_lists_fit_a_phone(
    phone: Page, seeded: Seed, who: str, path: str, name: str, shoot: Callable[[Page, str], None]
) -> None:
    login(phone, getattr(seeded, who))
    phone.goto(path)
    assert_no_horizontal_scroll(phone)
    for cell in phone.locator("main table tbody tr").first.locator("td").all():
        assert_within_screen(cell)
    shoot(phone, name)


def test_the_dashboard_at_390_px_scrolls_its_charts_not_the_page(
    phone: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    login(phone, seeded.leader)
    phone.goto("/dashboard")
    assert_no_horizontal_scroll(phone)
    chart = phone.get_by_role("region", name="Familier per samlet nivå").locator("svg").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] >= 560  # 12-unit letters stay ≥ 8 px
    scrolls = chart.evaluate("e => e.parentElement.scrollWidth > e.parentElement.clientWidth")
    assert scrolls  # the chart's own box scrolls sideways
    shoot(phone, "phone-dashboard")
