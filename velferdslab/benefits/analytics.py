"""Portfolio analytics over the engine's tables: levels over time, transitions, sensitivity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from velferdslab.benefits.engine import Prepared
from velferdslab.benefits.levels import overall_rows
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.variants import Npv
from velferdslab.vocabulary import DOMAINS, LEVELS


def transition_matrix(prepared: Prepared, rule: str) -> list[list[int]]:
    """Families counted by overall level at baseline (rows) and at the valuation date (columns)."""
    start = overall_rows(prepared.baseline.astype(int), rule)
    end = overall_rows(prepared.current.astype(int), rule)
    matrix = np.zeros((4, 4), dtype=int)
    both = (start >= 0) & (end >= 0)
    np.add.at(matrix, (start[both], end[both]), 1)
    return matrix.tolist()


def quarter_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    ends = pd.date_range(first, last + pd.offsets.QuarterEnd(0), freq="QE")
    return [d.date() for d in ends]


def level_distribution(
    assessments: pd.DataFrame, as_of: dt.date, rule: str, family_ids: Sequence[int]
) -> list[dict[str, Any]]:
    """Per quarter end up to T: families at each overall level, levels carried forward; a family
    counts from its first assessment on.

    Each family's latest reading of a date is in force from its date until the family's next
    reading date: it is counted at every quarter end in between, all quarters at once (one
    cumulative sum), rather than regrouping the readings for each quarter."""
    if assessments.empty:
        return []
    # Plain arrays, not pandas: a municipality's page pays for this on its first view.
    family = assessments["family_id"].to_numpy(np.int64)
    day = pd.to_datetime(assessments["assessed_on"]).to_numpy(dtype="datetime64[D]")
    chosen = np.isin(family, np.asarray(list(family_ids), dtype=np.int64)) & (
        day <= np.datetime64(as_of, "D")
    )
    if not chosen.any():
        return []
    order = np.lexsort(
        (assessments["assessment_id"].to_numpy(np.int64)[chosen], day[chosen], family[chosen])
    )
    family, day = family[chosen][order], day[chosen][order]
    levels = assessments[list(DOMAINS)].to_numpy(dtype=float)[chosen][order]
    # Each domain's last reading carried forward within the family: the index of the latest
    # row with a value, never reaching back past the family's first row.
    rows = np.arange(len(family))
    starts = np.append(True, family[1:] != family[:-1])
    for column in range(len(DOMAINS)):
        known = ~np.isnan(levels[:, column])
        source = np.maximum.accumulate(np.where(known | starts, rows, 0))
        levels[:, column] = levels[source, column]
    levels = np.where(np.isnan(levels), -1, levels).astype(int)
    overall = overall_rows(levels, rule)
    # A family's latest reading of each date (the highest id), the one in force from then on.
    last_of_date = np.append((family[1:] != family[:-1]) | (day[1:] != day[:-1]), True)
    families, dates = family[last_of_date], day[last_of_date]
    values: Any = np.column_stack([overall[last_of_date], levels[last_of_date]])  # -1: none
    ends = [min(end, as_of) for end in quarter_ends(dates.min().item(), as_of)]
    quarters = np.array(ends, dtype="datetime64[D]")
    last_of_family = np.append(families[1:] != families[:-1], True)
    until = np.where(last_of_family, np.datetime64("9999-12-31"), np.roll(dates, -1))
    first = np.searchsorted(quarters, dates, side="left")  # first quarter end on or after it
    stop = np.searchsorted(quarters, until, side="left")  # the next reading takes over there
    columns = ["overall", *DOMAINS]
    counts = np.zeros((len(quarters) + 1, len(columns), 4), dtype=int)
    for index in range(len(columns)):
        known = values[:, index] >= 0
        np.add.at(counts, (first[known], index, values[known, index]), 1)
        np.add.at(counts, (stop[known], index, values[known, index]), -1)
    counts = np.cumsum(counts, axis=0)[: len(quarters)]
    return [
        {
            "quarter_end": end,
            "counts": _named(counts[q, 0]),
            "total": int(counts[q, 0].sum()),
            "by_domain": {d: _named(counts[q, 1 + i]) for i, d in enumerate(DOMAINS)},
        }
        for q, end in enumerate(ends)
    ]


def domain_columns(domains: pd.Series) -> np.ndarray:
    """Each domain's column in DOMAINS (a region's 50 000 goals without a Python loop)."""
    codes = pd.Categorical(domains, categories=DOMAINS).codes.astype(np.int64)
    if (codes < 0).any():
        raise ValueError(f"unknown domain: {domains[codes < 0].iloc[0]!r}")
    columns: np.ndarray = codes
    return columns


def _named(counts: np.ndarray) -> dict[str, int]:
    return {LEVELS[i]: int(c) for i, c in enumerate(counts)}


def share_stable_or_better(prepared: Prepared, rule: str) -> dict[str, int]:
    now = overall_rows(prepared.current.astype(int), rule)
    assessed = now >= 0
    return {"families": int(assessed.sum()), "stable_or_sustainable": int((now >= 2).sum())}


def goals_met(prepared: Prepared, goals: pd.DataFrame) -> dict[str, int]:
    """Goals whose domain is at or above its target level at the valuation date."""
    if goals.empty:
        return {"goals": 0, "met": 0}
    rows = np.searchsorted(prepared.family_ids, goals["family_id"].to_numpy(np.int64))
    rows = np.minimum(rows, max(len(prepared.family_ids) - 1, 0))
    columns = domain_columns(goals["domain"])
    reached = prepared.current[rows, columns] >= goals["target_level"].to_numpy()
    return {"goals": len(goals), "met": int(reached.sum())}


def time_at_level(prepared: Prepared) -> dict[str, float]:
    """Family-years spent at each level, summed over domains and families."""
    years = prepared.days.sum(axis=(0, 1)) / 365.0
    return {LEVELS[i]: float(years[i]) for i in range(4)}


def sensitivity(prepared: Prepared, params: AssumptionParams) -> list[dict[str, Any]]:
    """Each parameter and each cost level moved −20 % and +20 %, one at a time: the resulting
    socioeconomic NPV, widest swing first (a tornado table). Each variant's NPV is
    socioeconomic_npv(evaluate(prepared, variant)) to the bit (velferdslab.benefits.variants:
    the parts the variants share are priced and summed once)."""
    npv = Npv(prepared, params)
    base = npv(params)
    rows = []
    for name, low, high in _variants(params):
        npv_low = npv(low)
        npv_high = npv(high)
        rows.append(
            {
                "parameter": name,
                "low": npv_low,
                "high": npv_high,
                "base": base,
                "swing": abs(npv_high - npv_low),
            }
        )
    return sorted(rows, key=lambda row: row["swing"], reverse=True)


def _variants(params: AssumptionParams) -> list[tuple[str, AssumptionParams, AssumptionParams]]:
    out = []
    for name in ("success_rate", "deadweight", "attribution", "drop_off", "tax_financing_cost"):
        value = getattr(params, name)
        # Shares stay shares: +20 % of a share is capped at 1.
        high = value * 1.2 if name == "tax_financing_cost" else min(1.0, value * 1.2)
        low = value * 0.8
        out.append((name, params.with_changes(**{name: low}), params.with_changes(**{name: high})))

    def rates(factor: float) -> tuple[tuple[int, float], ...]:
        return tuple((year, rate * factor) for year, rate in params.discount_schedule)

    out.append(
        (
            "discount_rate",
            params.with_changes(discount_schedule=rates(0.8)),
            params.with_changes(discount_schedule=rates(1.2)),
        )
    )
    for level_index, level in enumerate(LEVELS):
        out.append(
            (
                f"cost_{level}",
                _cost_scaled(params, level_index, 0.8),
                _cost_scaled(params, level_index, 1.2),
            )
        )
    return out


def _cost_scaled(params: AssumptionParams, level: int, factor: float) -> AssumptionParams:
    items = tuple(
        item.__class__(
            **{
                **item.__dict__,
                "annual_cost": tuple(
                    cost * factor if index == level else cost
                    for index, cost in enumerate(item.annual_cost)
                ),
            }
        )
        for item in params.cost_items
    )
    return params.with_changes(cost_items=items)
