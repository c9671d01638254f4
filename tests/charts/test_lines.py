"""The plain-SVG line chart: what a reader and a screen reader get, and nothing a strict CSP
blocks."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from velferdslab.charts.lines import Line, line_chart_svg, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def chart(values_a: list[float | None], values_b: list[float | None]) -> str:
    return line_chart_svg(
        ["31.03.2025", "30.06.2025", "30.09.2025"],
        [Line("Planlagt", values_a, "#7a5195", "7 4"), Line("Realisert", values_b, "#003f5c")],
        title="Planlagt mot realisert",
        description="To linjer",
    )


def test_title_description_legend_and_norwegian_axis_numbers() -> None:
    svg = chart([0.0, 120_000.0, 260_000.0], [0.0, 50_000.0, 90_000.0])
    root = ET.fromstring(svg)  # noqa: S314  (our own output, not untrusted input)
    assert root.find(f"{SVG}title").text == "Planlagt mot realisert"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "To linjer"  # type: ignore[union-attr]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Planlagt" in texts and "Realisert" in texts  # the legend
    assert "100\u202f000\u00a0kr" in texts and "0\u00a0kr" in texts  # kroner, thin spaces
    assert "30.06.2025" in texts
    assert "style=" not in svg and "<style" not in svg


def test_a_hidden_value_breaks_its_line_and_draws_no_point() -> None:
    svg = chart([10.0, None, 30.0], [1.0, 2.0, 3.0])
    root = ET.fromstring(svg)  # noqa: S314  (our own output, not untrusted input)
    planned = next(p for p in root.iter(f"{SVG}path") if p.get("stroke") == "#7a5195")
    assert planned.get("d", "").count("M") == 2 and "L" not in planned.get("d", "")
    assert len(list(root.iter(f"{SVG}circle"))) == 5


def test_axis_steps_are_round_and_cover_the_values() -> None:
    assert nice_ticks(0, 1_010_000) == [0, 250_000, 500_000, 750_000, 1_000_000, 1_250_000]
    ticks = nice_ticks(-30_000, 90_000)
    assert ticks[0] <= -30_000 and ticks[-1] >= 90_000 and 0 in ticks
