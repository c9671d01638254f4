"""The plain-SVG line chart: what a reader and a screen reader get, and nothing a strict CSP
blocks."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from velferdslab.charts.drawing import measured_width
from velferdslab.charts.lines import NARROW, WIDE, Frame, Line, line_chart_svg, nice_ticks

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


def quarter_ends(count: int) -> list[str]:
    days = ("31.03", "30.06", "30.09", "31.12")
    return [f"{days[i % 4]}.{2020 + i // 4}" for i in range(count)]


@pytest.mark.parametrize("frame", [WIDE, NARROW], ids=["wide", "narrow"])
def test_x_labels_never_overprint_and_stay_inside_the_drawing(frame: Frame) -> None:
    for count in range(1, 41):
        labels = quarter_ends(count)
        values: list[float | None] = [float(i % 2) for i in range(count)]  # short money words
        svg = line_chart_svg(
            labels, [Line("Realisert", values, "#003f5c")], title="t", description="d",
            frame=frame,
        )  # fmt: skip
        root = ET.fromstring(svg)  # noqa: S314  (our own output, not untrusted input)
        group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "x-labels")
        boxes = []
        for text in group.iter(f"{SVG}text"):
            width = measured_width(text.text or "", frame.font_size)
            middle = float(text.get("x", "0"))
            boxes.append((middle - width / 2, middle + width / 2))
        assert group[-1].text == labels[-1], count  # the latest quarter is always named
        assert boxes[0][0] >= 0 and boxes[-1][1] <= frame.width, (count, boxes)
        gaps = [later[0] - earlier[1] for earlier, later in itertools.pairwise(boxes)]
        assert all(gap >= 4 for gap in gaps), (count, gaps)


def test_the_y_axis_words_fit_left_of_the_plot() -> None:
    svg = line_chart_svg(
        quarter_ends(8), [Line("Planlagt", [2_345_678.0] * 8, "#7a5195")], title="t",
        description="d", frame=NARROW,
    )  # fmt: skip
    root = ET.fromstring(svg)  # noqa: S314  (our own output, not untrusted input)
    for text in root.iter(f"{SVG}text"):
        if text.get("text-anchor") == "end":
            assert float(text.get("x", "0")) - measured_width(text.text or "", 11) >= 0
