"""The portfolio report: a municipality's families in figures, suppressed for leaders."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from velferdslab.benefits import analytics
from velferdslab.benefits.engine import evaluate
from velferdslab.benefits.forecast import prepare_with_path
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.results import round_money, summarise
from velferdslab.benefits.suppression import open_table, suppress_sum, suppress_table
from velferdslab.gains.data import EngineInput
from velferdslab.gains.forecast import portfolio_forecast_block
from velferdslab.vocabulary import DOMAINS, LEVELS, PUBLIC_PAYERS


def portfolio_report(
    data: EngineInput, params: AssumptionParams, as_of: dt.date, *, suppress: bool, threshold: int
) -> dict[str, Any]:
    ids = data.family_ids
    prepared, path = prepare_with_path(data.assessments, data.expenditures, as_of, ids)
    priced = evaluate(prepared, params)
    gains = round_money(summarise(priced))
    count = len(ids)

    def table(counts: list[list[int]], **options: bool) -> dict[str, Any]:
        if suppress:
            return suppress_table(counts, threshold, **options)
        return open_table(counts)

    distribution = analytics.level_distribution(data.assessments, as_of, params.overall_rule, ids)
    counts = [[row["counts"][level] for level in LEVELS] for row in distribution]
    return {
        "as_of": as_of,
        "family_count": _count(count, suppress, threshold),
        "levels": list(LEVELS),
        "level_distribution": {
            "quarters": [row["quarter_end"] for row in distribution],
            **(table(counts, col_totals=False) if counts else {"cells": []}),
        },
        "level_distribution_by_domain": {
            domain: table(
                [[row["by_domain"][domain][level] for level in LEVELS] for row in distribution],
                col_totals=False,
            )
            if distribution
            else {"cells": []}
            for domain in DOMAINS
        },
        "transition_matrix": table(analytics.transition_matrix(prepared, params.overall_rule)),
        "reaching_stable": _reaching(prepared, params, suppress, threshold),
        "goals": _goals(prepared, data, suppress, threshold),
        "family_years_at_level": _years(prepared, count, suppress, threshold),
        "gains": _gains(gains, count, suppress, threshold),
        "who_invests": _who_invests(data, as_of, suppress, threshold),
        "who_gains": _who_gains(gains, count, suppress, threshold),
        "budget_use": _budget_use(data, as_of, suppress, threshold),
        "sensitivity": _sensitivity(prepared, params, count, suppress, threshold),
        "suppression": {"applied": suppress, "threshold": threshold if suppress else None},
        "forecast": portfolio_forecast_block(
            data, params, as_of, prepared, path, suppress=suppress, threshold=threshold
        ),
    }


def _count(value: int, suppress: bool, threshold: int) -> dict[str, Any]:
    return (
        suppress_sum(value, value, threshold) if suppress else {"value": value, "suppressed": False}
    )


def _money(value: float, families: int, suppress: bool, threshold: int) -> dict[str, Any]:
    if suppress:
        return suppress_sum(round(value, 2), families, threshold)
    return {"value": round(value, 2), "suppressed": False}


def _gains(gains: dict[str, Any], count: int, suppress: bool, threshold: int) -> dict[str, Any]:
    keys = ("spending", "fiscal_npv", "socioeconomic_npv")
    out: dict[str, Any] = {key: _money(gains[key], count, suppress, threshold) for key in keys}
    for key in ("fiscal_bcr", "socioeconomic_bcr", "payback_years"):
        hidden = suppress and 0 < count < threshold
        out[key] = (
            {"value": None, "suppressed": True}
            if hidden
            else {"value": gains[key], "suppressed": False}
        )
    for key in ("realised", "projected_pv"):
        out[key] = {k: _money(v, count, suppress, threshold) for k, v in gains[key].items()}
    return out


def _who_gains(
    gains: dict[str, Any], count: int, suppress: bool, threshold: int
) -> list[dict[str, Any]]:
    return [
        {
            "payer": payer,
            "public": payer in PUBLIC_PAYERS,
            "realised": _money(v["realised"], count, suppress, threshold),
            "projected_pv": _money(v["projected_pv"], count, suppress, threshold),
        }
        for payer, v in gains["by_payer"].items()
    ]


def _approved_up_to(data: EngineInput, as_of: dt.date) -> pd.DataFrame:
    spent = data.expenditures
    if spent.empty:
        return spent.assign(year=pd.Series(dtype=int))
    dates = np.asarray(spent["spent_on"], dtype="datetime64[D]")
    chosen = (spent["status"] == "approved").to_numpy() & (dates <= np.datetime64(as_of))
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    return spent[chosen].assign(year=years[chosen])


def _sums(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.groupby(keys).agg(amount=("amount", "sum"), families=("family_id", "nunique"))


def _who_invests(
    data: EngineInput, as_of: dt.date, suppress: bool, threshold: int
) -> list[dict[str, Any]]:
    """Contributions and approved spending by agency, in all and per year; each sum is hidden
    when fewer than the threshold of families stand behind it."""
    agencies = data.agencies.set_index("agency_id")
    given = data.contributions[data.contributions["year"] <= as_of.year]
    spent = _approved_up_to(data, as_of).rename(columns={"paying_agency_id": "agency_id"})
    totals = (_sums(given, ["agency_id"]), _sums(spent, ["agency_id"]))
    yearly = (_sums(given, ["agency_id", "year"]), _sums(spent, ["agency_id", "year"]))

    def cell(table: pd.DataFrame, key: Any) -> dict[str, Any]:
        if key not in table.index:
            return _money(0.0, 0, suppress, threshold)
        row = table.loc[key]
        return _money(float(row["amount"]), int(row["families"]), suppress, threshold)

    rows = []
    for agency_id in sorted(set(totals[0].index) | set(totals[1].index)):
        agency = agencies.loc[agency_id] if agency_id in agencies.index else None
        years = sorted(
            {y for a, y in yearly[0].index if a == agency_id}
            | {y for a, y in yearly[1].index if a == agency_id}
        )
        rows.append(
            {
                "agency_id": int(agency_id),
                "agency": None if agency is None else str(agency["name"]),
                "government_level": None if agency is None else str(agency["government_level"]),
                "contributed": cell(totals[0], agency_id),
                "spent": cell(totals[1], agency_id),
                "by_year": [
                    {
                        "year": int(y),
                        "contributed": cell(yearly[0], (agency_id, y)),
                        "spent": cell(yearly[1], (agency_id, y)),
                    }
                    for y in years
                ],
            }
        )
    return rows


def _budget_use(
    data: EngineInput, as_of: dt.date, suppress: bool, threshold: int
) -> list[dict[str, Any]]:
    rows = []
    spent = _approved_up_to(data, as_of)
    years = sorted(y for y in set(data.budgets["year"]) if y <= as_of.year)
    for year in years:
        budgets = data.budgets[data.budgets["year"] == year]
        used = spent[spent["year"] == year]
        families = budgets["family_id"].nunique()
        rows.append(
            {
                "year": int(year),
                "families": _count(families, suppress, threshold),
                "budget": _money(float(budgets["amount"].sum()), families, suppress, threshold),
                "approved_spending": _money(
                    float(used["amount"].sum()), families, suppress, threshold
                ),
            }
        )
    return rows


def _reaching(
    prepared: Any, params: AssumptionParams, suppress: bool, threshold: int
) -> dict[str, Any]:
    share = analytics.share_stable_or_better(prepared, params.overall_rule)
    table = suppress_table(
        [[share["stable_or_sustainable"], share["families"] - share["stable_or_sustainable"]]],
        threshold if suppress else 0,
        col_totals=False,
    )
    return {
        "stable_or_sustainable": table["cells"][0][0],
        "below_stable": table["cells"][0][1],
        "families": table["row_totals"][0],
    }


def _goals(prepared: Any, data: EngineInput, suppress: bool, threshold: int) -> dict[str, Any]:
    met = analytics.goals_met(prepared, data.goals)
    table = suppress_table(
        [[met["met"], met["goals"] - met["met"]]], threshold if suppress else 0, col_totals=False
    )
    return {
        "met": table["cells"][0][0],
        "not_met": table["cells"][0][1],
        "goals": table["row_totals"][0],
    }


def _years(prepared: Any, count: int, suppress: bool, threshold: int) -> dict[str, Any]:
    years = analytics.time_at_level(prepared)
    return {level: _money(value, count, suppress, threshold) for level, value in years.items()}


def _sensitivity(
    prepared: Any, params: AssumptionParams, count: int, suppress: bool, threshold: int
) -> list[dict[str, Any]]:
    if suppress and 0 < count < threshold:
        return []
    return [round_money(row) for row in analytics.sensitivity(prepared, params)]
