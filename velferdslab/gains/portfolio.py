"""The portfolio report: a municipality's families in figures, suppressed for leaders.

One `Suppression` carries the rule through every figure (velferdslab.benefits.suppression); a
region's report is made beside its municipalities' (velferdslab.gains.region), so that it hides
what any of them hides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from velferdslab.benefits import analytics
from velferdslab.benefits.engine import evaluate
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.paths import prepare_with_path
from velferdslab.benefits.results import round_money, summarise
from velferdslab.benefits.suppression import SUPPRESSED, Suppression, open_table
from velferdslab.gains.data import EngineInput
from velferdslab.gains.forecast import counted_goals, portfolio_forecast, portfolio_forecast_block
from velferdslab.gains.lasting import moves_block, portfolio_spells, portfolio_waterfall
from velferdslab.gains.portfolio_money import budget_use, money, money_sums, who_invests
from velferdslab.gains.quarters import grouped_rows, level_table, stable_share
from velferdslab.vocabulary import DOMAINS, LEVELS, PUBLIC_PAYERS


def portfolio_report(
    data: EngineInput,
    params: AssumptionParams,
    as_of: dt.date,
    suppression: Suppression,
    *,
    scratch: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report of these families. `scratch` (a dict, empty at first) keeps the figures that
    do not depend on the suppression between two reports of the same data, params and date: a
    region's report is made again when more of its figures must be hidden."""
    kept = {} if scratch is None else scratch

    def once(name: str, make: Any) -> Any:
        if name not in kept:
            kept[name] = make()
        return kept[name]

    ids = data.family_ids
    prepared, path = once(
        "path", lambda: prepare_with_path(data.assessments, data.expenditures, as_of, ids)
    )
    priced = once("priced", lambda: evaluate(prepared, params))
    gains = once("gains", lambda: round_money(summarise(priced)))
    count = len(ids)
    sums = once("money", lambda: money_sums(data, as_of))
    distribution = once(
        "distribution",
        lambda: analytics.level_distribution(data.assessments, as_of, params.overall_rule, ids),
    )
    quarters = [row["quarter_end"] for row in distribution]
    overall = level_table(
        [[row["counts"][level] for level in LEVELS] for row in distribution],
        quarters, suppression, "levels",
    )  # fmt: skip
    by_domain = {
        domain: level_table(
            [[row["by_domain"][domain][level] for level in LEVELS] for row in distribution],
            quarters,
            suppression,
            ("levels", domain),
        )
        for domain in DOMAINS
    }
    matrix = once("matrix", lambda: analytics.transition_matrix(prepared, params.overall_rule))
    transitions = (
        suppression.table(matrix, "transitions") if suppression.applied else open_table(matrix)
    )
    figures = _gains(gains, count, suppression)
    forecast = once(
        "forecast", lambda: portfolio_forecast(data, params, as_of, prepared, path, priced)
    )
    return {
        "as_of": as_of,
        "family_count": suppression.count(count, "family_count"),
        "levels": list(LEVELS),
        "level_distribution": {"quarters": quarters, **_plain(overall)},
        "level_distribution_by_domain": {d: _plain(table) for d, table in by_domain.items()},
        "transition_matrix": transitions,
        # The same figures told so that small groups do not blank them out: levels merged into
        # "below stable" and "stable or better" where the four levels would hide a cell, and
        # a hidden count of a group given as the range it lies in.
        "stable_share_over_time": stable_share(quarters, overall, suppression),
        "level_distribution_grouped": grouped_rows(overall),
        "level_distribution_by_domain_grouped": {
            d: grouped_rows(table) for d, table in by_domain.items()
        },
        "transition_matrix_grouped": grouped_matrix(matrix, transitions, suppression),
        "reaching_stable": _reaching(prepared, params, suppression),
        "goals": _goals(prepared, counted_goals(forecast), suppression),
        "family_years_at_level": {
            level: money(value, count, suppression, ("family_years", level))
            for level, value in once("years", lambda: analytics.time_at_level(prepared)).items()
        },
        "gains": figures,
        "who_invests": who_invests(data, sums, suppression),
        "who_gains": _who_gains(gains, count, suppression),
        "budget_use": budget_use(sums, suppression),
        "sensitivity": []
        if figures["socioeconomic_npv"]["suppressed"]
        else once(
            "sensitivity",
            lambda: [round_money(row) for row in analytics.sensitivity(prepared, params)],
        ),
        "suppression": suppression.described(),
        "moves": moves_block(
            once("moves", lambda: portfolio_spells(data.assessments, data.families, params)),
            params,
            as_of,
            suppression,
        ),
        "waterfall": portfolio_waterfall(priced, figures["socioeconomic_npv"]["suppressed"]),
        "forecast": portfolio_forecast_block(
            data, params, as_of, prepared, path, suppression, forecast
        ),
        "by_municipality": [],
    }


def _plain(table: dict[str, Any]) -> dict[str, Any]:
    """A level table as the API gives it: cells, row totals and total (its groups are told in
    the grouped rows and the share)."""
    return {key: table[key] for key in ("cells", "row_totals", "total") if key in table}


GROUPS = ("below_stable", "stable_or_better")


def _group(row: list[int]) -> list[int]:
    return [row[0] + row[1], row[2] + row[3]]


def grouped_matrix(
    matrix: list[list[int]], fine: dict[str, Any], suppression: Suppression
) -> dict[str, Any]:
    """The transition matrix in four levels, or in two groups each way when four would hide a
    cell; the groups are suppressed like any table."""
    if not any(cell["suppressed"] for row in fine["cells"] for cell in row):
        return {"grouping": "levels", **fine}
    coarse = [
        _group([a + b for a, b in zip(matrix[first], matrix[first + 1], strict=True)])
        for first in (0, 2)
    ]
    return {"grouping": "groups", **suppression.table(coarse, "transitions_grouped")}


def _gains(gains: dict[str, Any], count: int, suppression: Suppression) -> dict[str, Any]:
    keys = ("spending", "fiscal_npv", "socioeconomic_npv")
    out: dict[str, Any] = {
        key: money(gains[key], count, suppression, ("gains", key)) for key in keys
    }
    # A ratio of hidden sums would give them back beside the one shown.
    ratios_hidden = any(out[key]["suppressed"] for key in keys)
    for key in ("fiscal_bcr", "socioeconomic_bcr", "payback_years"):
        out[key] = dict(SUPPRESSED) if ratios_hidden else {"value": gains[key], "suppressed": False}
    for key in ("realised", "projected_pv"):
        out[key] = {k: money(v, count, suppression, (key, k)) for k, v in gains[key].items()}
    return out


def _who_gains(gains: dict[str, Any], count: int, suppression: Suppression) -> list[dict[str, Any]]:
    return [
        {
            "payer": payer,
            "public": payer in PUBLIC_PAYERS,
            "realised": money(v["realised"], count, suppression, ("who_gains", payer, "r")),
            "projected_pv": money(v["projected_pv"], count, suppression, ("who_gains", payer, "p")),
        }
        for payer, v in gains["by_payer"].items()
    ]


def _pair(counts: list[int], suppression: Suppression, key: str) -> dict[str, Any]:
    if suppression.applied:
        return suppression.table([counts], key, col_totals=False)
    return open_table([counts])


def _reaching(prepared: Any, params: AssumptionParams, suppression: Suppression) -> dict[str, Any]:
    share = analytics.share_stable_or_better(prepared, params.overall_rule)
    stable = share["stable_or_sustainable"]
    table = _pair([stable, share["families"] - stable], suppression, "reaching_stable")
    return {
        "stable_or_sustainable": table["cells"][0][0],
        "below_stable": table["cells"][0][1],
        "families": table["row_totals"][0],
    }


def _goals(prepared: Any, goals: Any, suppression: Suppression) -> dict[str, Any]:
    met = analytics.goals_met(prepared, goals)
    table = _pair([met["met"], met["goals"] - met["met"]], suppression, "goals")
    return {
        "met": table["cells"][0][0],
        "not_met": table["cells"][0][1],
        "goals": table["row_totals"][0],
    }
