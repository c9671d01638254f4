"""The portfolio's charts, drawn once from the report for the dashboard, the portfolio PDF and (as
PNG images) the workbook, in the language of the request or report being made."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from velferdslab.charts import portfolio as portfolio_svg
from velferdslab.charts.lines import WIDE, Frame, Line, line_chart_svg
from velferdslab.charts.moves import MovesChartLabels, WaterfallLabels, moves_chart, waterfall_chart
from velferdslab.charts.portfolio import PortfolioChartLabels
from velferdslab.charts.stacked import domains_chart, levels_chart
from velferdslab.charts.tornado import tornado_chart
from velferdslab.formatting import format_date, format_money
from velferdslab.gains.words import MOVE_STATUS_LABELS, WATERFALL_STEP_LABELS
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
    charts.update(move_charts(report, hatched))
    if report["sensitivity"]:
        charts["tornado"] = tornado_chart(
            report["sensitivity"], {k: str(v) for k, v in PARAMETER_LABELS.items()}, labels
        )
    return charts


def move_charts(report: Mapping[str, Any], hatched: bool = True) -> dict[str, str]:
    """The moves per quarter and the way from gross to net (issue 28), where there is data."""
    language = _language()
    charts: dict[str, str] = {}
    moves = report.get("moves")
    # A chart of hidden counts only would draw nothing: the table says what is hidden.
    if moves and any(not row["denominator"]["suppressed"] for row in moves["quarters"]):
        applied = bool(report.get("suppression", {}).get("applied"))
        threshold = report.get("suppression", {}).get("threshold") or 0
        labels = MovesChartLabels(
            language=language,
            title=str(_l("Moves to stable, and whether they last")),
            statuses=[str(MOVE_STATUS_LABELS[key]) for key in moves["statuses"]],
            denominator=str(_l("n = %(n)s")),
            dash_note=str(_l("–: fewer than %(n)s families, or a figure that would reveal one."))
            % {"n": threshold}
            if applied
            else "",
            hatched=hatched,
        )
        quarters = [format_date(row["quarter_end"], language) for row in moves["quarters"]]
        charts["moves"] = moves_chart(quarters, moves["quarters"], moves["statuses"], labels)
    if report.get("waterfall"):
        charts["waterfall"] = waterfall_chart(
            report["waterfall"],
            WaterfallLabels(
                language=language,
                title=str(_l("From gross to net")),
                steps={k: str(v) for k, v in WATERFALL_STEP_LABELS.items()},
                net=str(_l("net: the figure shown")),
                million=str(_l("socioeconomic NPV, mill. kr")),
            ),
        )
    return charts


PLANNED_COLOUR, ACTUAL_COLOUR = "#7a5195", "#003f5c"


def _language() -> str:
    return str(get_locale() or "nb")


def _value(cell: Any) -> float | None:
    if isinstance(cell, dict):
        return None if cell.get("suppressed") or cell.get("value") is None else cell["value"]
    return None if cell is None else float(cell)


def forecast_chart(series: Sequence[dict[str, Any]], who: str, frame: Frame = WIDE) -> str:
    """ "Planlagt mot realisert": realised savings to each quarter end (all payers, not
    discounted) on the plan's path and on the actual one; a suppressed point breaks its line."""
    if not series:
        return ""
    language = _language()
    labels = [format_date(row["quarter_end"], language) for row in series]
    planned = [_value(row["forecast_realised"]["total"]) for row in series]
    actual = [_value(row["actual_realised"]["total"]) for row in series]
    title = str(_l("Planned against realised"))
    description = str(
        _l(
            "Realised gains up to each quarter end for %(who)s, as the plan's goals foresaw "
            "them (dashed) and as the assessments show them (solid). Last point: %(date)s, "
            "planned %(planned)s, realised %(actual)s.",
            who=who,
            date=labels[-1],
            planned=format_money(planned[-1], language),
            actual=format_money(actual[-1], language),
        )
    )
    return line_chart_svg(
        labels,
        [
            Line(str(_l("Planned")), planned, PLANNED_COLOUR, "7 4"),
            Line(str(_l("Realised")), actual, ACTUAL_COLOUR),
        ],
        title=title,
        description=description,
        language=language,
        frame=frame,
    )


def portfolio_forecast_chart(report: dict[str, Any], frame: Frame = WIDE) -> str:
    block = report.get("forecast") or {}
    return forecast_chart(block.get("series", []), str(_l("the portfolio")), frame)
