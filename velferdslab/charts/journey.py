"""The journey chart: each domain's level at each assessment, the overall level, the goals.

Levels are told apart by colour, by hatching and by a written label in every cell, so the chart
reads without colour too. The same figures come back as a table for screen readers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from velferdslab.charts.svg import figure_to_svg, pyplot
from velferdslab.memo import Memo
from velferdslab.vocabulary import DOMAINS

LEVEL_COLOURS = ("#b3261e", "#e0861a", "#3f8fc5", "#2e7d32")
LEVEL_HATCHES = ("xx", "//", "..", "")
TEXT_ON_LEVEL = ("#ffffff", "#1d2430", "#ffffff", "#ffffff")
UNASSESSED = "#e4e7eb"


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


# The same inputs always give the same bytes (see velferdslab.charts.svg), and drawing costs
# matplotlib about 0.1–0.2 s, while a family page is read far more often than its journey
# changes: each process keeps the charts it drew last, keyed by everything drawn.
CACHE_SIZE = 256
_drawn: Memo[str] = Memo(CACHE_SIZE)
_draw_lock = threading.Lock()


def journey_svg(
    points: Sequence[JourneyPoint],
    goals: Mapping[str, int],
    labels: ChartLabels,
    *,
    hatched: bool = True,
) -> str:
    """`hatched=False` for PDFs: WeasyPrint draws each hatch pattern anew (0.8 s for a family's
    chart); the level's letters in every cell still tell the levels apart without colour."""

    def draw() -> str:
        with _draw_lock:  # pyplot keeps global state: one drawing at a time (threads, jobs)
            return _draw_journey(points, goals, labels, hatched)

    return _drawn.get_or_make((_chart_key(points, goals, labels), hatched), draw)


def _chart_key(
    points: Sequence[JourneyPoint], goals: Mapping[str, int], labels: ChartLabels
) -> Hashable:
    return (
        tuple((p.on, tuple(sorted(p.levels.items())), p.overall) for p in points),
        tuple(sorted(goals.items())),
        tuple(sorted((k, str(v)) for k, v in labels.domains.items())),
        tuple(map(str, labels.levels)),
        tuple(map(str, labels.short_levels)),
        str(labels.overall),
        str(labels.goal),
        str(labels.title),
    )


def _draw_journey(
    points: Sequence[JourneyPoint],
    goals: Mapping[str, int],
    labels: ChartLabels,
    hatched: bool = True,
) -> str:
    plt = pyplot()
    rows = [*DOMAINS, "overall"]
    width = max(5.5, 2.2 + 0.62 * len(points))
    figure, axes = plt.subplots(figsize=(width, 0.42 * len(rows) + 1.2))
    for x, point in enumerate(points):
        for y, row in enumerate(rows):
            level = point.overall if row == "overall" else point.levels.get(row)
            _cell(axes, x, len(rows) - 1 - y, level, labels, hatched)
    _goal_marks(axes, len(points), rows, goals, labels)
    axes.set_xlim(-0.5, max(len(points), 1) + (0.9 if goals else -0.5))
    axes.set_ylim(-0.5, len(rows) - 0.5)
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels([labels.domains.get(r, labels.overall) for r in reversed(rows)])
    axes.set_xticks(range(len(points)))
    axes.set_xticklabels([p.on.strftime("%d.%m.%y") for p in points], rotation=45, ha="right")
    axes.tick_params(length=0)
    for side in ("left", "bottom"):
        axes.spines[side].set_visible(False)
    axes.axhline(0.5, color="#1d2430", linewidth=1)
    _legend(axes, labels, columns=4 if len(points) >= 6 else 2)
    figure.tight_layout()
    return figure_to_svg(figure, title=labels.title, description=describe(points, labels))


def _cell(
    axes: object, x: int, y: int, level: int | None, labels: ChartLabels, hatched: bool = True
) -> None:
    plt = pyplot()
    if level is None:
        patch = plt.Rectangle((x - 0.45, y - 0.4), 0.9, 0.8, facecolor=UNASSESSED, linewidth=0)
        axes.add_patch(patch)  # type: ignore[attr-defined]
        return
    patch = plt.Rectangle(
        (x - 0.45, y - 0.4),
        0.9,
        0.8,
        facecolor=LEVEL_COLOURS[level],
        hatch=LEVEL_HATCHES[level] if hatched else None,
        edgecolor="#ffffff",
        linewidth=0.5,
    )
    axes.add_patch(patch)  # type: ignore[attr-defined]
    axes.text(  # type: ignore[attr-defined]
        x, y, labels.short_levels[level], ha="center", va="center", fontsize=8,
        color=TEXT_ON_LEVEL[level], fontweight="bold",
        bbox={"facecolor": LEVEL_COLOURS[level], "edgecolor": "none", "pad": 1},
    )  # fmt: skip


def _goal_marks(
    axes: object, x: int, rows: Sequence[str], goals: Mapping[str, int], labels: ChartLabels
) -> None:
    for y, row in enumerate(rows):
        if row in goals:
            level = goals[row]
            axes.text(  # type: ignore[attr-defined]
                x, len(rows) - 1 - y, f"◆ {labels.short_levels[level]}", ha="left", va="center",
                fontsize=8, color=LEVEL_COLOURS[level],
            )  # fmt: skip
    if goals:
        axes.text(x, len(rows) - 0.45, labels.goal, ha="left", va="bottom", fontsize=8)  # type: ignore[attr-defined]


def _legend(axes: object, labels: ChartLabels, columns: int) -> None:
    plt = pyplot()
    handles = [
        plt.Rectangle((0, 0), 1, 1, facecolor=c, hatch=h, edgecolor="#ffffff")
        for c, h in zip(LEVEL_COLOURS, LEVEL_HATCHES, strict=True)
    ]
    names = [f"{s} = {n}" for s, n in zip(labels.short_levels, labels.levels, strict=True)]
    axes.legend(  # type: ignore[attr-defined]
        handles,
        names,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.28),
        ncol=columns,
        frameon=False,
        fontsize=8,
    )


def describe(points: Sequence[JourneyPoint], labels: ChartLabels) -> str:
    if not points:
        return labels.title
    first, last = points[0], points[-1]

    def name(level: int | None) -> str:
        return "–" if level is None else labels.levels[level]

    return (
        f"{labels.overall}: {name(first.overall)} ({first.on.isoformat()}) → "
        f"{name(last.overall)} ({last.on.isoformat()})"
    )
