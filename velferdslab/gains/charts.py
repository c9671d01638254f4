"""The portfolio's charts, drawn once from the report for the dashboard, the portfolio PDF and (as
PNG images) the workbook, in the language of the request or report being made."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from velferdslab.charts import portfolio as portfolio_svg
from velferdslab.charts.portfolio import PortfolioChartLabels
from velferdslab.charts.stacked import domains_chart, levels_chart
from velferdslab.charts.tornado import tornado_chart
from velferdslab.formatting import format_date
from velferdslab.vocabulary import DOMAINS
from velferdslab.web.labels import DOMAIN_LABELS, LEVEL_LABELS, PARAMETER_LABELS


def chart_labels(
    hatched: bool = True, suppression: Mapping[str, Any] | None = None
) -> PortfolioChartLabels:
    applied = bool(suppression and suppression.get("applied"))
    few = {"n": suppression["threshold"] if suppression and applied else 0}

    def note(words: Any) -> str:
        return str(words) % few if applied else ""

    return PortfolioChartLabels(
        hatched=hatched,
        language=str(get_locale() or "nb"),
        levels=[str(label) for label in LEVEL_LABELS],
        groups=[
            str(_l("below stable (unsustainable or exposed)")),
            str(_l("stable or sustainable")),
        ],
        share_title=str(_l("Share of families at stable or sustainable")),
        share_legend=str(_l("share at stable or sustainable")),
        families_legend=str(_l("“5 of 12”: at stable or better of those assessed")),
        levels_title=str(_l("Families per overall level")),
        domains_title=str(_l("Families per level in each area, now")),
        tornado_title=str(_l("Sensitivity of the socioeconomic NPV")),
        low=str(_l("assumption moved −20 %")),
        high=str(_l("assumption moved +20 %")),
        million=str(_l("socioeconomic NPV, mill. kr")),
        of=str(_l("%(k)s of %(n)s")),
        range_of=str(_l("%(low)s–%(high)s of %(n)s")),
        band_note=note(
            _l(
                "Band: under %(n)s families at stable or better (or below it), so the count is "
                "shown as a range."
            )
        ),
        dash_note=note(_l("–: fewer than %(n)s families, or a figure that would reveal one.")),
        merged_note=note(
            _l("Two groups instead of four levels where a level had fewer than %(n)s families.")
        ),
    )


def quarter_labels(report: Mapping[str, Any]) -> list[str]:
    language = str(get_locale() or "nb")
    return [format_date(q, language) for q in report["level_distribution"].get("quarters", [])]


def portfolio_charts(report: Mapping[str, Any], hatched: bool = True) -> dict[str, str]:
    """Every chart of the portfolio as SVG, for the page and the PDF (written directly, about a
    millisecond each; the workbook draws its own, velferdslab.gains.excel_charts); a chart with
    nothing to draw is left out."""
    draw = portfolio_svg
    labels = chart_labels(hatched, report.get("suppression"))
    quarters = quarter_labels(report)
    charts: dict[str, str] = {}
    if quarters:
        charts["stable_share"] = draw.stable_share_chart(
            quarters, report["stable_share_over_time"], labels
        )
        charts["levels"] = levels_chart(quarters, report["level_distribution_grouped"], labels)
        by_domain = report["level_distribution_by_domain_grouped"]
        charts["domains"] = domains_chart(
            [str(DOMAIN_LABELS[d]) for d in DOMAINS], [by_domain[d][-1] for d in DOMAINS], labels
        )
    if report["sensitivity"]:
        charts["tornado"] = tornado_chart(
            report["sensitivity"], {k: str(v) for k, v in PARAMETER_LABELS.items()}, labels
        )
    return charts
