"""Two charts of issue 28 as plain SVG, drawn like the other portfolio charts
(velferdslab.charts.portfolio): the families in each move status at each quarter end (stacked,
the denominator above each bar, a dash where a count is hidden), and the way from the gross
value to the net one ("Fra brutto til netto"), one bar per adjustment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from velferdslab.charts.drawing import Drawing, text_width
from velferdslab.charts.journey import PATTERN_MARKS
from velferdslab.charts.lines import nice_ticks
from velferdslab.charts.portfolio import (
    FONT,
    INK,
    MUTED,
    WIDTH,
    category_height,
    category_labels,
    chart_notes,
    chart_series,
    draw_legend,
    legend_height,
    value_axis,
)
from velferdslab.formatting import DASH, format_number

# lasting, not yet lasting, fell back, never reached, started stable, not assessed
MOVE_COLOURS = ("#1b7a4a", "#8cc9a5", "#d9822b", "#b23a48", "#2e6f9e", "#b8bec6")
MOVE_MARKS = ("", PATTERN_MARKS[3], PATTERN_MARKS[1], PATTERN_MARKS[0], PATTERN_MARKS[2], "")
DOWN, UP, TOTAL = "#b23a48", "#1b7a4a", "#2e6f9e"


@dataclass(frozen=True)
class MovesChartLabels:
    language: str
    title: str
    statuses: Sequence[str]  # in the order of the report's `statuses`
    denominator: str  # "n = %(n)s"
    dash_note: str = ""
    hatched: bool = True


def _cell_text(cell: Mapping[str, Any], language: str) -> str:
    return DASH if cell["suppressed"] else format_number(cell["value"], 0, language)


def moves_chart(
    quarters: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    labels: MovesChartLabels,
) -> str:
    """Per quarter end a stacked bar of the families in each status (`keys`), the denominator
    written above it; a hidden count leaves a gap and a dash above the bar."""
    described = "; ".join(
        f"{q}: "
        + ", ".join(
            f"{name} {_cell_text(row[key], labels.language)}"
            for key, name in zip(keys, labels.statuses, strict=True)
        )
        + f" ({labels.denominator % {'n': _cell_text(row['denominator'], labels.language)}})"
        for q, row in zip(quarters, rows, strict=True)
    )
    svg = Drawing(0, 0, title=labels.title, description=described, font_size=FONT,
                  class_="chart-moves")  # fmt: skip
    series = chart_series(svg, "moves", labels.statuses, MOVE_COLOURS[: len(keys)],
                          MOVE_MARKS[: len(keys)], labels.hatched)  # fmt: skip
    left, right, plot_h, width = 48.0, 16.0, 220.0, WIDTH
    top = 6 + legend_height(series, width - left - right) + 24
    bottom = top + plot_h
    hidden = any(row[key]["suppressed"] for row in rows for key in keys)
    notes = [labels.dash_note] if hidden and labels.dash_note else []
    footer = bottom + category_height(quarters) + 8
    svg.width, svg.height = width, footer + 18 * len(notes)
    largest = max((_shown_total(row, keys) for row in rows), default=0.0)
    ticks = _whole_ticks(largest)
    pitch = (width - left - right) / max(len(quarters), 1)

    def y(count: float) -> float:
        return bottom - plot_h * count / ticks[-1]

    draw_legend(svg, series, left, 6, width - left - right)
    value_axis(svg, ticks, y, (left, width - right),
               lambda v: format_number(v, 0, labels.language), horizontal=False)  # fmt: skip
    for index, row in enumerate(rows):
        start, gap = 0.0, False
        x = left + pitch * index + pitch * 0.18
        for key, entry in zip(keys, series, strict=True):
            cell = row[key]
            if cell["suppressed"]:
                gap = True
                continue
            count = float(cell["value"] or 0)
            if count <= 0:
                continue
            svg.open("g")
            svg.title_of(f"{quarters[index]}, {entry.name}: {_cell_text(cell, labels.language)}")
            svg.rect(x, y(start + count), pitch * 0.64, y(start) - y(start + count),
                     fill=entry.fill, stroke="#ffffff", stroke_width=0.8)  # fmt: skip
            svg.close("g")
            start += count
        above = labels.denominator % {"n": _cell_text(row["denominator"], labels.language)}
        if gap:
            above = f"{DASH} {above}"
        if text_width(above, 10) <= pitch or index % 2 == 0:
            svg.text(left + pitch * (index + 0.5), y(start) - 8, above, anchor="middle",
                     size=10.0, fill=INK)  # fmt: skip
    svg.line(left, bottom, width - right, bottom, stroke=MUTED, stroke_width=1.0)
    category_labels(svg, quarters, lambda i: left + pitch * (i + 0.5), bottom)
    chart_notes(svg, notes, left, footer)
    return svg.render()


def _shown_total(row: Mapping[str, Any], keys: Sequence[str]) -> float:
    return float(sum(row[k]["value"] or 0 for k in keys if not row[k]["suppressed"]))


def _whole_ticks(largest: float) -> list[float]:
    ticks = nice_ticks(0.0, max(largest, 1.0), 5)
    step = float(max(1, round(ticks[1] - ticks[0])))
    out = [0.0]
    while out[-1] < largest or len(out) < 2:
        out.append(out[-1] + step)
    return out


@dataclass(frozen=True)
class WaterfallLabels:
    language: str
    title: str
    steps: Mapping[str, str]  # step → its name ("gross" → "Brutto", …)
    net: str  # the last bar: the figure shown everywhere else
    million: str  # the axis: "sosioøkonomisk nåverdi, mill. kr"


def waterfall_chart(bars: Sequence[Mapping[str, Any]], labels: WaterfallLabels) -> str:
    """One row per step: the gross value from 0, each adjustment from the value before it to
    the one after, and the net value from 0; the amount written beside each bar."""
    if not bars:
        return ""
    language = labels.language
    rows = [(labels.steps.get(b["step"], b["step"]), b) for b in bars]
    net = bars[-1]["socioeconomic_npv"]

    def millions(value: float, signed: bool = False) -> str:
        shown = format_number(value / 1e6, 1, language)
        return f"+{shown}" if signed and value > 0 else shown

    spans = []
    for index, (_name, bar) in enumerate(rows):
        end = bar["socioeconomic_npv"]
        start = 0.0 if index == 0 else end - bar["amount"]
        spans.append((start, end, index == 0))
    spans.append((0.0, net, True))
    names = [name for name, _ in rows] + [labels.net]
    texts = [millions(bars[0]["socioeconomic_npv"])]
    texts += [millions(bar["amount"], signed=True) for _, bar in rows[1:]] + [millions(net)]
    described = "; ".join(f"{n}: {t}" for n, t in zip(names, texts, strict=True))
    svg = Drawing(0, 0, title=labels.title, description=described, font_size=FONT,
                  class_="chart-waterfall")  # fmt: skip
    width, right, row_h = WIDTH, 90.0, 22.0
    left = 10 + max(text_width(n, FONT) for n in names)
    top, bottom = 10.0, 10.0 + row_h * len(names)
    svg.width, svg.height = width, bottom + 44
    values = [v for span in spans for v in span[:2]]
    ticks = _money_ticks(min(values), max(values))
    plot_w = width - left - right

    def x(value: float) -> float:
        return left + plot_w * (value - ticks[0]) / (ticks[-1] - ticks[0])

    value_axis(svg, ticks, x, (top, bottom),
               lambda v: format_number(v / 1e6, 1, language), horizontal=True)  # fmt: skip
    svg.text(left + plot_w / 2, bottom + 34, labels.million, anchor="middle", fill=MUTED)
    for index, ((start, end, total), name, text) in enumerate(
        zip(spans, names, texts, strict=True)
    ):
        colour = TOTAL if total else (DOWN if end < start else UP)
        low, high = sorted((x(start), x(end)))
        middle = top + row_h * (index + 0.5)
        svg.text(left - 6, middle, name, anchor="end", fill=INK if total else MUTED)
        svg.open("g")
        svg.title_of(f"{name}: {text}")
        svg.rect(low, top + row_h * index + 3, max(high - low, 1.0), row_h - 6, fill=colour)
        svg.close("g")
        svg.text(high + 6, middle, text, anchor="start", size=11.0, fill=INK)
        if 0 < index < len(names) - 1:  # the thin line from one bar's end to the next bar
            svg.line(x(end), middle + row_h / 2 - 3, x(end), middle + row_h / 2 + 3,
                     stroke=MUTED, stroke_width=0.8)  # fmt: skip
    zero = x(0.0)
    svg.line(zero, top - 2, zero, bottom + 2, stroke=INK, stroke_width=1.0)
    return svg.render()


def _money_ticks(low: float, high: float) -> list[float]:
    """Round steps in millions from below the lowest value (or 0) to above the highest."""
    low, high = min(low, 0.0), max(high, 0.0)
    span = max(high - low, 1.0)
    ticks = nice_ticks(0.0, span, 5)
    step = ticks[1] - ticks[0]
    out = [(low // step) * step]
    while out[-1] < high or len(out) < 2:
        out.append(out[-1] + step)
    return out
