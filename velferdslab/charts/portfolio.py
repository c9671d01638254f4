"""Portfolio charts as plain SVG: the share at stable or better over time, families per level
over time and per domain (grouped where small counts would hide a level), and the sensitivity
tornado — for the dashboard and the portfolio PDF alike.

Drawn directly with the SVG builder of the journey chart (velferdslab.charts.drawing): a chart
costs about a millisecond, where matplotlib took 100–450 ms each (issue 18), and the same data
always gives the same bytes. Each chart has a title and a description with its figures for
screen readers, a legend, real text, Norwegian (or English) numbers from velferdslab.formatting,
and patterns besides colour (`hatched`); a suppressed figure is a gap marked "–". The workbook
has the same four charts as Excel's own (velferdslab.gains.excel_charts).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from velferdslab.charts.drawing import Drawing, number, text_width
from velferdslab.charts.journey import LEVEL_COLOURS, PATTERN_MARKS, TEXT_ON_LEVEL
from velferdslab.charts.lines import nice_ticks
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
    # Patterns tell the levels apart without colour on a page; print keeps the colours, the
    # legend and the table beside each chart.
    hatched: bool = True


@dataclass(frozen=True)
class _Series:
    """One colour of a chart: its name in the legend, its fill (a pattern or the colour)."""

    name: str
    colour: str
    fill: str


def _series(
    svg: Drawing, prefix: str, names: Sequence[str], colours: Sequence[str],
    marks: Sequence[str], hatched: bool,
) -> list[_Series]:  # fmt: skip
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
        series.append(_Series(name, colour, fill))
    return series


def _legend(svg: Drawing, series: Sequence[_Series], x: float, y: float, width: float) -> float:
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


def _value_axis(
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


def _category_labels(
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


def _category_height(names: Sequence[str]) -> float:
    if len(names) > 6:
        return 0.65 * max((text_width(n, FONT) for n in names), default=0) + 12
    return 22


def stable_share_chart(
    quarters: Sequence[str], rows: Sequence[Mapping[str, Any]], labels: PortfolioChartLabels
) -> str:
    """The lead chart: per quarter end, the share of assessed families at stable or better as a
    line, with "k of n" written at each point; a hidden quarter is a gap with a dash."""
    left, top, right = 56.0, 64.0, 16.0
    plot_h = 220.0
    bottom = top + plot_h
    width = WIDTH
    height = bottom + _category_height(quarters) + 8
    described = "; ".join(
        f"{q}: {DASH if r['share'] is None else format_percent(r['share'], 0, labels.language)}"
        for q, r in zip(quarters, rows, strict=True)
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
    _value_axis(svg, ticks, y, (left, width - right),
                lambda v: format_percent(v, 0, labels.language), horizontal=False)  # fmt: skip
    svg.line(left, bottom, width - right, bottom, stroke=MUTED, stroke_width=1.0)
    _category_labels(svg, quarters, x, bottom)

    # The legend: the line, and what the "k of n" at each point means.
    svg.line(left, 12, left + 28, 12, stroke=STABLE_LINE, stroke_width=2.2)
    svg.element("circle", cx=float(left + 14), cy=12.0, r=3.5, fill=STABLE_LINE)
    svg.text(left + 36, 12, labels.share_legend)
    svg.text(left, 32, labels.families_legend, fill=MUTED)

    segments: list[list[tuple[float, float]]] = [[]]
    for index, row in enumerate(rows):
        if row["share"] is None:
            segments.append([])
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
        if row["share"] is None:
            continue
        px, py = x(index), y(row["share"])
        svg.element("circle", cx=float(px), cy=float(py), r=4.0, fill=STABLE_LINE)
        raised = 12 if staggered and index % 2 else 0
        svg.element("text", escape(_count(row, labels), quote=False),
                    x=float(px), y=float(py - 10 - raised))  # fmt: skip
    svg.close("g")
    return svg.render()


def _count(row: Mapping[str, Any], labels: PortfolioChartLabels) -> str:
    if row["share"] is None:
        return DASH
    return labels.of % {
        "k": format_number(row["stable_or_better"]["value"], 0, labels.language),
        "n": format_number(row["families"]["value"], 0, labels.language),
    }


def _stack_series(
    svg: Drawing, prefix: str, rows: Sequence[Mapping[str, Any]], labels: PortfolioChartLabels
) -> dict[str, list[_Series]]:
    """The series a stacked chart draws: the levels, the groups, or both where rows differ."""
    drawn: dict[str, list[_Series]] = {}
    if any(row["grouping"] == "levels" for row in rows) or not rows:
        drawn["levels"] = _series(svg, f"{prefix}-level", labels.levels, LEVEL_COLOURS,
                                  PATTERN_MARKS, labels.hatched)  # fmt: skip
    if any(row["grouping"] == "groups" for row in rows):
        drawn["groups"] = _series(svg, f"{prefix}-group", labels.groups, GROUP_COLOURS,
                                  GROUP_MARKS, labels.hatched)  # fmt: skip
    return drawn


def _stacks(
    svg: Drawing,
    rows: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    series: Mapping[str, Sequence[_Series]],
    bar: Callable[[int, float, float], tuple[float, float, float, float]],
    mark: Callable[[int, float], tuple[float, float, str]],
    language: str,
) -> None:
    """Each row's stacked segments, with the count written in a segment wide enough for it and
    a dash after a row with a hidden figure; each segment names its row, series and count."""
    for index, row in enumerate(rows):
        start = 0.0
        hidden = False
        entries = series[row["grouping"]]
        for level, (cell, entry) in enumerate(zip(row["cells"], entries, strict=True)):
            if cell["suppressed"]:
                hidden = True
                continue
            count = float(cell["value"] or 0)
            if count <= 0:
                continue
            x, y, w, h = bar(index, start, start + count)
            shown = format_number(count, 0, language)
            svg.open("g")
            svg.title_of(f"{names[index]}, {entry.name}: {shown}")
            svg.rect(x, y, w, h, fill=entry.fill, stroke="#ffffff", stroke_width=0.8)
            if min(w, h) >= 13 and max(w, h) >= text_width(shown, 10) + 4:
                on = TEXT_ON_LEVEL[level] if row["grouping"] == "levels" else "#ffffff"
                svg.text(x + w / 2, y + h / 2, shown, anchor="middle", size=10.0, fill=on,
                         font_weight="bold")  # fmt: skip
            svg.close("g")
            start += count
        if hidden:
            tx, ty, anchor = mark(index, start)
            svg.text(tx, ty, DASH, anchor=anchor, size=13.0)


def _count_ticks(largest: float) -> list[float]:
    """Whole families from 0 to at least `largest`, at round whole steps."""
    ticks = nice_ticks(0.0, max(largest, 1.0), 5)
    step = float(max(1, math.ceil(ticks[1] - ticks[0])))
    out = [0.0]
    while out[-1] < largest or len(out) < 2:
        out.append(out[-1] + step)
    return out


def _stacked_chart(
    name: str, title: str, names: Sequence[str], rows: Sequence[Mapping[str, Any]],
    labels: PortfolioChartLabels,
) -> tuple[Drawing, dict[str, list[_Series]], list[_Series], list[float]]:  # fmt: skip
    """A stacked chart's drawing (sized later), its series, its legend and its count ticks."""
    svg = Drawing(0, 0, title=title, description=_describe(names, rows, labels), font_size=FONT,
                  class_=f"chart-{name}")  # fmt: skip
    series = _stack_series(svg, name, rows, labels)
    legend = [entry for entries in series.values() for entry in entries]
    ticks = _count_ticks(max((_total(row) for row in rows), default=0.0))
    return svg, series, legend, ticks


def levels_chart(
    quarters: Sequence[str], rows: Sequence[Mapping[str, Any]], labels: PortfolioChartLabels
) -> str:
    """Families per overall level at each quarter end (grouped rows of the portfolio report)."""
    svg, series, legend, ticks = _stacked_chart("levels", labels.levels_title, quarters, rows,
                                                labels)  # fmt: skip
    left, top, right, plot_h = 48.0, 12.0, 16.0, 220.0
    width = WIDTH
    legend_h = _legend_height(legend, width - left - right)
    top += legend_h + 8
    bottom = top + plot_h
    svg.width, svg.height = width, bottom + _category_height(quarters) + 8
    pitch = (width - left - right) / max(len(quarters), 1)
    high = ticks[-1]

    def y(count: float) -> float:
        return bottom - plot_h * count / high

    _legend(svg, legend, left, 6, width - left - right)
    _value_axis(svg, ticks, y, (left, width - right),
                lambda v: format_number(v, 0, labels.language), horizontal=False)  # fmt: skip
    _stacks(
        svg, rows, quarters, series,
        lambda i, a, b: (left + pitch * i + pitch * 0.18, y(b), pitch * 0.64, y(a) - y(b)),
        lambda i, top_count: (left + pitch * (i + 0.5), y(top_count) - 10, "middle"),
        labels.language,
    )  # fmt: skip
    svg.line(left, bottom, width - right, bottom, stroke=MUTED, stroke_width=1.0)
    _category_labels(svg, quarters, lambda i: left + pitch * (i + 0.5), bottom)
    return svg.render()


def domains_chart(
    domains: Sequence[str], rows: Sequence[Mapping[str, Any]], labels: PortfolioChartLabels
) -> str:
    """Families per level in each domain at the valuation date, one horizontal bar per domain."""
    svg, series, legend, ticks = _stacked_chart("domains", labels.domains_title, domains, rows,
                                                labels)  # fmt: skip
    width, right, row_h = WIDTH, 24.0, 28.0
    left = 10 + max((text_width(d, FONT) for d in domains), default=0)
    legend_h = _legend_height(legend, width - 20)
    top = 6 + legend_h + 8
    bottom = top + row_h * len(domains)
    svg.width, svg.height = width, bottom + 22
    plot_w = width - left - right
    high = ticks[-1]

    def x(count: float) -> float:
        return left + plot_w * count / high

    _legend(svg, legend, 10, 6, width - 20)
    _value_axis(svg, ticks, x, (top, bottom),
                lambda v: format_number(v, 0, labels.language), horizontal=True)  # fmt: skip
    svg.open("g", class_="category-ticks", fill=MUTED)
    for index, domain in enumerate(domains):
        svg.text(left - 6, top + row_h * (index + 0.5), domain, anchor="end")
    svg.close("g")
    _stacks(
        svg, rows, domains, series,
        lambda i, a, b: (x(a), top + row_h * i + 4, x(b) - x(a), row_h - 8),
        lambda i, end: (x(end) + 4, top + row_h * (i + 0.5), "start"),
        labels.language,
    )  # fmt: skip
    svg.line(left, top, left, bottom, stroke=MUTED, stroke_width=1.0)
    return svg.render()


def _total(row: Mapping[str, Any]) -> float:
    return float(sum(cell["value"] or 0 for cell in row["cells"] if not cell["suppressed"]))


def _legend_height(series: Sequence[_Series], width: float) -> float:
    probe = Drawing(width, 0, title="", description="")
    return _legend(probe, series, 0, 0, width)


def _describe(
    names: Sequence[str], rows: Sequence[Mapping[str, Any]], labels: PortfolioChartLabels
) -> str:
    """The chart's figures as text for screen readers: `31.03.2025: uholdbar 6, utsatt 6, …`."""

    def cell(value: Mapping[str, Any]) -> str:
        return DASH if value["suppressed"] else format_number(value["value"], 0, labels.language)

    return "; ".join(
        f"{name}: "
        + ", ".join(
            f"{series} {cell(c)}"
            for series, c in zip(
                labels.levels if row["grouping"] == "levels" else labels.groups,
                row["cells"],
                strict=True,
            )
        )
        for name, row in zip(names, rows, strict=True)
    )


def tornado_chart(
    rows: Sequence[Mapping[str, Any]], names: Mapping[str, str], labels: PortfolioChartLabels
) -> str:
    """Horizontal bars from the base NPV to the −20 % and +20 % values, widest swing on top."""
    shown = list(rows)[:12]
    described = "; ".join(
        f"{names.get(r['parameter'], r['parameter'])}: "
        f"{format_number(r['low'] / 1e6, 1, labels.language)} – "
        f"{format_number(r['high'] / 1e6, 1, labels.language)}"
        for r in shown
    )
    svg = Drawing(0, 0, title=labels.tornado_title, description=described, font_size=FONT,
                  class_="chart-tornado")  # fmt: skip
    series = _series(svg, "tornado", (labels.low, labels.high), TORNADO_COLOURS, TORNADO_MARKS,
                     labels.hatched)  # fmt: skip
    parameter_names = [names.get(r["parameter"], r["parameter"]) for r in shown]
    width, right, row_h = WIDTH, 24.0, 26.0
    left = 10 + max((text_width(n, FONT) for n in parameter_names), default=0)
    legend_h = _legend_height(series, width - 20)
    top = 6 + legend_h + 8
    bottom = top + row_h * len(shown)
    svg.width, svg.height = width, bottom + 44
    values = [v for r in shown for v in (r["low"], r["high"], r["base"])]
    ticks = _million_ticks(min(values, default=0.0), max(values, default=0.0))
    low, high = ticks[0], ticks[-1]
    plot_w = width - left - right

    def x(value: float) -> float:
        return left + plot_w * (value - low) / (high - low)

    _legend(svg, series, 10, 6, width - 20)
    _value_axis(svg, ticks, x, (top, bottom),
                lambda v: format_number(v / 1e6, 1, labels.language), horizontal=True)  # fmt: skip
    svg.text(left + plot_w / 2, bottom + 34, labels.million, anchor="middle", fill=MUTED)
    svg.open("g", class_="category-ticks", fill=MUTED)
    for index, name in enumerate(parameter_names):
        svg.text(left - 6, top + row_h * (index + 0.5), name, anchor="end")
    svg.close("g")
    for index, (row, name) in enumerate(zip(shown, parameter_names, strict=True)):
        for value, entry in ((row["low"], series[0]), (row["high"], series[1])):
            start, end = sorted((x(row["base"]), x(value)))
            svg.open("g")
            svg.title_of(f"{name}, {entry.name}: "
                         f"{format_number(value / 1e6, 1, labels.language)}")  # fmt: skip
            svg.rect(start, top + row_h * index + 4, max(end - start, 0.5), row_h - 8,
                     fill=entry.fill, stroke=entry.colour, stroke_width=0.6)  # fmt: skip
            svg.close("g")
    base = x(shown[0]["base"]) if shown else x(0.0)
    svg.line(base, top - 2, base, bottom + 2, stroke=INK, stroke_width=1.2)
    return svg.render()


def _million_ticks(low: float, high: float) -> list[float]:
    """Round steps in millions around the values (not from 0: the swings are what matter)."""
    span = max(high - low, 1.0)
    ticks = nice_ticks(0.0, span, 5)
    step = ticks[1] - ticks[0]
    first = (low // step) * step
    out = [first]
    while out[-1] < high or len(out) < 2:
        out.append(out[-1] + step)
    return out
