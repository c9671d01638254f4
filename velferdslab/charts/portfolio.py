"""Portfolio charts: families per level over time, and the sensitivity tornado."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from velferdslab.charts.journey import LEVEL_COLOURS, LEVEL_HATCHES
from velferdslab.charts.svg import figure_to_svg, pyplot


def levels_over_time_svg(
    quarters: Sequence[str],
    counts: Sequence[Sequence[int | None]],
    level_names: Sequence[str],
    title: str,
) -> str:
    """Stacked bars per quarter; a suppressed count draws as nothing and is marked "–"."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(max(5.0, 0.55 * len(quarters) + 2), 3.2))
    bottoms = [0.0] * len(quarters)
    for level, name in enumerate(level_names):
        heights = [float(row[level] or 0) for row in counts]
        axes.bar(
            range(len(quarters)),
            heights,
            bottom=bottoms,
            color=LEVEL_COLOURS[level],
            hatch=LEVEL_HATCHES[level],
            edgecolor="#ffffff",
            label=name,
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for x, row in enumerate(counts):
        if any(value is None for value in row):
            axes.text(x, bottoms[x], "–", ha="center", va="bottom", fontsize=9)
    # Counts of families: whole numbers from 0, even when every count is hidden or 0 (matplotlib
    # would otherwise centre empty bars on an axis from -0.04 to 0.04).
    from matplotlib.ticker import MaxNLocator

    axes.set_ylim(0, max([1.0, *bottoms]) * 1.1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xticks(range(len(quarters)))
    axes.set_xticklabels(quarters, rotation=45, ha="right", fontsize=8)
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    described = "; ".join(
        f"{q}: "
        + ", ".join(f"{n} {'–' if v is None else v}" for n, v in zip(level_names, row, strict=True))
        for q, row in zip(quarters, counts, strict=True)
    )
    return figure_to_svg(figure, title=title, description=described)


def tornado_svg(rows: Sequence[dict[str, Any]], labels: dict[str, str], title: str) -> str:
    """Horizontal bars from the base NPV to the −20 % and +20 % values, widest swing on top."""
    plt = pyplot()
    shown = list(rows)[:12]
    figure, axes = plt.subplots(figsize=(6.5, 0.38 * len(shown) + 1.2))
    for y, row in enumerate(reversed(shown)):
        base = row["base"]
        for value, colour, hatch in ((row["low"], "#3f8fc5", "//"), (row["high"], "#e0861a", "")):
            axes.barh(y, value - base, left=base, color=colour, hatch=hatch, edgecolor="#ffffff")
    axes.axvline(shown[0]["base"] if shown else 0, color="#1d2430", linewidth=1)
    axes.set_yticks(range(len(shown)))
    axes.set_yticklabels(
        [labels.get(r["parameter"], r["parameter"]) for r in reversed(shown)], fontsize=8
    )
    axes.ticklabel_format(axis="x", style="plain")
    from matplotlib.ticker import FuncFormatter

    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e6:.1f}"))
    axes.set_xlabel("mill. NOK", fontsize=8)
    figure.tight_layout()
    described = "; ".join(f"{r['parameter']}: {r['low']:.0f} to {r['high']:.0f}" for r in shown)
    return figure_to_svg(figure, title=title, description=described)
