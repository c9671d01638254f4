"""The forecast chart ("Planlagt mot realisert") as a reader sees it, on a desktop and on a phone:
its x labels never overprint, its letters are large enough to read, and its tables become
labelled cards at phone width like the other tables."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.helpers import Seed, login

pytestmark = [pytest.mark.db, pytest.mark.browser]

# Every word of the visible chart: its size on the screen (the SVG's font size times the scale
# the page draws it at) and, for the dates along the x axis, its box.
MEASURE = """svg => {
    const scale = svg.getScreenCTM().a;
    const date = /^\\d\\d\\.\\d\\d\\.\\d{4}$/;
    const dates = [...svg.querySelectorAll('text')].filter(t => date.test(t.textContent));
    const size = t => parseFloat(getComputedStyle(t).fontSize) * scale;
    const box = t => { const r = t.getBoundingClientRect(); return [r.left, r.right]; };
    const frame = svg.getBoundingClientRect();
    return {
        sizes: [...svg.querySelectorAll('text')].map(size),
        labels: dates.map(t => t.textContent),
        boxes: dates.map(box),
        frame: [frame.left, frame.right],
    };
}"""


def measure_chart(page: Page) -> dict[str, Any]:
    chart = page.locator("#forecast .chart svg").filter(visible=True)
    expect(chart).to_have_count(1)
    result: dict[str, Any] = chart.evaluate(MEASURE)
    return result


def assert_readable(page: Page, smallest: float) -> None:
    found = measure_chart(page)
    assert len(found["labels"]) >= 3, found["labels"]  # a year and more of quarters is named
    assert min(found["sizes"]) >= smallest, (page.url, sorted(found["sizes"])[:3])
    boxes = sorted(found["boxes"])
    overlaps = [(a, b) for a, b in itertools.pairwise(boxes) if a[1] > b[0]]
    assert overlaps == [], (page.url, found["labels"], boxes)
    left, right = found["frame"]
    assert boxes[0][0] >= left - 0.5 and boxes[-1][1] <= right + 0.5, (found["frame"], boxes)


def assert_cards(page: Page, table: str) -> None:
    """At phone width each row is a card and each figure is named by its column."""
    cells = page.locator(f"#forecast {table} tbody td")
    expect(cells.first).to_be_visible()
    layout = cells.evaluate_all(
        """cells => cells.map(td => [getComputedStyle(td).display,
                                     getComputedStyle(td, '::before').content])"""
    )
    assert all(display == "block" for display, _ in layout), layout
    assert all(label.endswith(': "') and len(label) > 5 for _, label in layout), layout
    wrap = page.locator(f"#forecast .table-wrap:has({table})").first
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), "the cards scroll sideways"


@pytest.mark.parametrize("who", ["lead", "leader"])
def test_the_forecast_chart_reads_on_a_desktop_and_on_a_phone(
    context: BrowserContext, phone: Page, seeded: Seed, who: str,
    artifacts_dir: Path,
) -> None:  # fmt: skip
    path = f"/families/{seeded.charted_id}" if who == "lead" else "/dashboard"
    desktop = context.new_page()
    desktop.set_viewport_size({"width": 1280, "height": 900})
    for page, width in ((desktop, 1280), (phone, 390)):
        login(page, getattr(seeded, who))
        page.goto(path)
        folder = artifacts_dir / "screenshots"
        folder.mkdir(exist_ok=True)
        page.locator("#forecast").screenshot(path=folder / f"forecast-{who}-{width}.png")
    assert_readable(desktop, 11)
    assert_readable(phone, 9)
    figures = "table.forecast-figures" if who == "lead" else "table"
    assert_cards(phone, figures)
