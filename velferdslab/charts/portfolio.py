"""Portfolio charts as plain SVG: the share at stable or better over time here, with what the
portfolio's charts share (labels, series, legends, axes, the notes under a chart); families per
level (velferdslab.charts.stacked) and the sensitivity tornado (velferdslab.charts.tornado) —
for the dashboard and the portfolio PDF alike.

Drawn directly with the SVG builder of the journey chart (velferdslab.charts.drawing): a chart
costs about a millisecond, where matplotlib took 100–450 ms each (issue 18), and the same data
always gives the same bytes. Each chart has a title and a description with its figures for
screen readers, a legend, real text, Norwegian (or English) numbers from velferdslab.formatting,
and patterns besides colour (`hatched`); a suppressed figure is a band over the range it lies in
where that is known ("1–4 of 21"), else a gap marked "–", and the chart says under itself what
it hid and why (issue 22). The workbook
has the same four charts as Excel's own (velferdslab.gains.excel_charts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from velferdslab.charts.drawing import Drawing, number, text_width
from velferdslab.charts.journey import PATTERN_MARKS
from velferdslab.formatting import DASH, format_number, format_percent

GROUP_COLOURS = ("#c8553d", "#3a8f8a")  # below stable; stable or better
GROUP_MARKS = (  # below stable: striped; stable or better: dotted (as the levels they merge)
    '<path d="M-1 1L1 -1M0 6L6 0M5 7L7 5" stroke="#ffffff" stroke-opacity="0.6"'
    ' stroke-width="1.3"/>',
    '<circle cx="3" cy="3" r="1.2" fill="#ffffff" fill-opacity="0.7"/>',
)
TORNADO_COLOURS = ("#3f8fc5", "#e0861a")  # assumption moved −20 %; +20 %
TORNADO_MARKS = (PATTERN_MARKS[1], "")
STABLE_LINE = "#2e6f9e"
INK, MUTED, GRID = "#1d2430", "#4a5565", "#e4e7eb"
FONT = 12
# Every chart is drawn 800 units wide: the dashboard shows it at most 860 px wide (smaller on a
# phone), so the letters stay about as large as the page's own; more quarters make the bars
# narrower, never the letters smaller.
WIDTH = 800.0


@dataclass(frozen=True)
class PortfolioChartLabels:
    language: str
    levels: Sequence[str]
    groups: Sequence[str]  # below stable; stable or better
    share_title: str
    share_legend: str
    families_legend: str
    levels_title: str
    domains_title: str
    tornado_title: str
    low: str  # "assumption moved −20 %"
    high: str
    million: str  # "mill. kr"
    of: str  # "%(k)s of %(n)s"
    range_of: str = "%(low)s–%(high)s of %(n)s"
    # What a chart says under itself when it hides or merges something (issue 22): empty when
    # the report is not suppressed.
    band_note: str = ""  # the band: a count under the threshold, shown as its range
    dash_note: str = ""  # "–": too few families, or it would give such a count away
    merged_note: str = ""  # levels merged into two groups where a level was small
    # Patterns tell the levels apart without colour on a page; print keeps the colours, the
    # legend and the table beside each chart.
    hatched: bool = True


@dataclass(frozen=True)
class ChartSeries:
    """One colour of a chart: its name in the legend, its fill (a pattern or the colour)."""

    name: str
    colour: str
    fill: str


def chart_series(
    svg: Drawing, prefix: str, names: Sequence[str], colours: Sequence[str],
    marks: Sequence[str], hatched: bool,
) -> list[ChartSeries]:  # fmt: skip
    """The series of a chart, with their patterns defined once in the chart's <defs>; each
    chart has its own pattern ids, as several charts share one page."""
    series = []
    for index, (name, colour, mark) in enumerate(zip(names, colours, marks, strict=True)):
        fill = colour
        if hatched and mark:
            pattern = f"{prefix}-{index}"
            svg.define(
                f'<pattern id="{pattern}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="{colour}"/>{mark}</pattern>'
            )
            fill = f"url(#{pattern})"
        series.append(ChartSeries(name, colour, fill))
    return series


def draw_legend(
    svg: Drawing, series: Sequence[ChartSeries], x: float, y: float, width: float
) -> float:
    """Swatches with names, left to right, wrapping at `width`; returns the height used."""
    left, row = x, 0
    for entry in series:
        step = 24 + text_width(entry.name, FONT) + 16
        if x + step > left + width and x > left:
            x, row = left, row + 1
        top = y + row * 20
        svg.rect(x, top, 18, 13, fill=entry.fill, stroke=entry.colour, stroke_width=1.0)
        svg.text(x + 24, top + 6.5, entry.name)
        x += step
    return (row + 1) * 20


def value_axis(
    svg: Drawing, ticks: Sequence[float], position: Callable[[float], float],
    across: tuple[float, float], shown: Callable[[float], str], horizontal: bool,
) -> None:  # fmt: skip
    """Grid lines and tick labels of the value axis (y when bars stand, x when they lie)."""
    svg.open("g", class_="value-ticks", fill=MUTED)
    for tick in ticks:
        at = position(tick)
        if horizontal:
            svg.line(at, across[0], at, across[1], stroke=GRID, stroke_width=1.0)
            svg.text(at, across[1] + 12, shown(tick), anchor="middle")
        else:
            svg.line(across[0], at, across[1], at, stroke=GRID, stroke_width=1.0)
            svg.text(across[0] - 6, at, shown(tick), anchor="end")
    svg.close("g")


def category_labels(
    svg: Drawing, names: Sequence[str], centre: Callable[[int], float], y: float
) -> None:
    """Quarter labels under the bars or points, slanted when they would crowd."""
    slanted = len(names) > 6
    svg.open("g", class_="category-ticks", fill=MUTED)
    for index, name in enumerate(names):
        x = centre(index)
        if slanted:
            svg.element(
                "text", escape(name, quote=False), x=float(x), y=float(y + 4),
                text_anchor="end", transform=f"rotate(-40 {number(x)} {number(y + 4)})",
            )  # fmt: skip
        else:
            svg.text(x, y + 6, name, anchor="middle")
    svg.close("g")


def category_height(names: Sequence[str]) -> float:
    if len(names) > 6:
        return 0.65 * max((text_width(n, FONT) for n in names), default=0) + 12
    return 22


def stable_share_chart(
    quarters: Sequence[str], rows: Sequence[Mapping[str, Any]], labels: PortfolioChartLabels
) -> str:
    """The lead chart: per quarter end, the share of assessed families at stable or better as a
    line, with "k of n" written at each point; where the count is hidden but its range known, a
    band from the lowest to the highest share it can be ("1–4 of 21"); else a gap with a dash.
    What was hidden, and why, is written under the chart."""
    left, top, right = 56.0, 64.0, 16.0
    plot_h = 220.0
    bottom = top + plot_h
    width = WIDTH
    notes = _share_notes(rows, labels)
    footer = bottom + category_height(quarters) + 8
    height = footer + 18 * len(notes)
    described = "; ".join(
        f"{q}: {_share_text(r, labels)}" for q, r in zip(quarters, rows, strict=True)
    )
    svg = Drawing(width, height, title=labels.share_title, description=described, font_size=FONT,
                  class_="chart-share")  # fmt: skip
    pitch = (width - left - right) / max(len(quarters), 1)
    # "k of n" at each point; when they would touch, every other one is raised a line.
    widest = max((text_width(_count(r, labels), 10) for r in rows), default=0.0)
    staggered = widest + 4 > pitch

    def x(index: int) -> float:
        return left + pitch * (index + 0.5)

    def y(share: float) -> float:
        return bottom - plot_h * share / 1.2  # room above 100 % for the counts

    ticks = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    value_axis(svg, ticks, y, (left, width - right),
                lambda v: format_percent(v, 0, labels.language), horizontal=False)  # fmt: skip
    svg.line(left, bottom, width - right, bottom, stroke=MUTED, stroke_width=1.0)
    category_labels(svg, quarters, x, bottom)

    # The legend: the line, and what the "k of n" at each point means.
    svg.line(left, 12, left + 28, 12, stroke=STABLE_LINE, stroke_width=2.2)
    svg.element("circle", cx=float(left + 14), cy=12.0, r=3.5, fill=STABLE_LINE)
    svg.text(left + 36, 12, labels.share_legend)
    svg.text(left, 32, labels.families_legend, fill=MUTED)

    segments: list[list[tuple[float, float]]] = [[]]
    for index, row in enumerate(rows):
        if row["share"] is None:
            segments.append([])
            if row.get("share_range"):
                low, high = row["share_range"]
                band = min(pitch * 0.5, 28.0)
                svg.open("g", class_="share-band")
                svg.title_of(f"{quarters[index]}: {_share_text(row, labels)}")
                svg.rect(x(index) - band / 2, y(high), band, max(y(low) - y(high), 2.0),
                         fill=STABLE_LINE, fill_opacity=0.28, stroke=STABLE_LINE,
                         stroke_width=1.0, stroke_dasharray="3 2")  # fmt: skip
                svg.close("g")
            else:
                svg.text(x(index), bottom - 10, DASH, anchor="middle", size=13.0, fill=MUTED)
            continue
        segments[-1].append((x(index), y(row["share"])))
    for points in segments:
        if len(points) > 1:
            path = "".join(
                f"{'M' if i == 0 else 'L'}{number(px)} {number(py)}"
                for i, (px, py) in enumerate(points)
            )
            svg.element("path", d=path, fill="none", stroke=STABLE_LINE, stroke_width=2.2)
    svg.open("g", text_anchor="middle", font_size=10)
    for index, row in enumerate(rows):
        if row["share"] is None and not row.get("share_range"):
            continue
        top_share = row["share"] if row["share"] is not None else row["share_range"][1]
        px, py = x(index), y(top_share)
        if row["share"] is not None:
            svg.element("circle", cx=float(px), cy=float(py), r=4.0, fill=STABLE_LINE)
        raised = 12 if staggered and index % 2 else 0
        svg.element("text", escape(_count(row, labels), quote=False),
                    x=float(px), y=float(py - 10 - raised))  # fmt: skip
    svg.close("g")
    chart_notes(svg, notes, left, footer)
    return svg.render()


def _share_notes(rows: Sequence[Mapping[str, Any]], labels: PortfolioChartLabels) -> list[str]:
    notes = []
    if any(row["share"] is None and row.get("share_range") for row in rows):
        notes.append(labels.band_note)
    if any(row["share"] is None and not row.get("share_range") for row in rows):
        notes.append(labels.dash_note)
    return [note for note in notes if note]


def chart_notes(svg: Drawing, notes: Sequence[str], x: float, y: float) -> None:
    """The chart's own words on what it hides and why, one line each, under the plot."""
    if notes:
        svg.open("g", class_="chart-notes", fill=MUTED)
        for index, note in enumerate(notes):
            svg.text(x, y + 18 * index + 6, note)
        svg.close("g")


def _share_text(row: Mapping[str, Any], labels: PortfolioChartLabels) -> str:
    if row["share"] is not None:
        return format_percent(row["share"], 0, labels.language)
    return _count(row, labels)


def _count(row: Mapping[str, Any], labels: PortfolioChartLabels) -> str:
    if row["share"] is None:
        span = row.get("stable_or_better_range")
        if not span or row["families"]["suppressed"]:
            return DASH
        return labels.range_of % {
            "low": format_number(span[0], 0, labels.language),
            "high": format_number(span[1], 0, labels.language),
            "n": format_number(row["families"]["value"], 0, labels.language),
        }
    return labels.of % {
        "k": format_number(row["stable_or_better"]["value"], 0, labels.language),
        "n": format_number(row["families"]["value"], 0, labels.language),
    }


def legend_height(series: Sequence[ChartSeries], width: float) -> float:
    probe = Drawing(width, 0, title="", description="")
    return draw_legend(probe, series, 0, 0, width)
