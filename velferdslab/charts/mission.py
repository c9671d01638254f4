"""A mission's chart as plain SVG: the actual value per quarter end (solid, dots; a hidden value
as the bar of its range), the required path from the baseline to the target (dashed), the
forecast from now to the deadline (dotted, a square at its end) and the target as a diamond.
Lines differ by dash and marks by shape, never by colour alone; the same string goes to the
page and the PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from velferdslab.charts.drawing import measured_width, number
from velferdslab.charts.lines import FONT, WIDE, Frame, _escape, nice_ticks

ACTUAL, PATH, FORECAST, TARGET = "#1f5f9e", "#6b6b6b", "#8a4b00", "#1b7a3a"


@dataclass(frozen=True)
class MissionChartLabels:
    title: str
    description: str
    actual: str
    required: str
    forecast: str
    target: str
    dates: Mapping[dt.date, str]  # each date's text on the axis
    value: Any  # value → text on the axis (a share as %, a count)


def mission_chart(
    progress: Mapping[str, Any], labels: MissionChartLabels, frame: Frame = WIDE
) -> str:
    size = frame.font_size
    start, end = progress["baseline"]["on"], progress["target"]["by"]
    series: Sequence[Mapping[str, Any]] = progress["series"]
    forecast = progress["forecast"]
    values = [progress["baseline"]["value"], progress["target"]["value"]]
    values += [p["value"] for p in series if p["value"] is not None]
    values += [v for p in series if p["value_range"] for v in p["value_range"]]
    if forecast["value"] is not None:
        values.append(forecast["value"])
    ticks = nice_ticks(0.0, max(values))
    low, high = ticks[0], ticks[-1]
    tick_text = [labels.value(t) for t in ticks]
    first_date = measured_width(labels.dates[start], size)
    left = max(max(measured_width(t, size) for t in tick_text) + size, first_date / 2 + 4)
    last_date = measured_width(labels.dates[end], size)
    right, top, bottom = max(last_date / 2 + 4, 2.5 * size), 4.2 * size, 2.4 * size
    plot_w, plot_h = frame.width - left - right, frame.height - top - bottom
    span = max((end - start).days, 1)

    def x(on: dt.date) -> float:
        return float(left + plot_w * min(max((on - start).days, 0), span) / span)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_escape(labels.title)}" '
        f'viewBox="0 0 {number(frame.width)} {number(frame.height)}" '
        f'width="{number(frame.width)}" height="{number(frame.height)}" '
        f'font-family="{FONT}" font-size="{number(size)}">',
        f"<title>{_escape(labels.title)}</title><desc>{_escape(labels.description)}</desc>",
        f'<rect x="0" y="0" width="{number(frame.width)}" height="{number(frame.height)}" '
        'fill="#ffffff"/>',
    ]
    for tick, text in zip(ticks, tick_text, strict=True):
        parts.append(
            f'<line x1="{number(left)}" y1="{y(tick):.1f}" x2="{number(frame.width - right)}" '
            f'y2="{y(tick):.1f}" stroke="{"#6b6b6b" if tick == 0 else "#dddddd"}"/>'
            f'<text x="{number(left - size / 2)}" y="{y(tick) + 0.36 * size:.1f}" '
            f'text-anchor="end" fill="#333333">{_escape(text)}</text>'
        )
    for on in (start, end):
        parts.append(
            f'<text x="{x(on):.1f}" y="{number(frame.height - bottom + 1.5 * size)}" '
            f'text-anchor="middle" fill="#333333">{_escape(labels.dates[on])}</text>'
        )
    b, t = progress["baseline"]["value"], progress["target"]["value"]
    parts.append(
        f'<path d="M{x(start):.1f} {y(b):.1f} L{x(end):.1f} {y(t):.1f}" fill="none" '
        f'stroke="{PATH}" stroke-width="2" stroke-dasharray="8 5"/>'
    )
    pen, commands = False, []
    for point in series:
        if point["value"] is None:
            pen = False
            if point["value_range"]:
                lo, hi = point["value_range"]
                parts.append(
                    f'<line x1="{x(point["quarter_end"]):.1f}" y1="{y(lo):.1f}" '
                    f'x2="{x(point["quarter_end"]):.1f}" y2="{y(hi):.1f}" stroke="{ACTUAL}" '
                    'stroke-width="3"/>'
                )
            continue
        commands.append(
            f"{'L' if pen else 'M'}{x(point['quarter_end']):.1f} {y(point['value']):.1f}"
        )
        pen = True
        parts.append(
            f'<circle cx="{x(point["quarter_end"]):.1f}" cy="{y(point["value"]):.1f}" r="3" '
            f'fill="{ACTUAL}"/>'
        )
    if commands:
        parts.append(
            f'<path d="{" ".join(commands)}" fill="none" stroke="{ACTUAL}" stroke-width="2.5"/>'
        )
    last = next((p for p in reversed(series) if p["value"] is not None), None)
    if forecast["value"] is not None:
        fx, fy = x(forecast["on"]), y(forecast["value"])
        if last is not None:
            parts.append(
                f'<path d="M{x(last["quarter_end"]):.1f} {y(last["value"]):.1f} L{fx:.1f} '
                f'{fy:.1f}" fill="none" stroke="{FORECAST}" stroke-width="2.5" '
                'stroke-dasharray="2 4"/>'
            )
        parts.append(
            f'<rect x="{fx - 4:.1f}" y="{fy - 4:.1f}" width="8" height="8" fill="{FORECAST}"/>'
        )
    tx, ty = x(end), y(t)
    parts.append(
        f'<path d="M{tx:.1f} {ty - 7:.1f} L{tx + 7:.1f} {ty:.1f} L{tx:.1f} {ty + 7:.1f} '
        f'L{tx - 7:.1f} {ty:.1f} Z" fill="{TARGET}"/>'
    )
    parts.append(_legend(labels, frame))
    parts.append("</svg>")
    return "".join(parts)


def _legend(labels: MissionChartLabels, frame: Frame) -> str:
    size = frame.font_size
    line = '<line x1="0" y1="0" x2="24" y2="0" stroke="{}" stroke-width="2.5"{}/>'
    items = [
        (labels.actual, line.format(ACTUAL, "")),
        (labels.required, line.format(PATH, ' stroke-dasharray="8 5"')),
        (labels.forecast, line.format(FORECAST, ' stroke-dasharray="2 4"')),
        (labels.target, f'<path d="M12 -6 L18 0 L12 6 L6 0 Z" fill="{TARGET}"/>'),
    ]
    parts, offset, row = ['<g aria-hidden="true">'], 8.0, 0
    for text, mark in items:
        width = 30 + measured_width(text, size)
        if offset > 8 and offset + width > frame.width - 8:
            offset, row = 8.0, row + 1
        middle = size + row * 1.8 * size
        parts.append(
            f'<g transform="translate({number(offset)} {number(middle)})">{mark}</g>'
            f'<text x="{number(offset + 30)}" y="{number(middle + 0.36 * size)}" '
            f'fill="#222222">{_escape(text)}</text>'
        )
        offset += width + 2 * size
    parts.append("</g>")
    return "".join(parts)
