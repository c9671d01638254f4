"""The portfolio's stacked charts as plain SVG: families per overall level at each quarter end,
and per level in each domain now — grouped where small counts would hide a level, a dash where
a count is hidden, and a line under the chart saying which (drawn like the share chart,
velferdslab.charts.portfolio)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from velferdslab.charts.drawing import Drawing, text_width
from velferdslab.charts.journey import LEVEL_COLOURS, PATTERN_MARKS, TEXT_ON_LEVEL
from velferdslab.charts.lines import nice_ticks
from velferdslab.charts.portfolio import (
    FONT,
    GROUP_COLOURS,
    GROUP_MARKS,
    MUTED,
    WIDTH,
    ChartSeries,
    PortfolioChartLabels,
    category_height,
    category_labels,
    chart_notes,
    chart_series,
    draw_legend,
    legend_height,
    value_axis,
)
from velferdslab.formatting import DASH, format_number


def _stack_series(
    svg: Drawing, prefix: str, rows: Sequence[Mapping[str, Any]], labels: PortfolioChartLabels
) -> dict[str, list[ChartSeries]]:
    """The series a stacked chart draws: the levels, the groups, or both where rows differ."""
    drawn: dict[str, list[ChartSeries]] = {}
    if any(row["grouping"] == "levels" for row in rows) or not rows:
        drawn["levels"] = chart_series(svg, f"{prefix}-level", labels.levels, LEVEL_COLOURS,
                                  PATTERN_MARKS, labels.hatched)  # fmt: skip
    if any(row["grouping"] == "groups" for row in rows):
        drawn["groups"] = chart_series(svg, f"{prefix}-group", labels.groups, GROUP_COLOURS,
                                  GROUP_MARKS, labels.hatched)  # fmt: skip
    return drawn


def _stacks(
    svg: Drawing,
    rows: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    series: Mapping[str, Sequence[ChartSeries]],
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
) -> tuple[Drawing, dict[str, list[ChartSeries]], list[ChartSeries], list[float]]:  # fmt: skip
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
    legend_h = legend_height(legend, width - left - right)
    top += legend_h + 8
    bottom = top + plot_h
    notes = _stack_notes(rows, labels)
    footer = bottom + category_height(quarters) + 8
    svg.width, svg.height = width, footer + 18 * len(notes)
    pitch = (width - left - right) / max(len(quarters), 1)
    high = ticks[-1]

    def y(count: float) -> float:
        return bottom - plot_h * count / high

    draw_legend(svg, legend, left, 6, width - left - right)
    value_axis(svg, ticks, y, (left, width - right),
                lambda v: format_number(v, 0, labels.language), horizontal=False)  # fmt: skip
    _stacks(
        svg, rows, quarters, series,
        lambda i, a, b: (left + pitch * i + pitch * 0.18, y(b), pitch * 0.64, y(a) - y(b)),
        lambda i, top_count: (left + pitch * (i + 0.5), y(top_count) - 10, "middle"),
        labels.language,
    )  # fmt: skip
    svg.line(left, bottom, width - right, bottom, stroke=MUTED, stroke_width=1.0)
    category_labels(svg, quarters, lambda i: left + pitch * (i + 0.5), bottom)
    chart_notes(svg, notes, left, footer)
    return svg.render()


def domains_chart(
    domains: Sequence[str], rows: Sequence[Mapping[str, Any]], labels: PortfolioChartLabels
) -> str:
    """Families per level in each domain at the valuation date, one horizontal bar per domain."""
    svg, series, legend, ticks = _stacked_chart("domains", labels.domains_title, domains, rows,
                                                labels)  # fmt: skip
    width, right, row_h = WIDTH, 24.0, 28.0
    left = 10 + max((text_width(d, FONT) for d in domains), default=0)
    legend_h = legend_height(legend, width - 20)
    top = 6 + legend_h + 8
    bottom = top + row_h * len(domains)
    notes = _stack_notes(rows, labels)
    svg.width, svg.height = width, bottom + 22 + 18 * len(notes)
    plot_w = width - left - right
    high = ticks[-1]

    def x(count: float) -> float:
        return left + plot_w * count / high

    draw_legend(svg, legend, 10, 6, width - 20)
    value_axis(svg, ticks, x, (top, bottom),
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
    chart_notes(svg, notes, 10, bottom + 22)
    return svg.render()


def _stack_notes(rows: Sequence[Mapping[str, Any]], labels: PortfolioChartLabels) -> list[str]:
    notes = []
    if any(row["grouping"] == "groups" for row in rows):
        notes.append(labels.merged_note)
    if any(cell["suppressed"] for row in rows for cell in row["cells"]):
        notes.append(labels.dash_note)
    return [note for note in notes if note]


def _total(row: Mapping[str, Any]) -> float:
    return float(sum(cell["value"] or 0 for cell in row["cells"] if not cell["suppressed"]))


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
