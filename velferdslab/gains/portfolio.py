"""The portfolio report: a municipality's families in figures, suppressed for leaders."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd

from velferdslab.benefits import analytics
from velferdslab.benefits.engine import evaluate, rows_of
from velferdslab.benefits.levels import overall_rows
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.paths import prepare_with_path
from velferdslab.benefits.results import round_money, summarise
from velferdslab.benefits.suppression import (
    hidden_cells,
    open_table,
    suppress_sum,
    suppress_table,
)
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

    approved = _approved_up_to(data, as_of)
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
        # The same figures told so that small groups do not blank them out: levels merged into
        # "below stable" and "stable or better" where the four levels would hide a cell.
        "stable_share_over_time": _stable_share(distribution, counts, suppress, threshold),
        "level_distribution_grouped": grouped_rows(counts, suppress, threshold),
        "level_distribution_by_domain_grouped": {
            domain: grouped_rows(
                [[row["by_domain"][domain][level] for level in LEVELS] for row in distribution],
                suppress,
                threshold,
            )
            for domain in DOMAINS
        },
        "transition_matrix_grouped": grouped_matrix(
            analytics.transition_matrix(prepared, params.overall_rule), suppress, threshold
        ),
        "reaching_stable": _reaching(prepared, params, suppress, threshold),
        "goals": _goals(prepared, data, suppress, threshold),
        "family_years_at_level": _years(prepared, count, suppress, threshold),
        "gains": _gains(gains, count, suppress, threshold),
        "who_invests": _who_invests(data, approved, as_of, suppress, threshold),
        "who_gains": _who_gains(gains, count, suppress, threshold),
        "budget_use": _budget_use(data, approved, as_of, suppress, threshold),
        "sensitivity": _sensitivity(prepared, params, count, suppress, threshold),
        "suppression": {"applied": suppress, "threshold": threshold if suppress else None},
        "forecast": portfolio_forecast_block(
            data, params, as_of, prepared, path, suppress=suppress, threshold=threshold
        ),
        "by_municipality": _by_municipality(data, priced, params, suppress, threshold),
    }


GROUPS = ("below_stable", "stable_or_better")


def _group(row: list[int]) -> list[int]:
    return [row[0] + row[1], row[2] + row[3]]


def grouped_rows(counts: list[list[int]], suppress: bool, threshold: int) -> list[dict[str, Any]]:
    """Each row (a quarter) in the four levels when none of them is hidden, else in two groups
    (below stable, stable or better), suppressed only if even the groups are small. Rows are
    suppressed each on its own (a quarter has no column totals), so mixing them reveals nothing."""
    rows = []
    for row in counts:
        fine = suppress_table([row], threshold if suppress else 0, col_totals=False)
        if not any(cell["suppressed"] for cell in fine["cells"][0]):
            rows.append({"grouping": "levels", "cells": fine["cells"][0], "total": fine["total"]})
            continue
        coarse = suppress_table([_group(row)], threshold, col_totals=False)
        rows.append({"grouping": "groups", "cells": coarse["cells"][0], "total": coarse["total"]})
    return rows


def grouped_matrix(matrix: list[list[int]], suppress: bool, threshold: int) -> dict[str, Any]:
    """The transition matrix in four levels, or in two groups each way when four would hide a
    cell; the groups are suppressed like any table."""
    fine = suppress_table(matrix, threshold if suppress else 0)
    if not any(cell["suppressed"] for row in fine["cells"] for cell in row):
        return {"grouping": "levels", **fine}
    coarse = [_group(row) for row in _group_rows(matrix)]
    return {"grouping": "groups", **suppress_table(coarse, threshold)}


def _group_rows(matrix: list[list[int]]) -> list[list[int]]:
    return [
        [a + b for a, b in zip(matrix[0], matrix[1], strict=True)],
        [a + b for a, b in zip(matrix[2], matrix[3], strict=True)],
    ]


def _stable_share(
    distribution: list[dict[str, Any]], counts: list[list[int]], suppress: bool, threshold: int
) -> list[dict[str, Any]]:
    """Per quarter end: the families assessed, how many are at stable or sustainable, and the
    share; all three hidden together when either group is small (the share and the count would
    reveal it)."""
    rows = []
    for source, row in zip(distribution, counts, strict=True):
        below, stable = _group(row)
        table = suppress_table([[below, stable]], threshold if suppress else 0, col_totals=False)
        hidden = (
            any(cell["suppressed"] for cell in table["cells"][0]) or table["total"]["suppressed"]
        )
        total = below + stable
        rows.append(
            {
                "quarter_end": source["quarter_end"],
                "families": {"value": None if hidden else total, "suppressed": hidden},
                "stable_or_better": {"value": None if hidden else stable, "suppressed": hidden},
                "share": None if hidden or total == 0 else round(stable / total, 4),
            }
        )
    return rows


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
    # pandas converts date objects (SQLite) or text (PostgreSQL's COPY) ten times faster
    # than numpy does one object at a time.
    dates = pd.to_datetime(spent["spent_on"]).to_numpy(dtype="datetime64[D]")
    chosen = (spent["status"] == "approved").to_numpy() & (dates <= np.datetime64(as_of))
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    return spent[chosen].assign(year=years[chosen])


def _sums(frame: pd.DataFrame, keys: list[str]) -> dict[Any, tuple[float, int]]:
    """{key: (amount, number of families)}, each sum exact (math.fsum, so the order of the
    rows does not matter): the rows sorted by key once, then each group's slice summed."""
    if frame.empty:
        return {}
    columns = [frame[key].to_numpy() for key in keys]
    order = np.lexsort(columns[::-1])
    columns = [column[order] for column in columns]
    amounts = frame["amount"].to_numpy(dtype=float)[order]
    families = frame["family_id"].to_numpy()[order]
    changes = np.zeros(len(order), dtype=bool)
    changes[0] = True
    for column in columns:
        changes[1:] |= column[1:] != column[:-1]
    starts = np.flatnonzero(changes).tolist()
    keyed = list(zip(*(column[starts].tolist() for column in columns), strict=True))
    out: dict[Any, tuple[float, int]] = {}
    for key, start, end in zip(keyed, starts, [*starts[1:], len(order)], strict=True):
        group = key[0] if len(keys) == 1 else key
        out[group] = (math.fsum(amounts[start:end].tolist()), len(set(families[start:end])))
    return out


def _who_invests(
    data: EngineInput, approved: pd.DataFrame, as_of: dt.date, suppress: bool, threshold: int
) -> list[dict[str, Any]]:
    """Contributions and approved spending by agency, in all and per year; each sum is hidden
    when fewer than the threshold of families stand behind it."""
    agency_ids = data.agencies["agency_id"].tolist()
    names = dict(zip(agency_ids, data.agencies["name"].tolist(), strict=True))
    levels = dict(zip(agency_ids, data.agencies["government_level"].tolist(), strict=True))
    given = data.contributions[data.contributions["year"] <= as_of.year]
    spent = approved.rename(columns={"paying_agency_id": "agency_id"})
    totals = (_sums(given, ["agency_id"]), _sums(spent, ["agency_id"]))
    yearly = (_sums(given, ["agency_id", "year"]), _sums(spent, ["agency_id", "year"]))

    def cell(table: dict[Any, tuple[float, int]], key: Any) -> dict[str, Any]:
        amount, families = table.get(key, (0.0, 0))
        return _money(amount, families, suppress, threshold)

    rows = []
    for agency_id in sorted(set(totals[0]) | set(totals[1])):
        known = agency_id in names
        years = sorted(
            {y for a, y in yearly[0] if a == agency_id}
            | {y for a, y in yearly[1] if a == agency_id}
        )
        rows.append(
            {
                "agency_id": int(agency_id),
                "agency": str(names[agency_id]) if known else None,
                "government_level": str(levels[agency_id]) if known else None,
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
    data: EngineInput, spent: pd.DataFrame, as_of: dt.date, suppress: bool, threshold: int
) -> list[dict[str, Any]]:
    """Per year: the families with a budget, the budgets and the approved spending, summed
    with numpy over each year's rows in their order (as pandas' sum does, to the same bits)."""
    budget_years = data.budgets["year"].to_numpy()
    budget_amounts = data.budgets["amount"].to_numpy(dtype=float)
    budget_families = data.budgets["family_id"].to_numpy()
    spent_years = spent["year"].to_numpy()
    spent_amounts = spent["amount"].to_numpy(dtype=float)
    rows = []
    for year in sorted(y for y in set(budget_years.tolist()) if y <= as_of.year):
        this_year = budget_years == year
        families = len(set(budget_families[this_year].tolist()))
        budget = float(budget_amounts[this_year].sum())
        used = float(spent_amounts[spent_years == year].sum())
        rows.append(
            {
                "year": int(year),
                "families": _count(families, suppress, threshold),
                "budget": _money(budget, families, suppress, threshold),
                "approved_spending": _money(used, families, suppress, threshold),
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


def _by_municipality(
    data: EngineInput, priced: Any, params: AssumptionParams, suppress: bool, threshold: int
) -> list[dict[str, Any]]:
    """The region's municipalities side by side: families, share at stable or better now,
    approved spending and the socioeconomic NPV per family; each cell suppressed on its own, as
    the whole portfolio is. Empty for a single municipality."""
    families = data.families
    if families.empty or families["municipality_id"].nunique() < 2:
        return []
    limit = threshold if suppress else 0
    groups = [
        (int(m), [int(v) for v in group["family_id"]])
        for m, group in families.groupby("municipality_id")
    ]
    stable_below = []
    for _, ids in groups:
        now = overall_rows(
            priced.prepared.current[rows_of(priced, ids)].astype(int), params.overall_rule
        )
        stable_below.append([int((now >= 2).sum()), int(((now >= 0) & (now < 2)).sum())])
    # The municipalities are lines of one table with the region's totals: secondary suppression
    # hides a second municipality when one alone would be recoverable from the region's figure.
    small, _, _, _ = hidden_cells(
        [[len(ids)] for _, ids in groups], limit, row_totals=False, col_totals=True
    )
    split = suppress_table(stable_below, limit)
    rows = []
    for index, (municipality_id, ids) in enumerate(groups):
        summary = summarise(priced, ids)
        count = len(ids)
        hide = (index, 0) in small

        def cell(value: float, hide: bool = hide) -> dict[str, Any]:
            return {"value": None if hide else value, "suppressed": hide}

        stable, below = stable_below[index]
        share_hidden = (
            any(c["suppressed"] for c in split["cells"][index])
            or split["row_totals"][index]["suppressed"]
        )
        rows.append(
            {
                "municipality_id": municipality_id,
                "families": cell(count),
                "assessed": split["row_totals"][index],
                "stable_or_better": split["cells"][index][0],
                "share_stable_or_better": cell(
                    round(stable / (stable + below), 4) if stable + below else 0.0, share_hidden
                ),
                "spending": cell(round(summary["spending"], 2)),
                "socioeconomic_npv": cell(round(summary["socioeconomic_npv"], 2)),
                "socioeconomic_npv_per_family": cell(
                    round(summary["socioeconomic_npv"] / count, 2) if count else 0.0
                ),
            }
        )
    return rows
