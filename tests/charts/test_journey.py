"""The journey chart as a user and a screen reader get it: a cell per reading and domain with
its level's colour, pattern and letters, the overall level, the goals, a title and a description;
nothing a strict Content-Security-Policy would block."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from velferdslab.charts.drawing import measured_width
from velferdslab.charts.journey import (
    LEVEL_COLOURS,
    TEXT_ON_LEVEL,
    UNASSESSED,
    ChartLabels,
    JourneyPoint,
    journey_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
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
SHORT = dict(zip(LABELS.levels, LABELS.short_levels, strict=True))
PATTERNED = {
    "uholdbar": "journey-level-0",
    "utsatt": "journey-level-1",
    "stabil": "journey-level-2",
}


def parse(svg: str) -> ET.Element:
    """The chart as XML: it is drawn by our own code from data we hold, with no entities."""
    return ET.fromstring(svg)  # noqa: S314


def two_points() -> list[JourneyPoint]:
    """Housing from uholdbar to stabil, work utsatt throughout (carried forward), school first
    assessed in April; the rest never assessed."""
    nothing = dict.fromkeys(LABELS.domains)
    first = {**nothing, "housing": 0, "work": 1}
    second = {**nothing, "housing": 2, "work": 1, "school": 3}
    return [
        JourneyPoint(dt.date(2025, 1, 6), first, 0),
        JourneyPoint(dt.date(2025, 4, 7), second, 1),
    ]


def cells(svg: str) -> dict[str, tuple[str, str | None, str | None]]:
    """Each cell's words (its tooltip) → (its fill, the fill under its letters, its letters)."""
    root = parse(svg)
    found = {}
    for group in root.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        if title is None:
            continue
        rects = group.findall(f"{SVG}rect")
        letters = group.find(f"{SVG}text")
        ground = rects[-1].get("fill") if len(rects) > 1 else None
        text = None if letters is None else "".join(letters.itertext())
        frame = rects[0].get("stroke")  # a goal: a white cell framed in the level's colour
        found[str(title.text)] = (str(frame or rects[0].get("fill")), ground, text)
    return found


def expected_cell(level: str | None) -> tuple[str, str | None, str | None]:
    if level is None:
        return (UNASSESSED, None, None)
    number = LABELS.levels.index(level)
    if level in PATTERNED:
        return (f"url(#{PATTERNED[level]})", LEVEL_COLOURS[number], SHORT[level])
    return (LEVEL_COLOURS[number], None, SHORT[level])


def test_each_reading_of_each_domain_is_a_cell_with_its_colour_pattern_letters_and_words() -> None:
    found = cells(journey_svg(two_points(), {}, LABELS))
    levels = {
        "06.01.2025": {"Bolig": "uholdbar", "Arbeid": "utsatt", "Samlet": "uholdbar"},
        "07.04.2025": {
            "Bolig": "stabil", "Arbeid": "utsatt", "Skole": "bærekraftig", "Samlet": "utsatt"
        },
    }  # fmt: skip
    expected = {}
    for date, known in levels.items():
        for name in [*LABELS.domains.values(), "Samlet"]:
            level = known.get(name)
            expected[f"{name}, {date}: {level or '–'}"] = expected_cell(level)
    assert found == expected  # 2 readings × (7 domains + the overall level), nothing else


def test_the_letters_keep_their_contrast_and_every_pattern_is_defined() -> None:
    svg = journey_svg(two_points(), {}, LABELS)
    root = parse(svg)
    defined = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert defined == set(PATTERNED.values())
    for pattern in root.iter(f"{SVG}pattern"):
        level = int(str(pattern.get("id"))[-1])
        ground, *marks = list(pattern)
        assert ground.get("fill") == LEVEL_COLOURS[level] and marks  # the colour, then marks
    letter_colours = {
        "".join(text.itertext()): text.get("fill")
        for group in root.iter(f"{SVG}g")
        for text in group.iter(f"{SVG}text")
    }
    assert letter_colours == {"UH": TEXT_ON_LEVEL[0], "UT": TEXT_ON_LEVEL[1],
                              "ST": TEXT_ON_LEVEL[2], "BÆ": TEXT_ON_LEVEL[3]}  # fmt: skip


def test_goals_are_marked_in_a_row_of_their_own() -> None:
    found = cells(journey_svg(two_points(), {"housing": 3, "health": 2}, LABELS))
    goals = {words: cell for words, cell in found.items() if words.startswith("Mål")}
    assert goals == {
        "Mål, Bolig: bærekraftig": (LEVEL_COLOURS[3], None, "BÆ"),
        "Mål, Helse: stabil": (LEVEL_COLOURS[2], None, "ST"),
    }
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", journey_svg(two_points(), {}, LABELS))
    assert "Mål" not in texts  # no goals, no goal row


def test_rows_columns_and_legend_are_written_out() -> None:
    svg = journey_svg(two_points(), {"housing": 3}, LABELS)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert {"06.01.2025", "07.04.2025", "Bolig", "Helse", "Samlet", "Mål"} <= set(texts)
    assert {"Barnas", "oppvekstsvilkår"} <= set(texts)  # a long name on two lines
    legend = {"= uholdbar", "= utsatt", "= stabil", "= bærekraftig"}
    assert legend <= set(texts)


def test_the_chart_has_a_title_and_description_and_no_inline_css() -> None:
    svg = journey_svg(two_points(), {}, LABELS)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Investeringsferd ASK-2025-0007"
    assert root.find(f"{SVG}title").text == "Investeringsferd ASK-2025-0007"  # type: ignore[union-attr]
    description = root.find(f"{SVG}desc").text  # type: ignore[union-attr]
    assert description == "Samlet: uholdbar (06.01.2025) → utsatt (07.04.2025)"
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    assert not re.search(r"\d{4}-\d{2}-\d{2}", svg)  # no ISO date anywhere


def test_it_stays_readable_on_a_phone_however_long_the_journey() -> None:
    """A phone 390 px wide leaves about 330 px for the chart: the letters must stay ≥ 9 px."""
    short = parse(journey_svg(two_points(), {}, LABELS))
    first = two_points()[0]
    many = [JourneyPoint(first.on + dt.timedelta(days=91 * i), first.levels, 0) for i in range(40)]
    long = parse(journey_svg(many, {}, LABELS))
    assert short.get("viewBox", "").split()[2] == long.get("viewBox", "").split()[2]
    width = float(long.get("viewBox", "").split()[2])
    cell_group = next(g for g in long.iter(f"{SVG}g") if g.get("font-size"))
    assert float(str(cell_group.get("font-size"))) * 330 / width >= 9
    assert float(str(long.get("width"))) > width  # larger than its units where there is room


def test_a_printed_chart_can_leave_out_patterns_and_tooltips_and_fit_a_page() -> None:
    start = dt.date(2020, 1, 1)
    many = [JourneyPoint(start + dt.timedelta(days=30 * i), {}, 1) for i in range(60)]
    svg = journey_svg(many, {}, LABELS, hatched=False, tooltips=False, max_height=640)
    root = parse(svg)
    assert not list(root.iter(f"{SVG}pattern")) and "url(#" not in svg
    assert [t.text for t in root.iter(f"{SVG}title")] == ["Investeringsferd ASK-2025-0007"]
    assert float(str(root.get("height"))) <= 640
    assert re.findall(r"<text[^>]*>([^<]*)</text>", svg).count("UT") == 60 + 1  # and the legend


def test_a_printed_chart_draws_the_same_cells_marks_and_words_without_patterns_or_anchors() -> None:
    """For WeasyPrint: marks as one path per level instead of a pattern fill per cell, and
    words placed by their width instead of `text-anchor`; what a reader sees stays the same."""
    page = journey_svg(two_points(), {"housing": 3}, LABELS, tooltips=False)
    svg = journey_svg(two_points(), {"housing": 3}, LABELS, tooltips=False, printed=True)
    root = parse(svg)
    assert not list(root.iter(f"{SVG}pattern")) and "url(#journey-level" not in svg
    assert "text-anchor" not in svg and "text-anchor" in page

    # Every reading is a cell in its level's colour (all cells of a colour drawn as one path),
    # with its letters centred in it.
    box = re.compile(r"M(-?[\d.]+) (-?[\d.]+)h31v19h-31z")
    cells = {
        (float(x), float(y)): str(path.get("fill"))
        for path in root.iter(f"{SVG}path")
        for x, y in box.findall(str(path.get("d")))
        if path.get("fill") in (*LEVEL_COLOURS, UNASSESSED)
    }
    assert len(cells) == 2 * 8  # 2 readings × (7 domains + the overall level)
    colours = sorted(cells.values())
    assert colours.count(UNASSESSED) == 2 * 8 - 7  # housing, work, overall twice; school once
    assert colours.count(LEVEL_COLOURS[0]) == 2 and colours.count(LEVEL_COLOURS[1]) == 3
    # The cells' letters: one text per row and letter colour, each letter at its own x.
    found: dict[tuple[float, float], list[tuple[float, str, str]]] = {}
    for text in root.iter(f"{SVG}text"):
        places = str(text.get("x")).split()
        y = float(str(text.get("y")))
        if len(places) == 1:
            continue  # a date, a column's name, the legend, the goal row: one x, as on the page
        assert len(places) == len(str(text.text))
        for x, letter in zip(places, str(text.text), strict=True):
            cell = next(c for c in cells if c[0] < float(x) < c[0] + 31 and c[1] < y < c[1] + 19)
            found.setdefault(cell, []).append((float(x), letter, str(text.get("fill"))))
    assert len(found) == 2 * 8 - 9  # every assessed cell, and only those
    for cell, placed in found.items():
        word = "".join(letter for _, letter, _ in placed)
        level = LABELS.short_levels.index(word)
        assert cells[cell] == LEVEL_COLOURS[level]
        assert {fill for _, _, fill in placed} == {TEXT_ON_LEVEL[level]}
        middle = placed[0][0] + measured_width(word, 10, bold=True) / 2
        assert abs(middle - (cell[0] + 15.5)) < 0.01  # centred in its cell
        second = placed[0][0] + measured_width(word[0], 10, bold=True)
        assert abs(placed[1][0] - second) < 0.01  # letters side by side, as the font sets them
    # Every word of the page's chart is printed, once each.
    words = re.compile(r"<text[^>]*>([^<]*)</text>")
    single = [str(t.text) for t in root.iter(f"{SVG}text") if len(str(t.get("x")).split()) == 1]
    in_cells = ["".join(letter for _, letter, _ in placed) for placed in found.values()]
    assert sorted(single + in_cells) == sorted(words.findall(page))

    # The lines of the crossed and striped levels: one path each, clipped to that level's
    # cells; the dots: a dashed row of round dots, 6 units apart, in each stable cell.
    clips = {str(c.get("id")): c for c in root.iter(f"{SVG}clipPath")}
    for level in (0, 1):
        path = next(
            p for p in root.iter(f"{SVG}path") if p.get("clip-path", "").endswith(f"cells-{level})")
        )
        assert path.get("stroke") == "#ffffff" and path.get("fill") == "none"
        clip = clips[str(path.get("clip-path"))[5:-1]]
        clipped = {(float(x), float(y)) for x, y in box.findall(str(clip[0].get("d")))}
        assert clipped == {at for at, colour in cells.items() if colour == LEVEL_COLOURS[level]}
    dots = next(p for p in root.iter(f"{SVG}path") if p.get("stroke-dasharray"))
    assert dots.get("stroke-linecap") == "round" and dots.get("stroke-dasharray") == "0.01 5.99"
    starts = {
        (float(x) - 3, float(y)) for x, y in re.findall(r"M([\d.]+) ([\d.]+)", str(dots.get("d")))
    }
    stable = [at for at, colour in cells.items() if colour == LEVEL_COLOURS[2]]
    assert starts == {(x, y + v) for x, y in stable for v in (3, 9, 15)}
    assert len(clips) == 2 + 2  # and the legend's swatches


def test_words_from_the_labels_are_escaped() -> None:
    labels = ChartLabels(**{**LABELS.__dict__, "title": 'Ferd <b>"A&B"</b>'})
    svg = journey_svg(two_points(), {}, labels)
    root = parse(svg)  # still well-formed
    assert root.get("aria-label") == 'Ferd <b>"A&B"</b>' and "<b>" not in svg


def test_the_same_data_draws_the_same_bytes() -> None:
    assert journey_svg(two_points(), {}, LABELS) == journey_svg(two_points(), {}, LABELS)
