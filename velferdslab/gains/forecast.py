"""Planned against realised gains (gevinstrealisering, issue 15): the forecast of one family and
the portfolio's forecast block, from the engine's `benefits.forecast`, with their schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import marshmallow as ma

from velferdslab.assessments.models import Assessment
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import get_set, to_params
from velferdslab.benefits.engine import Prepared
from velferdslab.benefits.forecast import (
    Forecast,
    Path,
    compute_forecast,
    family_figures,
    goals_on_track,
    series,
)
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.plan import domain_plan
from velferdslab.benefits.results import round_money, summarise
from velferdslab.benefits.suppression import suppress_sum, suppress_table
from velferdslab.budgets.models import Expenditure
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.gains.data import EngineInput, engine_input_from_records, load_engine_input
from velferdslab.memo import Memo
from velferdslab.plans.models import Goal

# -- schemas ---------------------------------------------------------------------------------


class CategorySumsSchema(ma.Schema):
    fiscal = ma.fields.Float(required=True)
    economic = ma.fields.Float(required=True)
    social = ma.fields.Float(required=True)
    total = ma.fields.Float(required=True)


class PayerSumsSchema(ma.Schema):
    realised = ma.fields.Float(required=True)
    projected_pv = ma.fields.Float(required=True)
    total = ma.fields.Float(required=True)


class FiguresSchema(ma.Schema):
    """The figures of /gains (benefit-model.md, "Results per family")."""

    fiscal_npv = ma.fields.Float(required=True)
    socioeconomic_npv = ma.fields.Float(required=True)
    fiscal_bcr = ma.fields.Float(required=True, allow_none=True)
    socioeconomic_bcr = ma.fields.Float(required=True, allow_none=True)
    payback_years = ma.fields.Integer(required=True, allow_none=True)
    spending = ma.fields.Float(required=True)
    realised = ma.fields.Nested(CategorySumsSchema, required=True)
    projected_pv = ma.fields.Nested(CategorySumsSchema, required=True)
    by_payer = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Nested(PayerSumsSchema), required=True
    )


class PromiseSchema(FiguresSchema):
    promise_date = ma.fields.Date(
        required=True, metadata={"description": "T*: the latest target date of the goals, or T."}
    )


class DomainStatusSchema(ma.Schema):
    level = ma.fields.String(required=True, allow_none=True)
    forecast_level = ma.fields.String(required=True, allow_none=True)
    status = ma.fields.String(
        required=True,
        allow_none=True,
        validate=ma.validate.OneOf(["ahead", "on_track", "behind"]),
    )


class RealisedPairSchema(ma.Schema):
    fiscal = ma.fields.Float(required=True)
    total = ma.fields.Float(required=True)


class SeriesPointSchema(ma.Schema):
    quarter_end = ma.fields.Date(required=True, metadata={"description": "The last point is T."})
    actual_realised = ma.fields.Nested(RealisedPairSchema, required=True)
    forecast_realised = ma.fields.Nested(RealisedPairSchema, required=True)


class SetInfoSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)


class ForecastSchema(ma.Schema):
    family_id = ma.fields.Integer(required=True)
    as_of = ma.fields.Date(required=True)
    assumption_set = ma.fields.Nested(SetInfoSchema, required=True)
    forecast = ma.fields.Nested(FiguresSchema, required=True)
    promise = ma.fields.Nested(PromiseSchema, required=True)
    variance = ma.fields.Nested(
        FiguresSchema, required=True, metadata={"description": "actual − forecast at T."}
    )
    domains = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.Nested(DomainStatusSchema), required=True
    )
    series = ma.fields.List(ma.fields.Nested(SeriesPointSchema), required=True)


class CellSchema(ma.Schema):
    value = ma.fields.Float(required=True, allow_none=True)
    suppressed = ma.fields.Boolean(required=True)


class ForecastTotalsSchema(ma.Schema):
    realised_fiscal = ma.fields.Nested(CellSchema, required=True)
    realised_total = ma.fields.Nested(CellSchema, required=True)
    projected_pv_total = ma.fields.Nested(CellSchema, required=True)
    fiscal_npv = ma.fields.Nested(CellSchema, required=True)
    socioeconomic_npv = ma.fields.Nested(CellSchema, required=True)


class GoalShareSchema(ma.Schema):
    goals = ma.fields.Nested(CellSchema, required=True)
    on_track_or_ahead = ma.fields.Nested(CellSchema, required=True)
    behind = ma.fields.Nested(CellSchema, required=True)
    share_on_track_or_ahead = ma.fields.Nested(CellSchema, required=True)


class CellPairSchema(ma.Schema):
    fiscal = ma.fields.Nested(CellSchema, required=True)
    total = ma.fields.Nested(CellSchema, required=True)


class PortfolioSeriesPointSchema(ma.Schema):
    quarter_end = ma.fields.Date(required=True)
    actual_realised = ma.fields.Nested(CellPairSchema, required=True)
    forecast_realised = ma.fields.Nested(CellPairSchema, required=True)


class PlanDomainSchema(ma.Schema):
    domain = ma.fields.String(required=True)
    goals = ma.fields.Nested(CellSchema, required=True)
    families = ma.fields.Nested(CellSchema, required=True)
    expected_gain = ma.fields.Nested(
        CellSchema, required=True, metadata={"description": "Yearly, at the target levels."}
    )
    measured_gain = ma.fields.Nested(
        CellSchema, required=True, metadata={"description": "Yearly, at the levels at T."}
    )
    variance = ma.fields.Nested(CellSchema, required=True)


class PortfolioForecastSchema(ma.Schema):
    promised = ma.fields.Nested(
        ForecastTotalsSchema,
        required=True,
        metadata={"description": "Sum of the families' promises, each at its own T*."},
    )
    forecast = ma.fields.Nested(ForecastTotalsSchema, required=True)
    actual = ma.fields.Nested(ForecastTotalsSchema, required=True)
    goals = ma.fields.Nested(GoalShareSchema, required=True)
    series = ma.fields.List(ma.fields.Nested(PortfolioSeriesPointSchema), required=True)
    plan = ma.fields.List(
        ma.fields.Nested(PlanDomainSchema),
        required=True,
        metadata={"description": "The gevinstrealiseringsplan per domain."},
    )


# -- one family ------------------------------------------------------------------------------

FIGURE_KEYS = (
    "fiscal_npv",
    "socioeconomic_npv",
    "fiscal_bcr",
    "socioeconomic_bcr",
    "payback_years",
    "spending",
    "realised",
    "projected_pv",
    "by_payer",
)


def _figures(summary: dict[str, Any]) -> dict[str, Any]:
    return {key: summary[key] for key in FIGURE_KEYS}


def family_forecast_from(
    family_id: int, data: EngineInput, params: AssumptionParams, as_of: dt.date
) -> dict[str, Any]:
    """The forecast answer of one family (without assumption_set), rounded as the API shows it."""
    forecast = compute_forecast(
        data.assessments, data.expenditures, data.goals, params, as_of, [family_id]
    )
    figures = family_figures(forecast, family_id)
    answer: dict[str, Any] = round_money(
        {
            "family_id": family_id,
            "as_of": as_of,
            "actual": _figures(figures["actual"]),
            "forecast": _figures(figures["forecast"]),
            "promise": {
                **_figures(figures["promise"]),
                "promise_date": figures["promise"]["promise_date"],
            },
            "variance": _figures(figures["variance"]),
            "domains": figures["domains"],
            "dated_goals": goals_on_track(forecast, [family_id])["goals"],
            "series": [
                {key: row[key] for key in ("quarter_end", "actual_realised", "forecast_realised")}
                for row in series(forecast, params, [family_id])
            ],
        }
    )
    return answer


def _set_info(row: AssumptionSet) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "version": row.version}


def family_forecast(
    family: Family,
    as_of: dt.date,
    assumption_set_id: int | None = None,
    data: EngineInput | None = None,
    row: AssumptionSet | None = None,
) -> dict[str, Any]:
    row = row or get_set(db.session, assumption_set_id)
    data = data or load_engine_input(db.session, Family.id == family.id)
    return {
        **family_forecast_from(family.id, data, to_params(row), as_of),
        "assumption_set": _set_info(row),
    }


_page_forecast: Memo[dict[str, Any]] = Memo(256)


def page_forecast(
    family: Family,
    assessments: Sequence[Assessment],
    expenditures: Sequence[Expenditure],
    goals: Sequence[Goal],
) -> dict[str, Any]:
    """family_forecast for today with the default set, from the records a page (or a PDF) has
    read; kept per worker under every value it is computed from; treat it as read-only."""
    row = get_set(db.session, None)
    key = (
        family.id,
        row.id,
        row.version,
        dt.date.today(),
        tuple((a.id, a.assessed_on, *a.levels().values()) for a in assessments),
        tuple((e.spent_on, e.amount, e.status) for e in expenditures),
        tuple((g.id, g.domain, g.target_level, g.target_date) for g in goals),
    )

    def make() -> dict[str, Any]:
        data = engine_input_from_records(family, assessments, expenditures, [], [], goals)
        return family_forecast(family, dt.date.today(), data=data, row=row)

    return _page_forecast.get_or_make(key, make)


# -- the portfolio ---------------------------------------------------------------------------


def _totals(
    summary: dict[str, Any], families: int, suppress: bool, threshold: int
) -> dict[str, Any]:
    values = {
        "realised_fiscal": summary["realised"]["fiscal"],
        "realised_total": summary["realised"]["total"],
        "projected_pv_total": summary["projected_pv"]["total"],
        "fiscal_npv": summary["fiscal_npv"],
        "socioeconomic_npv": summary["socioeconomic_npv"],
    }
    return {key: _cell(value, families, suppress, threshold) for key, value in values.items()}


def _cell(value: float, families: int, suppress: bool, threshold: int) -> dict[str, Any]:
    if suppress:
        return suppress_sum(round(float(value), 2), families, threshold)
    return {"value": round(float(value), 2), "suppressed": False}


def portfolio_forecast_block(
    data: EngineInput,
    params: AssumptionParams,
    as_of: dt.date,
    prepared: Prepared,
    path: Path | None = None,
    *,
    suppress: bool,
    threshold: int,
) -> dict[str, Any]:
    """Promised, forecast-to-date and actual totals, goals on track and the quarterly series,
    each cell hidden for leaders under the same rule as the report's other cells."""
    forecast = compute_forecast(
        data.assessments, data.expenditures, data.goals, params, as_of, prepared=prepared, path=path
    )
    block = forecast_block(forecast, params, suppress=suppress, threshold=threshold)
    plan = domain_plan(prepared.baseline, prepared.current, prepared.family_ids, data.goals, params)
    hidden = _hidden_domains(plan, suppress, threshold)
    block["plan"] = [
        {
            "domain": row["domain"],
            **{
                key: SUPPRESSED_CELL if row["domain"] in hidden else _count(row[key])
                for key in ("goals", "families")
            },
            **{
                key: SUPPRESSED_CELL
                if row["domain"] in hidden
                else {"value": round(float(row[key]), 2), "suppressed": False}
                for key in ("expected_gain", "measured_gain", "variance")
            },
        }
        for row in plan
    ]
    return block


SUPPRESSED_CELL: dict[str, Any] = {"value": None, "suppressed": True}


def _hidden_domains(plan: list[dict[str, Any]], suppress: bool, threshold: int) -> set[str]:
    """Domains whose plan row a leader may not see: held by 1 to threshold − 1 families; and,
    since the domains' goals add up to the goal count shown beside the share on track, one more
    (the smallest held) when exactly one would be hidden."""
    if not suppress:
        return set()
    hidden = {row["domain"] for row in plan if 0 < row["families"] < threshold}
    if len(hidden) == 1:
        shown = [row for row in plan if row["families"] > 0 and row["domain"] not in hidden]
        if shown:
            hidden.add(min(shown, key=lambda row: (row["goals"], row["families"]))["domain"])
    return hidden


def _count(value: int) -> dict[str, Any]:
    return {"value": value, "suppressed": False}


def forecast_block(
    forecast: Forecast, params: AssumptionParams, *, suppress: bool, threshold: int
) -> dict[str, Any]:
    count = len(forecast.actual.prepared.family_ids)
    goals = goals_on_track(forecast)
    good, total = goals["on_track_or_ahead"], goals["goals"]
    table = suppress_table([[good, total - good]], threshold if suppress else 0, col_totals=False)
    hidden = table["row_totals"][0]["suppressed"] or table["cells"][0][0]["suppressed"]
    share: dict[str, Any] = {
        "value": None if hidden or total == 0 else round(good / total, 6),
        "suppressed": bool(hidden),
    }
    return {
        "promised": _totals(summarise(forecast.promise), count, suppress, threshold),
        "forecast": _totals(summarise(forecast.forecast), count, suppress, threshold),
        "actual": _totals(summarise(forecast.actual), count, suppress, threshold),
        "goals": {
            "goals": table["row_totals"][0],
            "on_track_or_ahead": table["cells"][0][0],
            "behind": table["cells"][0][1],
            "share_on_track_or_ahead": share,
        },
        "series": [
            {
                "quarter_end": row["quarter_end"],
                **{
                    side: {
                        part: _cell(row[side][part], row["families"], suppress, threshold)
                        for part in ("fiscal", "total")
                    }
                    for side in ("actual_realised", "forecast_realised")
                },
            }
            for row in series(forecast, params)
        ],
    }
