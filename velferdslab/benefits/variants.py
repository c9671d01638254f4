"""The socioeconomic NPV of many pricings of the same families (the sensitivity table's 25),
each equal to the bit to `results.socioeconomic_npv(engine.evaluate(prepared, variant))`.

A pricing's per-family arrays are sums over the cost items in their order: the realised savings
depend on each item's costs and adjustment k alone, the projected ones also on the success rate
and the annuity. Of the 25 pricings only 13 move what the realised arrays depend on and 19 what
the projected ones do (the tax financing cost moves neither), so each distinct array is made and
summed over the families once, with the very operations `evaluate` uses in the same order (the
same bits), and the sums are combined as `results._totals` combines them. A variant that moves
the costs uses its own cost arrays, dropped after it: at most one set besides the base costs'
is held at a time."""

from __future__ import annotations

import numpy as np

from velferdslab.benefits.engine import (
    CATEGORIES,
    PAYERS,
    ItemArrays,
    Prepared,
    _item_arrays,
    annuity,
)
from velferdslab.benefits.params import AssumptionParams
from velferdslab.benefits.results import _socioeconomic
from velferdslab.vocabulary import DOMAINS

# Per cost item: domain column, costs, k, category and payer index — all a per-family array of
# a pricing depends on besides the success rate and the annuity.
Items = tuple[tuple[int, tuple[float, ...], float, int, int], ...]


def _items(params: AssumptionParams) -> Items:
    return tuple(
        (
            DOMAINS.index(item.domain),
            tuple(map(float, item.annual_cost)),
            params.adjustment(item),
            CATEGORIES.index(item.category),
            PAYERS.index(item.payer),
        )
        for item in params.cost_items
    )


class Npv:
    """npv(variant) = socioeconomic_npv(evaluate(prepared, variant)), to the bit."""

    def __init__(self, prepared: Prepared, base: AssumptionParams) -> None:
        self.prepared = prepared
        self.base_costs = tuple(item[:2] for item in _items(base))
        self.kept: ItemArrays = {}  # the base costs' arrays, shared by most variants
        n = len(prepared.family_ids)
        self.shape = (n, len(CATEGORIES), len(PAYERS))
        # results._totals over every family: the spending summed in place.
        self.spending = float(prepared.spending.sum())
        self.realised: dict[Items, np.ndarray] = {}  # [category, payer] sums over the families
        self.projected: dict[tuple[Items, float, float], np.ndarray] = {}

    def __call__(self, params: AssumptionParams) -> float:
        items = _items(params)
        same = tuple(item[:2] for item in items) == self.base_costs
        arrays = self.kept if same else dict(self.kept)  # a moved cost's arrays: this one only
        realised = self.realised.get(items)
        if realised is None:
            realised = self.realised[items] = self._realised(items, arrays)
        key = (items, params.success_rate, annuity(params))
        projected = self.projected.get(key)
        if projected is None:
            projected = self.projected[key] = self._projected(items, arrays, *key[1:])
        fiscal, economic, social = ((realised + projected)[i].sum() for i in range(3))
        lam = params.tax_financing_cost
        return _socioeconomic(lam, self.spending, fiscal, economic, social)

    def _realised(self, items: Items, arrays: ItemArrays) -> np.ndarray:
        realised = np.zeros(self.shape)
        for column, costs, k, category, payer in items:
            saving_days, _gap = _item_arrays(self.prepared, column, costs, arrays)
            realised[:, category, payer] += k * saving_days / 365.0
        summed: np.ndarray = realised.sum(axis=0)
        return summed

    def _projected(
        self, items: Items, arrays: ItemArrays, success_rate: float, annuity: float
    ) -> np.ndarray:
        projected = np.zeros(self.shape)
        for column, costs, k, category, payer in items:
            _saving_days, gap = _item_arrays(self.prepared, column, costs, arrays)
            projected[:, category, payer] += k * success_rate * gap * annuity
        summed: np.ndarray = projected.sum(axis=0)
        return summed
