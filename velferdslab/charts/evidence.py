"""The lab and its comparison cohort, share at stable or better per quarter end: two lines on a
0–100 % axis, so a reader can judge whether they ran parallel before the lab's work could tell
(the assumption a difference in differences rests on). The baseline and the later quarter of
the estimate are marked. A suppressed share breaks its line; the lines differ by dash and
marker as well as by colour. Plain SVG (charts.drawing): the page and the PDFs draw the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from velferdslab.charts.drawing import Drawing, measured_width
from velferdslab.charts.lines import WIDE, Frame, Plot
from velferdslab.formatting import format_percent

LAB_COLOUR = "#1f5fa8"
COHORT_COLOUR = "#a8511f"
MARK_COLOUR = "#6b6b6b"


@dataclass(frozen=True)
class Series:
    name: str
    shares: Sequence[float | None]  # 0–1 per quarter; None where hidden or without families
    colour: str
    dash: str = ""
    square: bool = False  # markers: squares for one line, circles for the other


@dataclass(frozen=True)
class Marks:
    """The quarters of the estimate (indices into the labels) and their captions."""

    baseline: int | None
    later: int | None
    baseline_name: str
    later_name: str


def shares_chart_svg(
    labels: Sequence[str],
    series: Sequence[Series],
    marks: Marks,
    *,
    title: str,
    description: str,
    language: str = "nb",
    frame: Frame = WIDE,
) -> str:
    size = frame.font_size
    svg = Drawing(frame.width, frame.height, title=title, description=description,
                  font_size=size, class_="chart")  # fmt: skip
    svg.rect(0, 0, frame.width, frame.height, fill="#ffffff")
    top = _legend(svg, series, frame) + size
    left = measured_width(format_percent(1.0, 0, language), size) + size
    label_width = max((measured_width(label, size) for label in labels), default=0.0)
    plot = Plot(frame, left, top, label_width, len(labels))
    right, bottom, plot_h, x = plot.right, plot.bottom, plot.height, plot.x

    def y(share: float) -> float:
        return top + plot_h * (1 - share)

    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        svg.line(left, y(tick), frame.width - right, y(tick),
                 stroke="#6b6b6b" if tick == 0 else "#dddddd", stroke_width=1)  # fmt: skip
        svg.text(left - size / 2, y(tick), format_percent(tick, 0, language), anchor="end",
                 fill="#333333")  # fmt: skip
    for i in plot.label_indices():
        svg.text(x(i), frame.height - bottom + 1.2 * size, labels[i], anchor="middle",
                 fill="#333333")  # fmt: skip
    for index, name in ((marks.baseline, marks.baseline_name), (marks.later, marks.later_name)):
        if index is not None:
            svg.line(x(index), top, x(index), top + plot_h, stroke=MARK_COLOUR,
                     stroke_width=1, stroke_dasharray="2 3")  # fmt: skip
            svg.text(x(index) + 3, top + size * 0.2, name, size=size * 0.85, fill="#333333")
    for line in series:
        _draw(svg, line, labels, x, y, language)
    return svg.render()


def _legend(svg: Drawing, series: Sequence[Series], frame: Frame) -> float:
    size = frame.font_size
    offset = 8.0
    svg.open("g", aria_hidden="true")
    for line in series:
        svg.line(offset, size, offset + 28, size, stroke=line.colour, stroke_width=2.5,
                 stroke_dasharray=line.dash or None)  # fmt: skip
        svg.text(offset + 34, size, line.name, fill="#222222")
        offset += 34 + measured_width(line.name, size) + 2 * size
    svg.close("g")
    return 2 * size


def _draw(svg: Drawing, line: Series, labels: Sequence[str], x: object, y: object,
          language: str) -> None:  # fmt: skip
    commands, pen_down = [], False
    for i, share in enumerate(line.shares):
        if share is None:
            pen_down = False
            continue
        commands.append(f"{'L' if pen_down else 'M'}{x(i):.1f} {y(share):.1f}")  # type: ignore[operator]
        pen_down = True
    if commands:
        svg.element("path", d=" ".join(commands), fill="none", stroke=line.colour,
                    stroke_width=2.5, stroke_dasharray=line.dash or None)  # fmt: skip
    for i, share in enumerate(line.shares):
        if share is None:
            continue
        px, py = x(i), y(share)  # type: ignore[operator]
        svg.open("g")
        svg.title_of(f"{line.name}, {labels[i]}: {format_percent(share, 0, language)}")
        if line.square:
            svg.rect(px - 3.5, py - 3.5, 7, 7, fill=line.colour)
        else:
            svg.element("circle", cx=float(px), cy=float(py), r=3.5, fill=line.colour)
        svg.close("g")
