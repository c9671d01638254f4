"""Planned against realised on pages and in PDFs (issue 15): the chart, drawn once for both, and
the content the family, portfolio and audit templates include. Figures come from the same
functions as the API's (velferdslab.gains.forecast), so the page, the PDF and the API agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab.assessments.models import Assessment
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import to_params
from velferdslab.benefits.forecast import compute_forecast, family_figures, goals_on_track
from velferdslab.benefits.plan import family_plan
from velferdslab.benefits.results import round_money
from velferdslab.benefits.suppression import Suppression
from velferdslab.budgets.models import Expenditure
from velferdslab.charts.lines import NARROW, WIDE, Frame, Line, line_chart_svg
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.formatting import format_date, format_money
from velferdslab.gains.data import EngineInput, load_engine_input
from velferdslab.gains.forecast import family_forecast, page_forecast
from velferdslab.plans.models import Goal
from velferdslab.users.models import User
from velferdslab.vocabulary import LEVELS

FORECAST_STATUS_LABELS = {
    "ahead": _l("ahead"),
    "on_track": _l("on track"),
    "behind": _l("behind"),
}
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


def family_page_context(
    family: Family,
    assessments: Sequence[Assessment],
    expenditures: Sequence[Expenditure],
    goals: Sequence[Goal],
) -> dict[str, Any]:
    """What the lead's family page adds: the forecast (as the API answers it) and its chart."""
    forecast = page_forecast(family, assessments, expenditures, goals)
    return {
        "forecast": forecast,
        "forecast_chart": forecast_chart(forecast["series"], family.reference),
        # the same chart drawn for a phone's width, shown there instead (letters ≥ 9 px)
        "forecast_chart_narrow": forecast_chart(forecast["series"], family.reference, NARROW),
        "forecast_labels": {k: str(v) for k, v in FORECAST_STATUS_LABELS.items()},
        "LEVEL_INDEX": {name: index for index, name in enumerate(LEVELS)},
    }


def _lead_name(family: Family) -> str | None:
    if family.investment_lead_id is None:
        return None
    return db.session.scalar(select(User.full_name).where(User.id == family.investment_lead_id))


def family_plan_rows(
    family: Family, data: EngineInput, row: AssumptionSet, as_of: dt.date
) -> dict[str, Any]:
    """The family's gevinstrealiseringsplan: its goals with owner, baseline, target, expected
    and measured gains, rounded as shown."""
    params = to_params(row)
    forecast = compute_forecast(
        data.assessments, data.expenditures, data.goals, params, as_of, [family.id]
    )
    statuses = {d: v["status"] for d, v in family_figures(forecast, family.id)["domains"].items()}
    plan = family_plan(data.assessments, data.goals, params, as_of, family.id, statuses)
    rows: list[dict[str, Any]] = round_money(plan)
    return {
        "owner": _lead_name(family),
        "reference": family.reference,
        "as_of": as_of,
        "goals": rows,
        "on_track": goals_on_track(forecast, [family.id]),
    }


def family_report_forecast(
    family: Family, as_of: dt.date, assumption_set: AssumptionSet
) -> dict[str, Any]:
    """The family PDF's forecast section and plan: the API's figures, the same chart."""
    data = load_engine_input(db.session, Family.id == family.id)
    forecast = family_forecast(family, as_of, data=data, row=assumption_set)
    return {
        "forecast": forecast,
        "forecast_chart": forecast_chart(forecast["series"], family.reference),
        "forecast_labels": {k: str(v) for k, v in FORECAST_STATUS_LABELS.items()},
        "plan": family_plan_rows(family, data, assumption_set, as_of),
    }


def portfolio_forecast_chart(report: dict[str, Any], frame: Frame = WIDE) -> str:
    block = report.get("forecast") or {}
    return forecast_chart(block.get("series", []), str(_l("the portfolio")), frame)


def audit_forecast(
    municipality_id: int, as_of: dt.date, assumption_set: AssumptionSet, references: dict[int, str]
) -> dict[str, Any]:
    """For the audit report: per family it may see, promised, forecast-to-date and actual
    figures with the variance and goals on track, and the municipality's totals and chart."""
    from velferdslab.gains.forecast import forecast_block

    params = to_params(assumption_set)
    data = load_engine_input(db.session, Family.municipality_id == municipality_id)
    forecast = compute_forecast(
        data.assessments, data.expenditures, data.goals, params, as_of, data.family_ids
    )
    rows = []
    known = set(data.family_ids)
    for family_id, reference in sorted(references.items(), key=lambda item: item[1]):
        if family_id not in known:
            continue
        figures = round_money(family_figures(forecast, family_id))
        goals = goals_on_track(forecast, [family_id])
        rows.append(
            {
                "reference": reference,
                "promise_date": figures["promise"]["promise_date"],
                "promised": figures["promise"]["socioeconomic_npv"],
                "forecast": figures["forecast"]["socioeconomic_npv"],
                "actual": figures["actual"]["socioeconomic_npv"],
                "variance": figures["variance"]["socioeconomic_npv"],
                "goals": goals["goals"],
                "on_track_or_ahead": goals["on_track_or_ahead"],
            }
        )
    block = forecast_block(forecast, params, Suppression.off())
    return {
        "families": rows,
        "block": block,
        "chart": forecast_chart(block["series"], str(_l("the municipality"))),
    }
