"""The journey chart in a real browser: named for screen readers, within the strict policy, and
legible on a phone 390 px wide."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.helpers import Seed, login

pytestmark = [pytest.mark.db, pytest.mark.browser]


def test_the_chart_is_named_legible_on_a_phone_and_breaks_no_policy(
    phone: Page, seeded: Seed, shoot: Callable[[Page, str], None]
) -> None:
    refused: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    phone.on("console", note)
    login(phone, seeded.member)
    phone.goto(f"/families/{seeded.assessed_id}")
    chart = phone.get_by_role("img", name=f"Investeringsferd {seeded.assessed_reference}")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    # The level's letters in the cells, as drawn on the screen: at least 9 px high.
    heights = chart.locator("g[font-size] text").evaluate_all(
        "texts => texts.map(t => t.getBoundingClientRect().height)"
    )
    assert len(heights) == 2 * 4  # two readings of housing, work and school, and the overall
    assert min(heights) >= 9, heights
    # A cell names its domain, date and level for those who point at it.
    assert chart.locator("title", has_text="Bolig, 06.01.2025: uholdbar").count() == 1
    shoot(phone, "phone-journey-chart")
    assert refused == []
