"""From gross to net (benefit-model.md, "Lasting moves, the way from gross to net, …"): the NPVs
at T priced with the adjustments switched on one at a time, in the spec's order, from neutral
values. The first bar is the gross value, each later one what its parameter takes off (or
adds), and the last step's NPVs are the figures shown everywhere else, priced the same way.

Each adjustment is a scalar on an item's savings (k_i, s, the annuity of δ and r), so the
engine's per-family work is done once: per cost item, the sum over the families of the
undiscounted realised savings and of the yearly gap at T; each step then prices those sums. The
last bar is the engine's own pricing (`engine.evaluate`), so it equals the figure shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from velferdslab.benefits.discount import discount_factors
from velferdslab.benefits.engine import CATEGORIES, Prepared, Priced, evaluate, prepared_rows
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.results import npv_pair
from velferdslab.vocabulary import DOMAINS, Category

# (step, the assumption set's parameter it switches on); "discounting" sets every r(y).
STEPS: tuple[tuple[str, str], ...] = (
    ("deadweight", "deadweight"),
    ("attribution", "attribution"),
    ("success_rate", "success_rate"),
    ("drop_off", "drop_off"),
    ("optimism_bias", "optimism_bias"),
    ("discounting", "discount_schedule"),
)
GROSS = "gross"
FISCAL = CATEGORIES.index(Category.FISCAL)


def neutral(params: AssumptionParams) -> AssumptionParams:
    """The set with every adjustment of the waterfall off: w = α = δ = ob = 0, s = 1, r(y) = 0
    (the schedule's years kept, so the last step changes only the rates)."""
    return params.with_changes(
        deadweight=0.0,
        attribution=0.0,
        success_rate=1.0,
        drop_off=0.0,
        optimism_bias={grade: 0.0 for grade in params.optimism_bias},
        discount_schedule=tuple((year, 0.0) for year, _ in params.discount_schedule),
    )


def stepped_params(params: AssumptionParams) -> list[tuple[str, AssumptionParams]]:
    """The gross set, then each step's: the one before with one more parameter switched on."""
    current = neutral(params)
    out = [(GROSS, current)]
    for step, name in STEPS:
        current = current.with_changes(**{name: getattr(params, name)})
        out.append((step, current))
    return out


def _value(params: AssumptionParams, name: str) -> Any:
    if name == "discount_schedule":
        return [{"from_year": y, "rate": r} for y, r in params.discount_schedule]
    if name == "optimism_bias":
        return dict(params.optimism_bias)
    return getattr(params, name)


def _item_sums(prepared: Prepared, params: AssumptionParams, rows: np.ndarray) -> np.ndarray:
    """[item, 2]: Σ over the families of the undiscounted realised saving (Σ days · (cost(b) −
    cost(ℓ)) / 365) and of the yearly gap at T (cost(b) − cost(ℓ(T))), before any adjustment:
    engine.evaluate's own terms, summed."""
    sums = np.zeros((len(params.cost_items), 2))
    for index, item in enumerate(params.cost_items):
        column = DOMAINS.index(item.domain)
        assessed, base, now, total_days = (a[rows] for a in prepared.domain_arrays[column])
        cost = np.asarray(item.annual_cost, dtype=float)
        base_cost = np.where(assessed, cost[base], 0.0)
        saving_days = base_cost * total_days - prepared.days[rows, column, :] @ cost
        sums[index] = (
            saving_days.sum() / 365.0,
            np.where(assessed, base_cost - cost[now], 0).sum(),
        )
    return sums


def _npvs(sums: np.ndarray, params: AssumptionParams, spending: float) -> tuple[float, float]:
    """The fiscal and socioeconomic NPV of the item sums priced with one set."""
    discount = discount_factors(params.discount_schedule, params.horizon_years)
    annuity = float(np.sum((1 - params.drop_off) ** np.arange(params.horizon_years) * discount))
    by_category = np.zeros(len(CATEGORIES))
    for (realised, gap), item in zip(sums, params.cost_items, strict=True):
        k = params.adjustment(item)
        by_category[CATEGORIES.index(item.category)] += k * (
            realised + params.success_rate * gap * annuity
        )
    fiscal = by_category[FISCAL]
    others = by_category.sum() - fiscal
    lam = params.tax_financing_cost
    return float(fiscal - spending), float((1 + lam) * (fiscal - spending) + others)


def waterfall(
    prepared: Prepared,
    params: AssumptionParams,
    family_ids: Sequence[int] | None = None,
    priced: Priced | None = None,
) -> list[dict[str, Any]]:
    """The bars for the families given (all prepared when None): each with its parameter, value,
    source, amount (the change of the socioeconomic NPV; `fiscal_amount` of the fiscal NPV) and
    the fiscal and socioeconomic NPV after it. `priced`: the engine's pricing of `prepared` with
    `params`, when the caller has it (the last bar's figures)."""
    rows = prepared_rows(prepared, family_ids)
    sums = _item_sums(prepared, params, rows)
    spending = float(prepared.spending[rows].sum())
    stepped = stepped_params(params)
    figures = [_npvs(sums, step_params, spending) for _, step_params in stepped[:-1]]
    figures.append(npv_pair(priced or evaluate(prepared, params), family_ids))
    bars: list[dict[str, Any]] = []
    before = (0.0, 0.0)
    names = dict(STEPS)
    for (step, _), (fiscal, socio) in zip(stepped, figures, strict=True):
        name = names.get(step)
        bars.append(
            {
                "step": step,
                "parameter": name,
                "value": None if name is None else _value(params, name),
                "source": None if name is None else params.sources.get(name),
                "amount": socio - before[1],
                "fiscal_amount": fiscal - before[0],
                "fiscal_npv": fiscal,
                "socioeconomic_npv": socio,
            }
        )
        before = (fiscal, socio)
    return bars
