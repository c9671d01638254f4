"""The dashboard's charts as a leader and a screen reader get them: each bar segment with its
count and its words, a dash where a count is hidden, legends, patterns besides colour, Norwegian
numbers on the axes, a title and a description; nothing a strict Content-Security-Policy blocks.
The figures below are written by hand, not taken from the engine."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

from velferdslab.charts.journey import LEVEL_COLOURS
from velferdslab.charts.portfolio import (
    GROUP_COLOURS,
    PortfolioChartLabels,
    stable_share_chart,
)
from velferdslab.charts.stacked import domains_chart, levels_chart
from velferdslab.charts.tornado import tornado_chart

SVG = "{http://www.w3.org/2000/svg}"
LABELS = PortfolioChartLabels(
    language="nb",
    levels=["uholdbar", "utsatt", "stabil", "bærekraftig"],
    groups=["under stabil (uholdbar eller utsatt)", "stabil eller bærekraftig"],
    share_title="Andel familier på stabilt eller bærekraftig nivå",
    share_legend="andel stabil eller bærekraftig",
    families_legend="«5 av 12»: stabil eller bedre av de kartlagte",
    levels_title="Familier per samlet nivå",
    domains_title="Familier per nivå på hvert livsområde, nå",
    tornado_title="Følsomhet for samfunnsøkonomisk nåverdi",
    low="forutsetning flyttet −20 %",
    high="forutsetning flyttet +20 %",
    million="samfunnsøkonomisk nåverdi, mill. kr",
    of="%(k)s av %(n)s",
)
QUARTERS = ["31.03.2025", "30.06.2025", "30.09.2025"]


def shown(value: int) -> dict[str, Any]:
    return {"value": value, "suppressed": False}


HIDDEN: dict[str, Any] = {"value": None, "suppressed": True}


def level_rows() -> list[dict[str, Any]]:
    """March: 6, 6, 0, 0 by level; June: levels would hide 3 stabil families, so two groups
    7 and 5; September: even a group is small, hidden."""
    return [
        {"grouping": "levels", "cells": [shown(6), shown(6), shown(0), shown(0)]},
        {"grouping": "groups", "cells": [shown(7), shown(5)]},
        {"grouping": "groups", "cells": [shown(9), HIDDEN]},
    ]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (drawn by our own code, no entities)


def segments(svg: str) -> dict[str, str]:
    """Each bar segment's words (its tooltip) → its fill."""
    found = {}
    for group in parse(svg).iter(f"{SVG}g"):
        title, rect = group.find(f"{SVG}title"), group.find(f"{SVG}rect")
        if title is not None and rect is not None:
            found[title.text or ""] = rect.get("fill", "")
    return found


def pattern_colour(svg: str, fill: str) -> str:
    """The colour under a pattern fill `url(#id)`, or the fill itself."""
    match = re.fullmatch(r"url\(#(.+)\)", fill)
    if not match:
        return fill
    pattern = parse(svg).find(f".//{SVG}pattern[@id='{match.group(1)}']")
    assert pattern is not None, f"{fill} is not defined"
    ground = pattern.find(f"{SVG}rect")
    assert ground is not None
    return ground.get("fill", "")


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in parse(svg).iter(f"{SVG}text")]


def test_levels_chart_has_a_segment_per_count_with_its_words_and_a_dash_where_hidden() -> None:
    svg = levels_chart(QUARTERS, level_rows(), LABELS)
    found = segments(svg)
    assert set(found) == {
        "31.03.2025, uholdbar: 6",
        "31.03.2025, utsatt: 6",
        "30.06.2025, under stabil (uholdbar eller utsatt): 7",
        "30.06.2025, stabil eller bærekraftig: 5",
        "30.09.2025, under stabil (uholdbar eller utsatt): 9",
    }  # no segment for a zero, none for the hidden group
    assert pattern_colour(svg, found["31.03.2025, uholdbar: 6"]) == LEVEL_COLOURS[0]
    assert pattern_colour(svg, found["31.03.2025, utsatt: 6"]) == LEVEL_COLOURS[1]
    assert pattern_colour(svg, found["30.06.2025, stabil eller bærekraftig: 5"]) == GROUP_COLOURS[1]
    # Patterns besides colour: uholdbar and utsatt are hatched differently, not plain colours.
    assert found["31.03.2025, uholdbar: 6"].startswith("url(#levels-level-0")
    assert found["31.03.2025, utsatt: 6"] != found["31.03.2025, uholdbar: 6"]
    words = texts(svg)
    assert "–" in words  # September's hidden group
    for name in [*LABELS.levels, *LABELS.groups]:
        assert name in words  # the legend names both what the quarters are split into
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == LABELS.levels_title
    assert root.findtext(f"{SVG}desc") == (
        "31.03.2025: uholdbar 6, utsatt 6, stabil 0, bærekraftig 0; "
        "30.06.2025: under stabil (uholdbar eller utsatt) 7, stabil eller bærekraftig 5; "
        "30.09.2025: under stabil (uholdbar eller utsatt) 9, stabil eller bærekraftig –"
    )
    ticks = [t.text for t in root.iterfind(f".//{SVG}g[@class='value-ticks']/{SVG}text")]
    assert ticks[0] == "0" and all(str(t).isdigit() for t in ticks)  # whole families
    assert int(str(ticks[-1])) >= 12  # the tallest bar fits


def test_segment_heights_follow_the_counts() -> None:
    svg = levels_chart(QUARTERS, level_rows(), LABELS)
    heights = {}
    for group in parse(svg).iter(f"{SVG}g"):
        title, rect = group.find(f"{SVG}title"), group.find(f"{SVG}rect")
        if title is not None and rect is not None:
            heights[title.text] = float(rect.get("height", "0"))
    unit = heights["31.03.2025, uholdbar: 6"] / 6
    assert abs(heights["30.06.2025, under stabil (uholdbar eller utsatt): 7"] - 7 * unit) < 0.05
    assert abs(heights["30.06.2025, stabil eller bærekraftig: 5"] - 5 * unit) < 0.05


def test_without_hatching_the_levels_are_plain_colours() -> None:
    plain = replace_hatched(False)
    svg = levels_chart(QUARTERS, level_rows(), plain)
    assert "<pattern" not in svg
    assert segments(svg)["31.03.2025, uholdbar: 6"] == LEVEL_COLOURS[0]


def replace_hatched(hatched: bool) -> PortfolioChartLabels:
    from dataclasses import replace

    return replace(LABELS, hatched=hatched)


def test_share_chart_writes_k_of_n_at_each_point_and_breaks_the_line_where_hidden() -> None:
    rows = [
        {"share": 0.5, "stable_or_better": shown(6), "families": shown(12)},
        {"share": None, "stable_or_better": HIDDEN, "families": HIDDEN},
        {"share": 0.75, "stable_or_better": shown(9), "families": shown(12)},
    ]
    svg = stable_share_chart(QUARTERS, rows, LABELS)
    root = parse(svg)
    desc = (root.findtext(f"{SVG}desc") or "").replace("\u00a0", " ")  # a no-break space
    assert desc == "31.03.2025: 50 %; 30.06.2025: –; 30.09.2025: 75 %"
    words = [w.replace("\u00a0", " ") for w in texts(svg)]
    assert "6 av 12" in words and "9 av 12" in words and "–" in words
    assert LABELS.share_legend in words and LABELS.families_legend in words
    assert "100 %" in words and "20 %" in words  # the axis in per cent, Norwegian style
    points = root.findall(f".//{SVG}circle")
    assert len(points) == 3  # the legend's marker and the two shown quarters
    assert not root.findall(f".//{SVG}path")  # two points with a gap between: no line joins
    # 75 % is drawn higher than 50 %
    ys = sorted(float(c.get("cy", "0")) for c in points[1:])
    assert ys[0] < ys[1]


def test_a_small_count_is_a_band_over_its_range_and_the_chart_says_why() -> None:
    """Issue 22: 1–4 of 21 at stable or better is drawn from 1/21 to 4/21 of the axis, written
    "1–4 av 21", and a line under the chart says what the band is; a quarter of too few
    families is still a dash, and says so too."""
    labels = replace(
        LABELS,
        range_of="%(low)s–%(high)s av %(n)s",
        band_note="Bånd: under 5 …",
        dash_note="–: færre enn 5 …",
    )
    rows = [
        {"share": 0.5, "stable_or_better": shown(6), "families": shown(12)},
        {
            "share": None,
            "share_range": [1 / 21, 4 / 21],
            "stable_or_better": HIDDEN,
            "stable_or_better_range": [1, 4],
            "families": shown(21),
        },
        {"share": None, "stable_or_better": HIDDEN, "families": HIDDEN},
    ]
    svg = stable_share_chart(QUARTERS, rows, labels)
    root = parse(svg)
    words = [w.replace("\u00a0", " ") for w in texts(svg)]
    assert "1–4 av 21" in words and "–" in words
    assert "Bånd: under 5 …" in words and "–: færre enn 5 …" in words
    desc = (root.findtext(f"{SVG}desc") or "").replace("\u00a0", " ")
    assert "30.06.2025: 1–4 av 21" in desc
    band = root.find(f".//{SVG}g[@class='share-band']/{SVG}rect")
    assert band is not None
    # The plot is 220 high for 0 to 120 %, its bottom at 64 + 220 = 284.
    top, height = float(band.get("y", "0")), float(band.get("height", "0"))
    assert abs(top - (284 - 220 * (4 / 21) / 1.2)) < 0.01
    assert abs(top + height - (284 - 220 * (1 / 21) / 1.2)) < 0.01
    # A chart with nothing hidden notes nothing.
    assert "Bånd" not in " ".join(texts(stable_share_chart(QUARTERS[:1], rows[:1], labels)))


def test_domains_chart_has_one_bar_per_domain() -> None:
    domains = ["Bolig", "Arbeid"]
    rows = [
        {"grouping": "levels", "cells": [shown(5), shown(0), shown(7), shown(0)]},
        {"grouping": "groups", "cells": [shown(8), shown(4)]},
    ]
    svg = domains_chart(domains, rows, LABELS)
    assert set(segments(svg)) == {
        "Bolig, uholdbar: 5",
        "Bolig, stabil: 7",
        "Arbeid, under stabil (uholdbar eller utsatt): 8",
        "Arbeid, stabil eller bærekraftig: 4",
    }
    assert "Bolig" in texts(svg) and "Arbeid" in texts(svg)


def test_tornado_bars_run_from_the_base_to_each_value_in_millions_with_a_comma() -> None:
    rows = [
        {"parameter": "success_rate", "base": 10_000_000.0, "low": 8_000_000.0,
         "high": 12_500_000.0},
        {"parameter": "discount_rate", "base": 10_000_000.0, "low": 11_000_000.0,
         "high": 9_400_000.0},
    ]  # fmt: skip
    names = {"success_rate": "suksessrate", "discount_rate": "diskonteringsrente"}
    svg = tornado_chart(rows, names, LABELS)
    root = parse(svg)
    bars = {}
    for group in root.iter(f"{SVG}g"):
        title, rect = group.find(f"{SVG}title"), group.find(f"{SVG}rect")
        if title is not None and rect is not None:
            x, width = float(rect.get("x", "0")), float(rect.get("width", "0"))
            bars[title.text] = (x, x + width)
    low, high = (
        bars["suksessrate, forutsetning flyttet −20 %: 8,0"],
        bars["suksessrate, forutsetning flyttet +20 %: 12,5"],
    )
    assert abs(low[1] - high[0]) < 0.05  # both meet at the base
    scale = (high[1] - high[0]) / 2.5  # units per million
    assert abs((low[1] - low[0]) - 2.0 * scale) < 0.05
    # the discount rate moves the other way: −20 % raises the value
    assert bars["diskonteringsrente, forutsetning flyttet −20 %: 11,0"][0] > low[1] - 0.05
    ticks = [t.text or "" for t in root.iterfind(f".//{SVG}g[@class='value-ticks']/{SVG}text")]
    assert ticks and all(re.fullmatch(r"\d+,\d", t) for t in ticks), ticks
    assert LABELS.million in texts(svg) and LABELS.low in texts(svg)
    assert root.findtext(f"{SVG}desc") == "suksessrate: 8,0 – 12,5; diskonteringsrente: 11,0 – 9,4"


def test_charts_pass_a_strict_csp_and_give_the_same_bytes_for_the_same_data() -> None:
    charts = [
        levels_chart(QUARTERS, level_rows(), LABELS),
        domains_chart(["Bolig"], level_rows()[:1], LABELS),
        stable_share_chart(
            QUARTERS[:1], [{"share": 0.5, "stable_or_better": shown(6), "families": shown(12)}],
            LABELS,
        ),
    ]  # fmt: skip
    for svg in charts:
        assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    assert levels_chart(QUARTERS, level_rows(), LABELS) == charts[0]
