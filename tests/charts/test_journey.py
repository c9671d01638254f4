"""The journey chart: real text, every level written out, nothing a strict CSP would block."""

from __future__ import annotations

import datetime as dt
import re

from velferdslab.charts.journey import ChartLabels, JourneyPoint, journey_svg

LABELS = ChartLabels(
    domains={
        "housing": "Bolig", "work": "Arbeid", "school": "Skole", "network": "Nettverk",
        "finance": "Økonomi", "health": "Helse", "childhood": "Barnas oppvekstsvilkår",
    },
    levels=["uholdbar", "utsatt", "stabil", "bærekraftig"],
    short_levels=["UH", "UT", "ST", "BÆ"],
    overall="Samlet",
    goal="Mål",
    title="Investeringsferd ASK-2025-0007",
)  # fmt: skip


def two_points() -> list[JourneyPoint]:
    first = {"housing": 0, "work": 1, "school": None}
    second = {"housing": 2, "work": 1, "school": 3}
    return [
        JourneyPoint(dt.date(2025, 1, 6), first, 0),
        JourneyPoint(dt.date(2025, 4, 7), second, 1),
    ]


def test_the_chart_writes_each_level_in_its_cell_and_names_the_rows() -> None:
    svg = journey_svg(two_points(), {"housing": 3}, LABELS)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    cells = [t for t in texts if t in {"UH", "UT", "ST", "BÆ"}]
    # first: housing UH, work UT, overall UH; second: housing ST, work UT, school BÆ, overall UT
    assert sorted(cells) == sorted(["UH", "UT", "UH", "ST", "UT", "BÆ", "UT"])
    assert {"Bolig", "Barnas oppvekstsvilkår", "Samlet", "06.01.25", "07.04.25"} <= set(texts)
    assert "◆ BÆ" in texts


def test_the_chart_has_a_text_alternative_and_no_inline_css() -> None:
    svg = journey_svg(two_points(), {}, LABELS)
    assert svg.startswith('<svg role="img" aria-label="Investeringsferd ASK-2025-0007"')
    assert "<desc>Samlet: uholdbar (2025-01-06) → utsatt (2025-04-07)</desc>" in svg
    assert "style=" not in svg and "<style" not in svg


def test_the_same_data_draws_the_same_bytes() -> None:
    assert journey_svg(two_points(), {}, LABELS) == journey_svg(two_points(), {}, LABELS)
