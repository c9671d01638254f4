"""Discount factors after R-109: a stepwise declining real rate."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np


def rate_for_year(schedule: Sequence[tuple[int, float]], year: int) -> float:
    """r(y): the rate of the last schedule entry whose from_year ≤ y."""
    return [rate for start, rate in schedule if start <= year][-1]


def discount_factors(schedule: Sequence[tuple[int, float]], horizon: int) -> np.ndarray:
    """DF(1..H) with DF(n) = Π_{y=1..n} 1 / (1 + r(y)). Read-only: the same few schedules are
    asked for on every pricing (the sensitivity table prices 25 times), so each is made once."""
    return _factors(tuple((int(start), float(rate)) for start, rate in schedule), horizon)


@lru_cache(maxsize=64)
def _factors(schedule: tuple[tuple[int, float], ...], horizon: int) -> np.ndarray:
    rates = np.array([rate_for_year(schedule, year) for year in range(1, horizon + 1)])
    factors = np.cumprod(1.0 / (1.0 + rates)) if horizon else np.zeros(0)
    factors.flags.writeable = False
    return factors
