"""A deliberately plain per-family loop over benefit-model.md, written for comparison only: the
tests check the vectorised engine against it, the benchmark measures how much faster that is."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

from velferdslab.benefits.params import AssumptionParams
from velferdslab.vocabulary import DOMAINS


def _df(schedule: tuple[tuple[int, float], ...], n: int) -> float:
    factor = 1.0
    for year in range(1, n + 1):
        rate = [r for start, r in schedule if start <= year][-1]
        factor /= 1 + rate
    return factor


def family_gains(
    readings: list[tuple[dt.date, int, dict[str, float | None]]],
    spending: float,
    params: AssumptionParams,
    as_of: dt.date,
) -> dict[str, Any]:
    """readings: (date, record order, {domain: level or None}) of one family; spending: K."""
    realised: dict[tuple[str, str], float] = defaultdict(float)
    projected: dict[tuple[str, str], float] = defaultdict(float)
    fiscal_year_one = 0.0
    ordered = sorted((r for r in readings if r[0] <= as_of), key=lambda r: (r[0], r[1]))
    for domain in DOMAINS:
        by_date: dict[dt.date, int] = {}
        for on, _order, levels in ordered:
            value = levels.get(domain)
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                by_date[on] = int(value)  # the later recorded reading of a date wins
        if not by_date:
            continue
        dates = sorted(by_date)
        baseline, now = by_date[dates[0]], by_date[dates[-1]]
        for item in params.cost_items:
            if item.domain != domain:
                continue
            k = params.adjustment(item)
            total = 0.0
            for index, on in enumerate(dates):
                end = dates[index + 1] if index + 1 < len(dates) else as_of
                total += (
                    (end - on).days
                    / 365
                    * (item.annual_cost[baseline] - item.annual_cost[by_date[on]])
                )
            realised[(item.category, item.payer)] += k * total
            gap = item.annual_cost[baseline] - item.annual_cost[now]
            for n in range(1, params.horizon_years + 1):
                yearly = k * params.success_rate * (1 - params.drop_off) ** (n - 1) * gap
                projected[(item.category, item.payer)] += yearly * _df(params.discount_schedule, n)
            if item.category == "fiscal":
                fiscal_year_one += k * params.success_rate * gap
    return {
        "realised": dict(realised),
        "projected": dict(projected),
        "fiscal_year_one": fiscal_year_one,
        "spending": spending,
    }


def portfolio_gains(
    readings_by_family: dict[int, list[tuple[dt.date, int, dict[str, float | None]]]],
    spending_by_family: dict[int, float],
    params: AssumptionParams,
    as_of: dt.date,
) -> dict[str, float]:
    """Summed over families, the way a spreadsheet would: one family after another."""
    fiscal = economic = social = spending = 0.0
    for family_id in sorted(set(readings_by_family) | set(spending_by_family)):
        result = family_gains(
            readings_by_family.get(family_id, []),
            spending_by_family.get(family_id, 0.0),
            params,
            as_of,
        )
        for (category, _payer), value in [
            *result["realised"].items(),
            *result["projected"].items(),
        ]:
            if category == "fiscal":
                fiscal += value
            elif category == "economic":
                economic += value
            else:
                social += value
        spending += result["spending"]
    lam = params.tax_financing_cost
    return {
        "fiscal": fiscal,
        "economic": economic,
        "social": social,
        "spending": spending,
        "socioeconomic_npv": (1 + lam) * (fiscal - spending) + economic + social,
    }
