"""The portfolio's charts as PNG pictures for the workbook (a sheet holds raster images, not SVG):
the same four charts as velferdslab.charts.portfolio draws for the page and the PDF, drawn with
matplotlib. Only the Excel download pays for it (about 0.5 s for the four); every chart has a
legend and Norwegian (or English) numbers on its axes; a suppressed figure is a gap marked "–".
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from velferdslab.charts.journey import LEVEL_COLOURS, LEVEL_HATCHES
from velferdslab.charts.portfolio import GROUP_COLOURS, STABLE_LINE, PortfolioChartLabels
from velferdslab.formatting import DASH, format_number, format_percent

GROUP_HATCHES = ("\\\\", "oo")


@cache
def pyplot() -> Any:
    # Imported on first use: matplotlib costs a second at start-up that only the workbook pays.
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def render(figure: Any) -> bytes:
    """The figure as PNG bytes (the same data gives the same bytes)."""
    plt = pyplot()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _integer_axis(axes: Any, axis: str, language: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = axes.yaxis if axis == "y" else axes.xaxis
    target.set_major_locator(MaxNLocator(integer=True))
    target.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, 0, language)))


def stable_share_chart(
    quarters: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    labels: PortfolioChartLabels,
) -> bytes:
    """The lead chart: per quarter end, the share of assessed families at stable or better as a
    line, with "k of n" written at each point; a hidden quarter is a gap with a dash."""
    from matplotlib.ticker import FuncFormatter

    plt = pyplot()
    figure, axes = plt.subplots(figsize=(max(6.4, 0.7 * len(quarters) + 2.5), 3.6))
    xs = range(len(quarters))
    shares = [row["share"] for row in rows]
    axes.plot(
        xs,
        [float("nan") if s is None else s for s in shares],
        color=STABLE_LINE,
        linewidth=2.2,
        marker="o",
        markersize=6,
        label=labels.share_legend,
    )
    for x, row in zip(xs, rows, strict=True):
        if row["share"] is None:
            axes.text(x, 0.02, DASH, ha="center", va="bottom", fontsize=11, color="#4a5565")
            continue
        text = labels.of % {
            "k": format_number(row["stable_or_better"]["value"], 0, labels.language),
            "n": format_number(row["families"]["value"], 0, labels.language),
        }
        axes.annotate(
            text,
            (x, row["share"]),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=8.5,
            color="#1d2430",
        )
    axes.set_ylim(0, 1.25)
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: format_percent(v, 0, labels.language))
    )
    axes.set_xticks(list(xs))
    axes.set_xticklabels(quarters, rotation=45 if len(quarters) > 6 else 0, ha="right", fontsize=9)
    axes.tick_params(axis="y", labelsize=9)
    axes.grid(axis="y", color="#e4e7eb", linewidth=0.8)
    axes.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    axes.set_xlim(-0.5, len(quarters) - 0.5)
    axes.plot([], [], " ", label=labels.families_legend)  # explains the "k of n" labels
    axes.legend(fontsize=9, frameon=False, loc="upper left", ncol=1)
    figure.tight_layout()
    return render(figure)


def _stacked(
    axes: Any,
    rows: Sequence[Mapping[str, Any]],
    labels: PortfolioChartLabels,
    horizontal: bool = False,
) -> list[float]:
    """Stacked bars of grouped rows: four levels, or the two groups where levels would hide."""
    tops = [0.0] * len(rows)
    # A legend entry for what is drawn: the levels, the groups, or both where rows differ.
    series = []
    if any(row["grouping"] == "levels" for row in rows) or not rows:
        series += [
            (index, LEVEL_COLOURS[index], LEVEL_HATCHES[index], name, "levels")
            for index, name in enumerate(labels.levels)
        ]
    if any(row["grouping"] == "groups" for row in rows):
        series += [
            (index, GROUP_COLOURS[index], GROUP_HATCHES[index], name, "groups")
            for index, name in enumerate(labels.groups)
        ]
    draw = axes.barh if horizontal else axes.bar
    for index, colour, hatch, name, grouping in series:
        heights = [
            float(row["cells"][index]["value"] or 0)
            if row["grouping"] == grouping and not row["cells"][index]["suppressed"]
            else 0.0
            for row in rows
        ]
        options = {"left" if horizontal else "bottom": tops}
        draw(
            range(len(rows)),
            heights,
            color=colour,
            hatch=hatch if labels.hatched else None,
            edgecolor="#ffffff",
            label=name,
            **options,
        )
        tops = [t + h for t, h in zip(tops, heights, strict=True)]
    for position, row in enumerate(rows):
        if any(cell["suppressed"] for cell in row["cells"]):
            where = (tops[position], position) if horizontal else (position, tops[position])
            axes.text(*where, f" {DASH}", ha="left" if horizontal else "center", fontsize=11)
    return tops


def levels_chart(
    quarters: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    labels: PortfolioChartLabels,
) -> bytes:
    """Families per overall level at each quarter end (grouped rows of the portfolio report)."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(max(6.4, 0.7 * len(quarters) + 3.5), 3.8))
    tops = _stacked(axes, rows, labels)
    axes.set_ylim(0, max([1.0, *tops]) * 1.12)
    _integer_axis(axes, "y", labels.language)
    axes.set_xticks(range(len(quarters)))
    axes.set_xticklabels(quarters, rotation=45 if len(quarters) > 6 else 0, ha="right", fontsize=9)
    axes.tick_params(axis="y", labelsize=9)
    axes.legend(fontsize=9, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    return render(figure)


def domains_chart(
    domains: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    labels: PortfolioChartLabels,
) -> bytes:
    """Families per level in each domain at the valuation date, one horizontal bar per domain."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(7.5, 0.42 * len(domains) + 1.6))
    tops = _stacked(axes, rows, labels, horizontal=True)
    axes.set_xlim(0, max([1.0, *tops]) * 1.12)
    _integer_axis(axes, "x", labels.language)
    axes.set_yticks(range(len(domains)))
    axes.set_yticklabels(domains, fontsize=9)
    axes.invert_yaxis()
    axes.tick_params(axis="x", labelsize=9)
    axes.legend(fontsize=8.5, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.tight_layout()
    return render(figure)


def tornado_chart(
    rows: Sequence[Mapping[str, Any]],
    names: Mapping[str, str],
    labels: PortfolioChartLabels,
) -> bytes:
    """Horizontal bars from the base NPV to the −20 % and +20 % values, widest swing on top."""
    from matplotlib.ticker import FuncFormatter

    plt = pyplot()
    shown = list(rows)[:12]
    figure, axes = plt.subplots(figsize=(7.0, 0.42 * len(shown) + 1.8))
    for y, row in enumerate(reversed(shown)):
        base = row["base"]
        for value, colour, hatch, name in (
            (row["low"], "#3f8fc5", "//", labels.low),
            (row["high"], "#e0861a", "", labels.high),
        ):
            axes.barh(
                y,
                value - base,
                left=base,
                color=colour,
                hatch=hatch if labels.hatched else None,
                edgecolor="#ffffff",
                label=name if y == 0 else None,
            )
    axes.axvline(shown[0]["base"] if shown else 0, color="#1d2430", linewidth=1)
    axes.set_yticks(range(len(shown)))
    axes.set_yticklabels([names.get(r["parameter"], r["parameter"]) for r in reversed(shown)])
    axes.tick_params(labelsize=9)
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _: format_number(v / 1e6, 1, labels.language))
    )
    axes.set_xlabel(labels.million, fontsize=9)
    axes.legend(fontsize=9, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    figure.tight_layout()
    return render(figure)
