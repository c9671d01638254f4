"""Figures of benefit-model.md for one family or summed over any set of families."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from velferdslab.benefits.engine import CATEGORIES, PAYERS, Priced, rows_of
from velferdslab.benefits.levels import overall
from velferdslab.vocabulary import DOMAINS, LEVELS


def payback_years(
    realised_fiscal: float, first_year: float, drop_off: float, horizon: int, spending: float
) -> int | None:
    """The smallest n ≥ 0 with R_fiscal + Σ_{m=1..n} P_fiscal(m) ≥ K, undiscounted."""
    if spending == 0:
        return 0
    cumulative = realised_fiscal
    if cumulative >= spending:
        return 0
    for year in range(1, horizon + 1):
        cumulative += first_year * (1 - drop_off) ** (year - 1)
        if cumulative >= spending:
            return year
    return None


def _by_category(matrix: np.ndarray) -> dict[str, float]:
    totals = {category: float(matrix[i].sum()) for i, category in enumerate(CATEGORIES)}
    return {**totals, "total": float(matrix.sum())}


def _totals(
    priced: Priced, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float, Any, Any, Any]:
    """Realised and projected [category, payer] sums, spending, and the three categories."""
    every = len(rows) == len(priced.realised) and bool((rows == np.arange(len(rows))).all())
    # All families (a portfolio): summed in place, the same sums without copying the arrays.
    realised = (priced.realised if every else priced.realised[rows]).sum(axis=0)
    projected = (priced.projected_pv if every else priced.projected_pv[rows]).sum(axis=0)
    spending = float((priced.prepared.spending if every else priced.prepared.spending[rows]).sum())
    fiscal, economic, social = ((realised + projected)[i].sum() for i in range(3))
    return realised, projected, spending, fiscal, economic, social


def _socioeconomic(lam: float, spending: float, fiscal: Any, economic: Any, social: Any) -> float:
    return float((1 + lam) * (fiscal - spending) + economic + social)


def socioeconomic_npv(priced: Priced, family_ids: Sequence[int] | None = None) -> float:
    """summarise(…)["socioeconomic_npv"] alone: the sensitivity table prices 25 times."""
    _, _, spending, fiscal, economic, social = _totals(priced, rows_of(priced, family_ids))
    return _socioeconomic(priced.params.tax_financing_cost, spending, fiscal, economic, social)


def npv_pair(priced: Priced, family_ids: Sequence[int] | None = None) -> tuple[float, float]:
    """summarise(…)'s fiscal_npv and socioeconomic_npv alone, by the same sums."""
    _, _, spending, fiscal, economic, social = _totals(priced, rows_of(priced, family_ids))
    lam = priced.params.tax_financing_cost
    return float(fiscal - spending), _socioeconomic(lam, spending, fiscal, economic, social)


def summarise(priced: Priced, family_ids: Sequence[int] | None = None) -> dict[str, Any]:
    rows = rows_of(priced, family_ids)
    params = priced.params
    realised, projected, spending, fiscal, economic, social = _totals(priced, rows)
    lam = params.tax_financing_cost
    return {
        "family_count": len(rows),
        "realised": _by_category(realised),
        "projected_pv": _by_category(projected),
        "by_payer": {
            payer: {
                "realised": float(realised[:, j].sum()),
                "projected_pv": float(projected[:, j].sum()),
                "total": float(realised[:, j].sum() + projected[:, j].sum()),
            }
            for j, payer in enumerate(PAYERS)
        },
        "by_category_and_payer": [
            {
                "category": category,
                "payer": payer,
                "realised": float(realised[i, j]),
                "projected_pv": float(projected[i, j]),
            }
            for i, category in enumerate(CATEGORIES)
            for j, payer in enumerate(PAYERS)
            if realised[i, j] or projected[i, j]
        ],
        "spending": spending,
        "fiscal_npv": float(fiscal - spending),
        "socioeconomic_npv": _socioeconomic(lam, spending, fiscal, economic, social),
        "fiscal_bcr": None if spending == 0 else float(fiscal / spending),
        "socioeconomic_bcr": (
            None
            if spending == 0
            else float(((1 + lam) * fiscal + economic + social) / ((1 + lam) * spending))
        ),
        "payback_years": payback_years(
            float(realised[0].sum()),
            float(priced.fiscal_first_year[rows].sum()),
            params.drop_off,
            params.horizon_years,
            spending,
        ),
    }


def family_summary(priced: Priced, family_id: int) -> dict[str, Any]:
    summary = summarise(priced, [family_id])
    rows = rows_of(priced, [family_id])
    if len(rows) == 0:
        base = now = np.full(len(DOMAINS), -1)
    else:
        base, now = priced.prepared.baseline[rows[0]], priced.prepared.current[rows[0]]

    def names(levels: np.ndarray) -> dict[str, str | None]:
        return {d: LEVELS[int(v)] if v >= 0 else None for d, v in zip(DOMAINS, levels, strict=True)}

    rule = priced.params.overall_rule
    base_overall, now_overall = overall(base, rule), overall(now, rule)
    return {
        **summary,
        "baseline": names(base),
        "current": names(now),
        "baseline_overall": None if base_overall is None else LEVELS[base_overall],
        "current_overall": None if now_overall is None else LEVELS[now_overall],
    }


def round_money(figures: Any) -> Any:
    """Two decimals for money and six for ratios, at presentation only."""
    if isinstance(figures, dict):
        return {
            key: (
                round(value, 6)
                if key.endswith("_bcr") and value is not None
                else round_money(value)
            )
            for key, value in figures.items()
        }
    if isinstance(figures, list):
        return [round_money(value) for value in figures]
    if isinstance(figures, float):
        return round(figures, 2)
    return figures
