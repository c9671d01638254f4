"""The charts of issue 28 as a screen reader and a reader of print see them: a title and the
figures in words, a dash for a hidden count, and the waterfall's bars ending at the net NPV."""

from __future__ import annotations

import re

from velferdslab.charts.moves import (
    MovesChartLabels,
    WaterfallLabels,
    moves_chart,
    waterfall_chart,
)

KEYS = ["lasting", "not_yet_lasting", "never_reached"]
LABELS = MovesChartLabels(
    language="nb",
    title="Overganger til stabilt nivå",
    statuses=["varig", "ikke varig ennå", "ikke nådd stabilt"],
    denominator="n = %(n)s",
    dash_note="–: færre enn 5 familier.",
)


def cell(value: int | None) -> dict[str, object]:
    return {"value": value, "suppressed": value is None}


def desc(svg: str) -> str:
    return svg[svg.index("<desc>") + 6 : svg.index("</desc>")].replace("\u00a0", " ")


def test_the_moves_chart_tells_each_quarter_and_hides_small_counts() -> None:
    rows = [
        {"lasting": cell(0), "not_yet_lasting": cell(6), "never_reached": cell(6),
         "denominator": cell(12)},
        {"lasting": cell(None), "not_yet_lasting": cell(None), "never_reached": cell(6),
         "denominator": cell(12)},
    ]  # fmt: skip
    svg = moves_chart(["30.06.2025", "30.09.2025"], rows, KEYS, LABELS)
    assert "<title>Overganger til stabilt nivå</title>" in svg
    assert desc(svg) == (
        "30.06.2025: varig 0, ikke varig ennå 6, ikke nådd stabilt 6 (n = 12); "
        "30.09.2025: varig –, ikke varig ennå –, ikke nådd stabilt 6 (n = 12)"
    )
    assert "– n = 12" in svg  # the bar with a hidden count says so above it
    assert "–: færre enn 5 familier." in svg
    # a bar segment for each count shown, none for the hidden ones
    assert svg.count("<title>30.09.2025, ") == 1


def test_the_waterfall_runs_from_gross_to_the_net_figure() -> None:
    bars = [
        {"step": "gross", "amount": 10e6, "socioeconomic_npv": 10e6},
        {"step": "deadweight", "amount": -1e6, "socioeconomic_npv": 9e6},
        {"step": "discounting", "amount": -2.5e6, "socioeconomic_npv": 6.5e6},
    ]
    labels = WaterfallLabels(
        language="nb",
        title="Fra brutto til netto",
        steps={"gross": "bruttoverdi", "deadweight": "dødvekt", "discounting": "diskontering"},
        net="netto: tallet som vises",
        million="mill. kr",
    )
    svg = waterfall_chart(bars, labels)
    assert "<title>Fra brutto til netto</title>" in svg
    assert desc(svg) == (
        "bruttoverdi: 10,0; dødvekt: −1,0; diskontering: −2,5; netto: tallet som vises: 6,5"
    )
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    # gross 10, the two steps 1 and 2.5, net 6.5: in proportion on one axis
    assert abs(widths[0] / widths[-1] - 10 / 6.5) < 0.01
    assert abs(widths[2] / widths[1] - 2.5) < 0.01
    assert waterfall_chart([], labels) == ""
