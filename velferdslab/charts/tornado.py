"""The sensitivity tornado of the portfolio as plain SVG: for each assumption moved −20 % and
+20 %, a bar from the base socioeconomic NPV to the moved value, widest swing on top — for the
dashboard and the portfolio PDF (drawn like the other portfolio charts,
velferdslab.charts.portfolio)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from velferdslab.charts.drawing import Drawing, text_width
from velferdslab.charts.lines import nice_ticks
from velferdslab.charts.portfolio import (
    FONT,
    INK,
    MUTED,
    TORNADO_COLOURS,
    TORNADO_MARKS,
    WIDTH,
    PortfolioChartLabels,
    chart_series,
    draw_legend,
    legend_height,
    value_axis,
)
from velferdslab.formatting import format_number


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
    series = chart_series(svg, "tornado", (labels.low, labels.high), TORNADO_COLOURS, TORNADO_MARKS,
                     labels.hatched)  # fmt: skip
    parameter_names = [names.get(r["parameter"], r["parameter"]) for r in shown]
    width, right, row_h = WIDTH, 24.0, 26.0
    left = 10 + max((text_width(n, FONT) for n in parameter_names), default=0)
    legend_h = legend_height(series, width - 20)
    top = 6 + legend_h + 8
    bottom = top + row_h * len(shown)
    svg.width, svg.height = width, bottom + 44
    values = [v for r in shown for v in (r["low"], r["high"], r["base"])]
    ticks = _million_ticks(min(values, default=0.0), max(values, default=0.0))
    low, high = ticks[0], ticks[-1]
    plot_w = width - left - right

    def x(value: float) -> float:
        return left + plot_w * (value - low) / (high - low)

    draw_legend(svg, series, 10, 6, width - 20)
    value_axis(svg, ticks, x, (top, bottom),
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
