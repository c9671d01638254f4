"""Planned against realised gains (gevinstrealisering, issue 15): the forecast of one family and
the portfolio's forecast block, from the engine's `benefits.forecast`, with their schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from velferdslab.assessments.models import Assessment
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import get_set, to_params
from velferdslab.benefits.engine import Prepared, Priced
from velferdslab.benefits.forecast import (
    Forecast,
    compute_forecast,
    family_figures,
    goals_on_track,
    series,
)
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.paths import Path
from velferdslab.benefits.plan import domain_plan
from velferdslab.benefits.results import round_money, summarise
from velferdslab.benefits.suppression import Suppression, open_table
from velferdslab.budgets.models import Expenditure
from velferdslab.extensions import db
from velferdslab.families.models import Family
from velferdslab.gains.data import EngineInput, load_engine_input
from velferdslab.gains.page_tables import goals_frame, page_tables
from velferdslab.memo import Memo
from velferdslab.plans.models import Goal

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
    return _forecast_answer(family_id, forecast, params, as_of)


def _forecast_answer(
    family_id: int, forecast: Forecast, params: AssumptionParams, as_of: dt.date
) -> dict[str, Any]:
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
    today = dt.date.today()
    key = (
        family.id,
        row.id,
        row.version,
        today,
        tuple((a.id, a.assessed_on, *a.levels().values()) for a in assessments),
        tuple((e.spent_on, e.amount, e.status) for e in expenditures),
        tuple((g.id, g.domain, g.target_level, g.target_date) for g in goals),
    )

    def make() -> dict[str, Any]:
        # family_forecast's figures from the page's records, without frames but the goals'.
        params = to_params(row)
        prepared, path = page_tables(family, assessments, expenditures, today)
        forecast = compute_forecast(
            None, None, goals_frame(goals), params, today, prepared=prepared, path=path
        )
        return {
            **_forecast_answer(family.id, forecast, params, today),
            "assumption_set": _set_info(row),
        }

    return _page_forecast.get_or_make(key, make)


# -- the portfolio ---------------------------------------------------------------------------


def _totals(
    summary: dict[str, Any], families: int, suppression: Suppression, side: str
) -> dict[str, Any]:
    values = {
        "realised_fiscal": summary["realised"]["fiscal"],
        "realised_total": summary["realised"]["total"],
        "projected_pv_total": summary["projected_pv"]["total"],
        "fiscal_npv": summary["fiscal_npv"],
        "socioeconomic_npv": summary["socioeconomic_npv"],
    }
    return {
        key: _cell(value, families, suppression, ("forecast", side, key))
        for key, value in values.items()
    }


def _cell(value: float, families: int, suppression: Suppression, key: Any) -> dict[str, Any]:
    return suppression.total(round(float(value), 2), families, key)


def portfolio_forecast(
    data: EngineInput,
    params: AssumptionParams,
    as_of: dt.date,
    prepared: Prepared,
    path: Path | None = None,
    actual: Priced | None = None,
) -> Forecast:
    """`actual`: the report's own pricing of `prepared` (the forecast's actual side)."""
    return compute_forecast(
        data.assessments, data.expenditures, data.goals, params, as_of,
        prepared=prepared, path=path, actual=actual,
    )  # fmt: skip


def counted_goals(forecast: Forecast) -> pd.DataFrame:
    """The goals that enter the forecast (a target date, a domain assessed): the goals every goal
    count of a report is out of, so "goals met" and "on track" share one denominator."""
    goals = forecast.goals
    return goals[goals["status"] != ""] if len(goals) else goals


def portfolio_forecast_block(
    data: EngineInput,
    params: AssumptionParams,
    as_of: dt.date,
    prepared: Prepared,
    path: Path | None = None,
    suppression: Suppression | None = None,
    forecast: Forecast | None = None,
) -> dict[str, Any]:
    """Promised, forecast-to-date and actual totals, goals on track and the quarterly series,
    each cell hidden for leaders under the same rule as the report's other cells."""
    forecast = forecast or portfolio_forecast(data, params, as_of, prepared, path)
    suppression = suppression or Suppression.off()
    block = forecast_block(forecast, params, suppression)
    plan = domain_plan(prepared.baseline, prepared.current, prepared.family_ids, data.goals, params)
    hidden = _hidden_domains(plan, suppression)
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


def _hidden_domains(plan: list[dict[str, Any]], suppression: Suppression) -> set[str]:
    """Domains whose plan row a leader may not see: held by 1 to threshold − 1 families; and,
    since the domains' goals add up to the goal count shown beside the share on track, one more
    (the smallest held) when exactly one would be hidden."""
    if not suppression.applied:
        return set()
    hidden = {row["domain"] for row in plan if suppression.small(row["families"])}
    hidden |= {row["domain"] for row in plan if ("plan", row["domain"]) in suppression.elsewhere}
    if len(hidden) == 1:
        shown = [row for row in plan if row["families"] > 0 and row["domain"] not in hidden]
        if shown:
            hidden.add(min(shown, key=lambda row: (row["goals"], row["families"]))["domain"])
    suppression.hidden.update(("plan", domain) for domain in hidden)
    return hidden


def _count(value: int) -> dict[str, Any]:
    return {"value": value, "suppressed": False}


def forecast_block(
    forecast: Forecast, params: AssumptionParams, suppression: Suppression
) -> dict[str, Any]:
    count = len(forecast.actual.prepared.family_ids)
    goals = goals_on_track(forecast)
    good, total = goals["on_track_or_ahead"], goals["goals"]
    if suppression.applied:
        table = suppression.table([[good, total - good]], "forecast_goals", col_totals=False)
    else:
        table = open_table([[good, total - good]])
    hidden = table["row_totals"][0]["suppressed"] or table["cells"][0][0]["suppressed"]
    share: dict[str, Any] = {
        "value": None if hidden or total == 0 else round(good / total, 6),
        "suppressed": bool(hidden),
    }
    return {
        "promised": _totals(summarise(forecast.promise), count, suppression, "promised"),
        "forecast": _totals(summarise(forecast.forecast), count, suppression, "forecast"),
        "actual": _totals(summarise(forecast.actual), count, suppression, "actual"),
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
                        part: _cell(
                            row[side][part],
                            row["families"],
                            suppression,
                            ("series", row["quarter_end"], side, part),
                        )
                        for part in ("fiscal", "total")
                    }
                    for side in ("actual_realised", "forecast_realised")
                },
            }
            for row in series(forecast, params)
        ],
    }
