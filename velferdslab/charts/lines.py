"""A line chart as plain SVG, written directly (no matplotlib): fast, deterministic bytes, and
nothing a strict Content-Security-Policy blocks (presentation attributes only, no style).

Used for "Planlagt mot realisert" on the family page, the dashboard and in the PDFs: the same
string goes to the page and to WeasyPrint. Numbers on the axis come from velferdslab.formatting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from velferdslab.formatting import format_millions, format_money

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 96, 40, 44, 44
FONT = "DejaVu Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Line:
    name: str
    values: Sequence[float | None]  # None: not shown (suppressed), the line breaks there
    colour: str
    dash: str = ""  # stroke-dasharray, so the lines differ without colour too


def _escape(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis steps (1, 2, 2.5 or 5 × 10^k) covering low..high, always including 0."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high - low <= 0:
        return [0.0, 1.0]
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(round(value, 6))
        value += step
    return ticks


def axis_money(value: float, largest: float, language: str) -> str:
    """Whole kroner on the axis, or millions when the axis runs past ten million."""
    if largest >= 10_000_000:
        return format_millions(value, 1 if largest < 100_000_000 else 0, language)
    return format_money(value, language)


def line_chart_svg(
    labels: Sequence[str],
    lines: Sequence[Line],
    *,
    title: str,
    description: str,
    language: str = "nb",
) -> str:
    """Lines over the same x labels (quarters), a legend above, money on the y axis."""
    known = [v for line in lines for v in line.values if v is not None]
    ticks = nice_ticks(min(known, default=0.0), max(known, default=0.0))
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    steps = max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (plot_w * i / steps if len(labels) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    largest = max(abs(low), abs(high))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_escape(title)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'font-family="{FONT}" font-size="11">',
        f"<title>{_escape(title)}</title><desc>{_escape(description)}</desc>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for tick in ticks:
        ty = y(tick)
        colour = "#6b6b6b" if tick == 0 else "#dddddd"
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" '
            f'stroke="{colour}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#333333">'
            f"{_escape(axis_money(tick, largest, language))}</text>"
        )
    # A date is some 60 units wide: at most every 80 units, so labels never run together.
    every = max(1, math.ceil(len(labels) / max(1, (WIDTH - LEFT - RIGHT) // 80)))
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                f'fill="#333333">{_escape(label)}</text>'
            )
    for line in lines:
        parts.append(_polyline(line, x, y))
        for i, value in enumerate(line.values):
            if value is not None:
                tip = f"{line.name}, {labels[i]}: {format_money(value, language)}"
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{line.colour}">'
                    f"<title>{_escape(tip)}</title></circle>"
                )
    parts.append(_legend(lines))
    parts.append("</svg>")
    return "".join(parts)


def _polyline(line: Line, x: object, y: object) -> str:
    commands = []
    pen_down = False
    for i, value in enumerate(line.values):
        if value is None:
            pen_down = False
            continue
        px, py = x(i), y(value)  # type: ignore[operator]
        commands.append(f"{'L' if pen_down else 'M'}{px:.1f} {py:.1f}")
        pen_down = True
    dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
    return (
        f'<path d="{" ".join(commands)}" fill="none" stroke="{line.colour}" '
        f'stroke-width="2.5"{dash}/>'
    )


def _legend(lines: Sequence[Line]) -> str:
    parts = ['<g aria-hidden="true">']
    offset = LEFT
    for line in lines:
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(
            f'<line x1="{offset}" y1="18" x2="{offset + 28}" y2="18" stroke="{line.colour}" '
            f'stroke-width="2.5"{dash}/>'
            f'<text x="{offset + 34}" y="22" fill="#222222">{_escape(line.name)}</text>'
        )
        offset += 44 + 7 * len(line.name)
    parts.append("</g>")
    return "".join(parts)
