"""The journey chart: each domain's level at each assessment, the overall level, the goals.

A grid drawn directly as SVG (velferdslab.charts.drawing): one row per assessment date, oldest
first, as in the table beside it; one column per domain, then the overall level; a last row with
the goals. Levels are told apart by colour, by a pattern (cross-hatched, striped, dotted, solid)
and by the level's letters written in every cell, so the chart reads without colour too; each
cell names its domain, date and level as a tooltip. The width does not grow with the number of
assessments, so the chart stays readable on a phone 390 px wide; it grows downwards instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from velferdslab.charts.drawing import Drawing, measured_width, number, text_width
from velferdslab.formatting import format_date
from velferdslab.vocabulary import DOMAINS

LEVEL_COLOURS = ("#b3261e", "#e0861a", "#3f8fc5", "#2e7d32")
TEXT_ON_LEVEL = ("#ffffff", "#1d2430", "#ffffff", "#ffffff")
UNASSESSED = "#e4e7eb"
INK = "#1d2430"
# The patterns drawn over each level's colour, in a 6 × 6 tile: crossed lines, one set of
# lines, dots; the best level is solid. White at 60 %, so the letters stay legible.
PATTERN_MARKS = (
    '<path d="M0 0L6 6M6 0L0 6" stroke="#ffffff" stroke-opacity="0.6" stroke-width="1.1"/>',
    '<path d="M-1 1L1 -1M0 6L6 0M5 7L7 5" stroke="#ffffff" stroke-opacity="0.6"'
    ' stroke-width="1.3"/>',
    '<circle cx="3" cy="3" r="1.2" fill="#ffffff" fill-opacity="0.7"/>',
    "",
)
PATTERN_ID = "journey-level-{}"

FONT = 11  # dates, domain names, legend
CELL_FONT = 10  # the level's letters in a cell
COLUMN, ROW = 34, 22  # a cell's pitch
CELL_W, CELL_H = 31, 19
GAP = 10  # between the domains and the overall level, and before the goals
SCALE = 1.25  # CSS pixels per unit where there is room (a desktop); a phone scales it down


@dataclass(frozen=True)
class JourneyPoint:
    on: dt.date
    levels: Mapping[str, int | None]  # carried forward
    overall: int | None


@dataclass(frozen=True)
class ChartLabels:
    domains: Mapping[str, str]
    levels: Sequence[str]  # full names, worst → best
    short_levels: Sequence[str]  # two or three letters per level
    overall: str
    goal: str
    title: str


def journey_svg(
    points: Sequence[JourneyPoint],
    goals: Mapping[str, int],
    labels: ChartLabels,
    *,
    hatched: bool = True,
    tooltips: bool = True,
    max_height: float | None = None,
    printed: bool = False,
) -> str:
    """The chart as inline SVG, for the family page and the family report alike.
    `hatched=False` leaves the patterns out (the letters in each cell still tell the levels
    apart without colour); `tooltips=False` leaves out each cell's words (`<title>`), which
    a printed page cannot show and WeasyPrint is slow to skip. `max_height` (CSS pixels)
    shrinks a long journey to fit a printed page. `printed=True` draws the same marks for
    WeasyPrint: each level's marks as one path over all its cells instead of a `<pattern>`
    fill (which WeasyPrint writes out anew for every cell), and words placed by their
    measured width instead of `text-anchor` (a PDF object per word in WeasyPrint)."""
    columns = [*DOMAINS, "overall"]
    names = {**labels.domains, "overall": labels.overall}
    header_lines = {column: _split(names.get(column, column)) for column in columns}
    header = 6 + max(text_width(line, FONT) for lines in header_lines.values() for line in lines)
    left = 8 + max(text_width(text, FONT) for text in ("00.00.0000", labels.goal))
    top = header + 6
    goal_top = top + len(points) * ROW + GAP
    legend_top = goal_top + (ROW if goals else 0) + 12
    legend_rows = 2
    width = left + len(columns) * COLUMN + GAP
    height = legend_top + legend_rows * 20 + 2

    scale = SCALE if max_height is None else min(SCALE, max_height / height)
    svg = Drawing(
        width, height, title=labels.title, description=describe(points, labels), scale=scale,
        font_size=FONT, measured_anchors=printed,
    )  # fmt: skip
    if hatched and not printed:
        for level, marks in enumerate(PATTERN_MARKS):
            if marks:
                svg.define(
                    f'<pattern id="{PATTERN_ID.format(level)}" width="6" height="6"'
                    ' patternUnits="userSpaceOnUse">'
                    f'<rect width="6" height="6" fill="{LEVEL_COLOURS[level]}"/>{marks}</pattern>'
                )

    def x_of(index: int) -> float:
        return left + index * COLUMN + (GAP if columns[index] == "overall" else 0)

    for index, column in enumerate(columns):
        lines = header_lines[column]
        centre = x_of(index) + CELL_W / 2
        for number_of_line, line in enumerate(lines):
            # Written upwards from just above the grid; two lines side by side in a column.
            offset = (number_of_line - (len(lines) - 1) / 2) * (FONT + 1) + 0.36 * FONT
            x, y = centre + offset, header
            svg.element(
                "text", _escape(line), x=float(x), y=float(y),
                transform=f"rotate(-90 {number(x)} {number(y)})",
                font_weight="bold" if column == "overall" else None,
            )  # fmt: skip

    for row, point in enumerate(points):
        svg.text(left - 8, top + row * ROW + CELL_H / 2, format_date(point.on), anchor="end")
    # The cells' letters share their size, weight and centring (written once, on the group).
    column_names = [names.get(column, column) for column in columns]
    if printed:
        _printed_cells(svg, points, labels, hatched, [x_of(i) for i in range(len(columns))], top)
    else:
        svg.open("g", text_anchor="middle", font_weight="bold", font_size=CELL_FONT)
        cells = _CellMarkup(labels, hatched)
        for row, point in enumerate(points):
            y = top + row * ROW
            date = format_date(point.on)
            readings = [point.levels.get(column) for column in DOMAINS] + [point.overall]
            for index, reading in enumerate(readings):
                tooltip = f"{column_names[index]}, {date}: {_name(labels, reading)}"
                svg.raw(cells.cell(x_of(index), y, reading, tooltip if tooltips else None))
        svg.close("g")

    separator = x_of(len(columns) - 1) - GAP / 2 - (COLUMN - CELL_W) / 2
    svg.line(separator, top - 4, separator, top + len(points) * ROW, stroke=INK, stroke_width=1.0)

    if goals:
        y = goal_top
        svg.text(left - 8, y + CELL_H / 2, labels.goal, anchor="end", font_weight="bold")
        for index, column in enumerate(columns):
            if column in goals:
                _goal(svg, x_of(index), y, goals[column], labels, names.get(column, column))

    for level, (short, name) in enumerate(zip(labels.short_levels, labels.levels, strict=True)):
        x = 4 + (level % 2) * (width - 8) / 2
        y = legend_top + (level // 2) * 20
        patterned = hatched and bool(PATTERN_MARKS[level])
        fill = f"url(#{PATTERN_ID.format(level)})" if patterned and not printed else None
        svg.rect(x, y, 24, 16, fill=fill or LEVEL_COLOURS[level])
        if patterned and printed:
            svg.raw(_marks_path(level, [(x, y, 24, 16)], "legend"))
        if patterned:
            svg.rect(x + 3, y + 3, 18, 10, fill=LEVEL_COLOURS[level], rx=2.0)
        svg.text(x + 12, y + 8, short, anchor="middle", size=CELL_FONT - 1,
                 fill=TEXT_ON_LEVEL[level], font_weight="bold")  # fmt: skip
        svg.text(x + 30, y + 8, f"= {name}")
    return svg.render()


class _CellMarkup:
    """One reading of one domain: its colour, its pattern, its letters (inside a group that
    sets their size and weight) and, as a tooltip, the domain, date and level in words. A
    family page has some 100–300 cells: each is written from markup made once per level."""

    def __init__(self, labels: ChartLabels, hatched: bool) -> None:
        size = f'width="{CELL_W}" height="{CELL_H}"'
        self.levels: list[tuple[str, str]] = []  # (the cell's own rectangle, the rest)
        for level, colour in enumerate(LEVEL_COLOURS):
            patterned = hatched and PATTERN_MARKS[level]
            fill = f"url(#{PATTERN_ID.format(level)})" if patterned else colour
            ground = (
                f'<rect x="{{x5}}" y="{{y4}}" width="{CELL_W - 10}" height="{CELL_H - 8}"'
                f' fill="{colour}" rx="2"/>'
                if patterned
                else ""
            )
            letters = escape(labels.short_levels[level], quote=False)
            text = f'<text x="{{xc}}" y="{{yc}}" fill="{TEXT_ON_LEVEL[level]}">{letters}</text>'
            self.levels.append((f'<rect x="{{x}}" y="{{y}}" {size} fill="{fill}"/>', ground + text))
        self.empty = f'<rect x="{{x}}" y="{{y}}" {size} fill="{UNASSESSED}"/>'

    def cell(self, x: float, y: float, level: int | None, tooltip: str | None) -> str:
        title = f"<title>{escape(tooltip, quote=False)}</title>" if tooltip else ""
        at = {"x": number(x), "y": number(y)}
        if level is None:
            return f"<g>{title}{self.empty.format(**at)}</g>"
        box, rest = self.levels[level]
        inner = {
            "x5": number(x + 5),
            "y4": number(y + 4),
            "xc": number(x + CELL_W / 2),
            "yc": number(y + CELL_H / 2 + 0.36 * CELL_FONT),
        }
        return f"<g>{title}{box.format(**at)}{rest.format(**inner)}</g>"


def _printed_cells(
    svg: Drawing,
    points: Sequence[JourneyPoint],
    labels: ChartLabels,
    hatched: bool,
    xs: Sequence[float],
    top: float,
) -> None:
    """The cells for print, in layers of few elements (WeasyPrint spends more on each element
    than on its points): all cells of a colour as one path, then each level's marks, then
    the plain grounds (rounded, 21 × 11 in the middle of a patterned cell), one path per
    colour, then the letters, centred by their measured width: one `<text>` per row and
    letter colour, each letter placed by its own x (WeasyPrint sets an SVG text letter by
    letter anyway; it is the elements that cost)."""
    cells: dict[str, list[str]] = {}
    grounds: dict[str, list[str]] = {}
    boxes: dict[int, list[tuple[float, float, float, float]]] = {level: [] for level in range(4)}
    letters: dict[tuple[float, str], tuple[list[str], list[str]]] = {}  # (y, fill) → x, text
    for row, point in enumerate(points):
        y = top + row * ROW
        readings = [point.levels.get(column) for column in DOMAINS] + [point.overall]
        for x, reading in zip(xs, readings, strict=True):
            colour = UNASSESSED if reading is None else LEVEL_COLOURS[reading]
            cells.setdefault(colour, []).append(f"M{number(x)} {number(y)}h{CELL_W}v{CELL_H}"
                                                f"h-{CELL_W}z")  # fmt: skip
            if reading is None:
                continue
            if hatched and PATTERN_MARKS[reading]:
                boxes[reading].append((x, y, CELL_W, CELL_H))
                grounds.setdefault(colour, []).append(
                    f"M{number(x + 7)} {number(y + 4)}h{CELL_W - 14}q2 0 2 2v{CELL_H - 12}"
                    f"q0 2 -2 2h-{CELL_W - 14}q-2 0 -2 -2v-{CELL_H - 12}q0 -2 2 -2z"
                )
            short = labels.short_levels[reading]
            left = x + CELL_W / 2 - measured_width(short, CELL_FONT, bold=True) / 2
            baseline = y + CELL_H / 2 + 0.36 * CELL_FONT
            places, text = letters.setdefault((baseline, TEXT_ON_LEVEL[reading]), ([], []))
            for letter in short:
                places.append(number(left))
                text.append(letter)
                left += measured_width(letter, CELL_FONT, bold=True)
    for colour, parts in cells.items():
        svg.element("path", d="".join(parts), fill=colour)
    for level, cells_of_level in boxes.items():
        svg.raw(_marks_path(level, cells_of_level))
    for colour, parts in grounds.items():
        svg.element("path", d="".join(parts), fill=colour)
    svg.open("g", font_weight="bold", font_size=CELL_FONT)
    for (baseline, fill), (places, text) in letters.items():
        words = escape("".join(text), quote=False)
        svg.raw(f'<text x="{" ".join(places)}" y="{number(baseline)}" fill="{fill}">{words}</text>')
    svg.close("g")


def _marks_path(
    level: int, boxes: Sequence[tuple[float, float, float, float]], name: str = "cells"
) -> str:
    """A level's pattern marks over its boxes (x, y, width, height) in a few elements, as
    WeasyPrint parses a path's points slowly: the lines ("/", and "\\" too for the crossed
    level) as one path across all the boxes, clipped to them, 6 units apart as in the
    pattern; the dots as one dashed line per row of dots in each box, in 6-unit tiles from its
    corner (where WeasyPrint starts a pattern)."""
    if not boxes:
        return ""
    if level == 2:
        rows = "".join(
            f"M{number(x + 3)} {number(y + v)}h{number(w - 6 + 0.1)}"
            for x, y, w, h in boxes
            for v in range(3, int(h) + 1, 6)
        )
        return (
            f'<path d="{rows}" fill="none" stroke="#ffffff" stroke-opacity="0.7"'
            ' stroke-width="2.4" stroke-linecap="round" stroke-dasharray="0.01 5.99"/>'
        )
    x0, y0 = min(x for x, _, _, _ in boxes), min(y for _, y, _, _ in boxes)
    x1, y1 = max(x + w for x, _, w, _ in boxes), max(y + h for _, y, _, h in boxes)
    lines = []
    for c in range(6 * int((x0 + y0) // 6 + 1), int(x1 + y1) + 1, 6):  # x + y = c
        lo, hi = max(x0, c - y1), min(x1, c - y0)
        if lo < hi:
            lines.append(f"M{number(lo)} {number(c - lo)}L{number(hi)} {number(c - hi)}")
    if level == 0:
        for c in range(6 * int((x0 - y1) // 6 + 1), int(x1 - y0) + 1, 6):  # x - y = c
            lo, hi = max(x0, y0 + c), min(x1, y1 + c)
            if lo < hi:
                lines.append(f"M{number(lo)} {number(lo - c)}L{number(hi)} {number(hi - c)}")
    clip = f"journey-{name}-{level}"
    cells = "".join(f"M{number(x)} {number(y)}h{number(w)}v{number(h)}h{number(-w)}z"
                    for x, y, w, h in boxes)  # fmt: skip
    width = "1.1" if level == 0 else "1.3"
    return (
        f'<clipPath id="{clip}"><path d="{cells}"/></clipPath>'
        f'<path d="{"".join(lines)}" fill="none" stroke="#ffffff" stroke-opacity="0.6"'
        f' stroke-width="{width}" clip-path="url(#{clip})"/>'
    )


def _goal(svg: Drawing, x: float, y: float, level: int, labels: ChartLabels, domain: str) -> None:
    """The target level: a framed white cell with a diamond and the level's letters."""
    svg.open("g")
    svg.title_of(f"{labels.goal}, {domain}: {labels.levels[level]}")
    colour = LEVEL_COLOURS[level]
    svg.rect(x + 1, y + 1, CELL_W - 2, CELL_H - 2, fill="#ffffff", stroke=colour, stroke_width=2.0)
    middle = y + CELL_H / 2
    svg.element("path", d=f"M{number(x + 3)} {number(middle)}l3 -3l3 3l-3 3z",
                fill=colour)  # fmt: skip
    svg.text(x + 10, middle, labels.short_levels[level], size=CELL_FONT - 1, font_weight="bold")
    svg.close("g")


def _split(name: str) -> list[str]:
    """A long column name in two lines, broken at the space nearest its middle."""
    if len(name) <= 12 or " " not in name:
        return [name]
    spaces = [i for i, c in enumerate(name) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return [name[:cut], name[cut + 1 :]]


def _name(labels: ChartLabels, level: int | None) -> str:
    return "–" if level is None else labels.levels[level]


def _escape(words: str) -> str:
    return escape(words, quote=False)


def describe(points: Sequence[JourneyPoint], labels: ChartLabels) -> str:
    if not points:
        return labels.title
    first, last = points[0], points[-1]
    return (
        f"{labels.overall}: {_name(labels, first.overall)} ({format_date(first.on)}) → "
        f"{_name(labels, last.overall)} ({format_date(last.on)})"
    )
