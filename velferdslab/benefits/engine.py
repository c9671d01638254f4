"""The gain computation of benefit-model.md, vectorised over any number of families.

Two stages: `prepare` turns the assessments into, per family and domain, the baseline level, the
level at the valuation date and the days spent at each level (the expensive part, independent of
the assumption set); `evaluate` prices that with one assumption set (cheap matrix algebra), so
the sensitivity table re-prices without re-reading trajectories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from velferdslab.benefits.discount import discount_factors
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.spending import approved_by
from velferdslab.vocabulary import DOMAINS, Category, Payer, values

CATEGORIES = values(Category)
PAYERS = values(Payer)


@dataclass(frozen=True)
class Prepared:
    family_ids: np.ndarray  # sorted, the row order of every array below
    baseline: np.ndarray  # [family, domain] level 0–3, or -1 when never assessed
    current: np.ndarray  # [family, domain] level at the valuation date, or -1
    days: np.ndarray  # [family, domain, level] days at each level up to the valuation date
    spending: np.ndarray  # [family] approved spending dated on or before the valuation date
    as_of: dt.date

    @cached_property
    def domain_arrays(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Per domain: assessed or not, the baseline and current levels as indices (0 where
        never assessed), the days in all: what every pricing of these families reads again."""
        out = []
        for column in range(len(DOMAINS)):
            base, now = self.baseline[:, column], self.current[:, column]
            out.append(
                (
                    base >= 0,
                    np.maximum(base, 0),
                    np.maximum(now, 0),
                    self.days[:, column, :].sum(axis=1),
                )
            )
        return out


# Per domain and cost vector, what evaluate computes before the assumption set's factors apply:
# the saving in days · cost and the gap at T, per family.
ItemArrays = dict[tuple[int, tuple[float, ...]], tuple[np.ndarray, np.ndarray]]


def _item_arrays(
    prepared: Prepared, column: int, costs: tuple[float, ...], kept: ItemArrays
) -> tuple[np.ndarray, np.ndarray]:
    found = kept.get((column, costs))
    if found is None:
        assessed, base, now, total_days = prepared.domain_arrays[column]
        cost = np.asarray(costs, dtype=float)
        days = prepared.days[:, column, :]
        base_cost = np.where(assessed, cost[base], 0.0)
        # Σ_segments days · (cost(b) − cost(ℓ)) = cost(b) · Σ days − Σ_ℓ days_ℓ · cost(ℓ)
        saving_days = base_cost * total_days - days @ cost
        gap = np.where(assessed, base_cost - cost[now], 0.0)
        found = kept[(column, costs)] = (saving_days, gap)
    return found


def _as_dates(values_: pd.Series) -> np.ndarray:
    dates: np.ndarray = pd.to_datetime(values_).to_numpy(dtype="datetime64[D]")
    return dates


def prepare(
    assessments: pd.DataFrame,
    expenditures: pd.DataFrame,
    as_of: dt.date,
    family_ids: Iterable[int] | None = None,
) -> Prepared:
    ids = _family_index(assessments, expenditures, family_ids)
    n = len(ids)
    baseline = np.full((n, len(DOMAINS)), -1, dtype=np.int8)
    current = np.full((n, len(DOMAINS)), -1, dtype=np.int8)
    days = np.zeros((n, len(DOMAINS), 4))
    readings = _readings_up_to(assessments, as_of)
    end = np.datetime64(as_of, "D").astype(np.int64)
    family = readings["family_id"].to_numpy(np.int64)
    dates = readings["assessed_on"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    levels = readings[list(DOMAINS)].to_numpy(dtype=float)
    position = np.searchsorted(ids, family)
    known = (position < len(ids)) & (ids[np.minimum(position, len(ids) - 1)] == family)
    for column in range(len(DOMAINS)):
        chosen = known & ~np.isnan(levels[:, column])
        _domain_segments(
            position[chosen], dates[chosen], levels[chosen, column].astype(np.int64), end,
            baseline[:, column], current[:, column], days[:, column, :],
        )  # fmt: skip
    return Prepared(ids, baseline, current, days, _spending(expenditures, ids, as_of), as_of)


def _family_index(
    assessments: pd.DataFrame, expenditures: pd.DataFrame, family_ids: Iterable[int] | None
) -> np.ndarray:
    if family_ids is not None:
        return np.unique(np.asarray(list(family_ids), dtype=np.int64))
    found = np.concatenate(
        [assessments["family_id"].to_numpy(np.int64), expenditures["family_id"].to_numpy(np.int64)]
    )
    return np.unique(found)


def _readings_up_to(assessments: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    frame = assessments.assign(assessed_on=_as_dates(assessments["assessed_on"]))
    frame = frame[frame["assessed_on"] <= np.datetime64(as_of, "D")]
    # Record order breaks ties: of two readings on one date, the later recorded wins.
    return frame.sort_values(["family_id", "assessed_on", "assessment_id"], kind="stable")


def _domain_segments(
    position: np.ndarray,
    dates: np.ndarray,
    level: np.ndarray,
    end: np.int64,
    baseline: np.ndarray,
    current: np.ndarray,
    days: np.ndarray,
) -> None:
    """One domain's readings, sorted by family, date and record order, as plain arrays."""
    if position.size == 0:
        return
    # Of two readings of a family on one date, the later recorded one wins.
    last_of_date = np.append((position[1:] != position[:-1]) | (dates[1:] != dates[:-1]), True)
    position, dates, level = position[last_of_date], dates[last_of_date], level[last_of_date]
    last = np.append(position[1:] != position[:-1], True)
    first = np.insert(position[1:] != position[:-1], 0, True)
    # Each reading's segment runs to the next reading of the domain, the last one to T.
    following = np.append(dates[1:], end)
    following[last] = end
    np.add.at(days, (position, level), (following - dates).astype(float))
    baseline[position[first]] = level[first]
    current[position[last]] = level[last]


def _spending(expenditures: pd.DataFrame, ids: np.ndarray, as_of: dt.date) -> np.ndarray:
    total = np.zeros(len(ids))
    if expenditures.empty:
        return total
    dates = _as_dates(expenditures["spent_on"])
    chosen = approved_by(expenditures["status"].to_numpy(), dates, as_of)
    family = expenditures["family_id"].to_numpy(np.int64)[chosen]
    amount = expenditures["amount"].to_numpy(float)[chosen]
    position = np.searchsorted(ids, family)
    keep = (position < len(ids)) & (ids[np.minimum(position, len(ids) - 1)] == family)
    np.add.at(total, position[keep], amount[keep])
    return total


@dataclass(frozen=True)
class Priced:
    """The prepared families priced with one assumption set: arrays indexed [family, …]."""

    prepared: Prepared
    params: AssumptionParams
    realised: np.ndarray  # [family, category, payer]
    projected_pv: np.ndarray  # [family, category, payer]
    fiscal_first_year: np.ndarray  # [family] undiscounted projected fiscal saving in year 1
    discount: np.ndarray  # DF(1..H)


def annuity(params: AssumptionParams, discount: np.ndarray | None = None) -> float:
    """Σ fade · DF over the horizon: what a year's gap is worth ahead (the projected savings);
    `discount`, the horizon's discount factors, when the caller has them already."""
    if discount is None:
        discount = discount_factors(params.discount_schedule, params.horizon_years)
    fade = (1 - params.drop_off) ** np.arange(params.horizon_years)
    return float(np.sum(fade * discount))


def evaluate(
    prepared: Prepared, params: AssumptionParams, kept: ItemArrays | None = None
) -> Priced:
    """The prepared families priced with `params`. `kept` (a dict, empty at first) keeps the
    per-family arrays that depend on the costs alone between pricings of the same families:
    the sensitivity table prices 25 variants, most of them with the same costs."""
    kept = {} if kept is None else kept
    n = len(prepared.family_ids)
    realised = np.zeros((n, len(CATEGORIES), len(PAYERS)))
    projected = np.zeros_like(realised)
    fiscal_first_year = np.zeros(n)
    discount = discount_factors(params.discount_schedule, params.horizon_years)
    factor = annuity(params, discount)
    for item in params.cost_items:
        column = DOMAINS.index(item.domain)
        costs = tuple(map(float, item.annual_cost))
        saving_days, gap = _item_arrays(prepared, column, costs, kept)
        k = params.adjustment(item)
        where = (CATEGORIES.index(item.category), PAYERS.index(item.payer))
        realised[:, where[0], where[1]] += k * saving_days / 365.0
        projected[:, where[0], where[1]] += k * params.success_rate * gap * factor
        if item.category == Category.FISCAL:
            fiscal_first_year += k * params.success_rate * gap
    return Priced(prepared, params, realised, projected, fiscal_first_year, discount)


def compute(
    assessments: pd.DataFrame,
    expenditures: pd.DataFrame,
    params: AssumptionParams,
    as_of: dt.date,
    family_ids: Iterable[int] | None = None,
) -> Priced:
    return evaluate(prepare(assessments, expenditures, as_of, family_ids), params)


def rows_of(priced: Priced, family_ids: Sequence[int] | None) -> np.ndarray:
    return prepared_rows(priced.prepared, family_ids)


def prepared_rows(prepared: Prepared, family_ids: Sequence[int] | None) -> np.ndarray:
    ids = prepared.family_ids
    if family_ids is None:
        return np.arange(len(ids))
    wanted = np.asarray(list(family_ids), dtype=np.int64)
    position = np.searchsorted(ids, wanted)
    found = (position < len(ids)) & (ids[np.minimum(position, len(ids) - 1)] == wanted)
    return np.asarray(position[found])
