"""A line chart as plain SVG, written directly (no matplotlib): fast, deterministic bytes, and
nothing a strict Content-Security-Policy blocks (presentation attributes only, no style).

Used for "Planlagt mot realisert" on the family page, the dashboard and in the PDFs: the same
string goes to the page and to WeasyPrint. Numbers on the axis come from velferdslab.formatting.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from velferdslab.charts.drawing import measured_width, number
from velferdslab.formatting import format_millions, format_money

FONT = "DejaVu Sans, Arial, sans-serif"
GAP = 10  # at least this much room between two words on the x axis


@dataclass(frozen=True)
class Frame:
    """The drawing's size in user units and its letters' size: the wide frame is shown at its
    width on a desktop and in the PDFs, the narrow one fills a phone's card (some 324 px at a
    390 px screen, so its letters stay at 10 px or more)."""

    width: float
    height: float
    font_size: float


WIDE = Frame(640, 300, 12)
NARROW = Frame(340, 280, 11)


@dataclass(frozen=True)
class Line:
    name: str
    values: Sequence[float | None]  # None: not shown (suppressed), the line breaks there
    colour: str
    dash: str = ""  # stroke-dasharray, so the lines differ without colour too


@dataclass(frozen=True)
class Plot:
    """Where the lines go inside a frame, over `count` x labels: `left` and `top` are the
    chart's own (its y axis, its legend), the right keeps room for half of the last label and
    the bottom for the labels. The money chart and the evidence chart share it."""

    frame: Frame
    left: float
    top: float
    label_width: float
    count: int

    @property
    def right(self) -> float:
        return max(self.label_width / 2, self.frame.font_size) + 4

    @property
    def bottom(self) -> float:
        return 2.4 * self.frame.font_size

    @property
    def width(self) -> float:
        return self.frame.width - self.left - self.right

    @property
    def height(self) -> float:
        return self.frame.height - self.top - self.bottom

    def x(self, i: int) -> float:
        if self.count > 1:
            return self.left + self.width * i / (self.count - 1)
        return self.left + self.width / 2

    def label_indices(self) -> list[int]:
        """The x labels that fit side by side, the first and the last always among them."""
        spacing = self.width / (self.count - 1) if self.count > 1 else self.width
        return x_label_indices(self.count, spacing, self.label_width)


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


def x_label_indices(count: int, spacing: float, label_width: float) -> list[int]:
    """Which of `count` evenly spaced labels to write so that no two overlap: every k-th from
    the first, and always the last (the one before it dropped when too close)."""
    if count <= 0:
        return []
    room = label_width + GAP
    every = max(1, math.ceil(room / spacing)) if spacing > 0 else count
    shown = list(range(0, count, every))
    if shown[-1] != count - 1:
        if len(shown) > 1 and (count - 1 - shown[-1]) * spacing < room:
            shown.pop()
        shown.append(count - 1)
    return shown


def line_chart_svg(
    labels: Sequence[str],
    lines: Sequence[Line],
    *,
    title: str,
    description: str,
    language: str = "nb",
    frame: Frame = WIDE,
) -> str:
    """Lines over the same x labels (quarters), a legend above, money on the y axis. Every word
    is measured in DejaVu Sans, so the axis labels never run into each other or off the edge."""
    size = frame.font_size
    known = [v for line in lines for v in line.values if v is not None]
    ticks = nice_ticks(min(known, default=0.0), max(known, default=0.0))
    low, high = ticks[0], ticks[-1]
    largest = max(abs(low), abs(high))
    tick_labels = [axis_money(tick, largest, language) for tick in ticks]
    label_width = max((measured_width(label, size) for label in labels), default=0.0)
    legend, top = _legend(lines, frame)
    # room for the money on the y axis, and for half of the first and the last date
    left = max(
        max(measured_width(label, size) for label in tick_labels) + size, label_width / 2 + 4
    )
    plot = Plot(frame, left, top, label_width, len(labels))
    right, bottom, plot_h, x = plot.right, plot.bottom, plot.height, plot.x

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_escape(title)}" '
        f'viewBox="0 0 {number(frame.width)} {number(frame.height)}" '
        f'width="{number(frame.width)}" height="{number(frame.height)}" '
        f'font-family="{FONT}" font-size="{number(size)}">',
        f"<title>{_escape(title)}</title><desc>{_escape(description)}</desc>",
        f'<rect x="0" y="0" width="{number(frame.width)}" height="{number(frame.height)}" '
        'fill="#ffffff"/>',
    ]
    for tick, text in zip(ticks, tick_labels, strict=True):
        ty = y(tick)
        colour = "#6b6b6b" if tick == 0 else "#dddddd"
        parts.append(
            f'<line x1="{number(left)}" y1="{ty:.1f}" x2="{number(frame.width - right)}" '
            f'y2="{ty:.1f}" stroke="{colour}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{number(left - size / 2)}" y="{ty + 0.36 * size:.1f}" text-anchor="end" '
            f'fill="#333333">{_escape(text)}</text>'
        )
    parts.append('<g class="x-labels">')
    for i in plot.label_indices():
        parts.append(
            f'<text x="{x(i):.1f}" y="{number(frame.height - bottom + 1.5 * size)}" '
            f'text-anchor="middle" fill="#333333">{_escape(labels[i])}</text>'
        )
    parts.append("</g>")
    for line in lines:
        parts.append(_polyline(line, x, y))
        for i, value in enumerate(line.values):
            if value is not None:
                tip = f"{line.name}, {labels[i]}: {format_money(value, language)}"
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="{line.colour}">'
                    f"<title>{_escape(tip)}</title></circle>"
                )
    parts.append(legend)
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


def _legend(lines: Sequence[Line], frame: Frame) -> tuple[str, float]:
    """The legend above the plot, one row or as many as the width needs, and the plot's top."""
    size = frame.font_size
    row_height = 1.8 * size
    parts = ['<g aria-hidden="true">']
    offset, row = 8.0, 0
    for line in lines:
        width = 34 + measured_width(line.name, size)
        if offset > 8 and offset + width > frame.width - 8:
            offset, row = 8.0, row + 1
        middle = size + row * row_height
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        parts.append(
            f'<line x1="{number(offset)}" y1="{number(middle)}" x2="{number(offset + 28)}" '
            f'y2="{number(middle)}" stroke="{line.colour}" stroke-width="2.5"{dash}/>'
            f'<text x="{number(offset + 34)}" y="{number(middle + 0.36 * size)}" '
            f'fill="#222222">{_escape(line.name)}</text>'
        )
        offset += width + 2 * size
    parts.append("</g>")
    return "".join(parts), size + row * row_height + 2 * size
