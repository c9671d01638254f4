"""The difference in differences of the share at stable or better, lab against a comparison
cohort, baseline quarter against a later quarter, with a 90 % interval by bootstrap over
families. Pure: plain arrays in, plain data out (no Flask, no session).

A family's overall level at a quarter end is the engine's rule (velferdslab.benefits.levels)
over its domains carried forward to the last reading on or before that day. The estimate is
read on the families with a reading by the baseline quarter end (a panel: each family
counts at both quarters, concluded and withdrawn ones with their last reading):

    DiD = (lab share at later − lab share at baseline) − (cohort's later − cohort's baseline)

Bootstrap: families are drawn with replacement within each group, 1 000 times. A group's
change in share is the mean of each family's change d ∈ {−1, 0, +1}, so a resample's value
depends only on how many of each kind of family it drew: those counts are multinomial with
the observed frequencies. Drawing the counts (one NumPy call for all draws) is the same
bootstrap as drawing family indices, in microseconds instead of 20 000 × 1 000 indices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from velferdslab.benefits.levels import UNASSESSED, overall_rows

STABLE = 2  # the level number of "stable"; stable or better is 2 or 3
DRAWS = 1000
SEED = 28  # a fixed seed: the same data give the same interval on every page and report
LEVEL = 0.90


@dataclass(frozen=True)
class Readings:
    """A group's readings as arrays: a family code per row, its date, its levels per domain
    (−1 where not read)."""

    family: np.ndarray  # int64
    day: np.ndarray  # datetime64[D]
    levels: np.ndarray  # int [rows, domains]

    @classmethod
    def empty(cls, domains: int) -> Readings:
        return cls(
            np.zeros(0, np.int64),
            np.zeros(0, "datetime64[D]"),
            np.zeros((0, domains), int),
        )


def quarter_levels(readings: Readings, quarters: Sequence[dt.date], rule: str) -> np.ndarray:
    """[family, quarter] the overall level at each quarter end, −1 before a family's first
    reading; families in the order of their codes (np.unique)."""
    codes, family = np.unique(readings.family, return_inverse=True)
    if not len(codes):
        return np.zeros((0, len(quarters)), int)
    order = np.lexsort((readings.day, family))
    family, day = family[order], readings.day[order]
    levels = readings.levels[order].astype(int)
    rows = np.arange(len(family))
    starts = np.append(True, family[1:] != family[:-1])
    for column in range(levels.shape[1]):
        # Each domain's last level carried forward, never past the family's first row.
        known = (levels[:, column] >= 0) | starts
        source = np.maximum.accumulate(np.where(known, rows, 0))
        levels[:, column] = levels[source, column]
    overall = overall_rows(levels, rule)
    ends = np.array(quarters, dtype="datetime64[D]")
    result = np.full((len(codes), len(ends)), UNASSESSED, dtype=int)
    # The reading in force at a quarter end: the family's last one on or before it. Rows are
    # sorted by family then day, so a search of (family, day) keys finds it for all at once.
    span = np.int64(1 << 20)  # days fit well below 2^20 from the epoch until the year 4840
    keys = family.astype(np.int64) * span + day.astype(np.int64)
    for q, end in enumerate(ends):
        wanted = np.arange(len(codes), dtype=np.int64) * span + end.astype(np.int64)
        at = np.searchsorted(keys, wanted, side="right") - 1
        mine = (at >= 0) & (family[np.maximum(at, 0)] == np.arange(len(codes)))
        result[mine, q] = overall[at[mine]]
    return result


@dataclass(frozen=True)
class GroupChange:
    families: int
    baseline_share: float
    later_share: float

    @property
    def change(self) -> float:
        return self.later_share - self.baseline_share


@dataclass(frozen=True)
class Estimate:
    """The DiD in shares (0.12 = 12 percentage points) and its interval."""

    lab: GroupChange
    cohort: GroupChange
    effect: float
    low: float
    high: float
    draws: int
    seed: int
    level: float = LEVEL


def panel_changes(at_baseline: np.ndarray, at_later: np.ndarray) -> np.ndarray:
    """Each family's change in "stable or better" (−1, 0, +1), for the families with a level
    at the baseline (the panel); a family without a later level keeps its baseline one."""
    present = at_baseline >= 0
    base = at_baseline[present] >= STABLE
    later_levels = np.where(at_later[present] >= 0, at_later[present], at_baseline[present])
    changes: np.ndarray = (later_levels >= STABLE).astype(int) - base.astype(int)
    return changes


def _group(at_baseline: np.ndarray, at_later: np.ndarray) -> tuple[GroupChange, np.ndarray]:
    present = at_baseline >= 0
    changes = panel_changes(at_baseline, at_later)
    base = float(np.mean(at_baseline[present] >= STABLE)) if present.any() else 0.0
    return GroupChange(
        int(present.sum()), base, base + float(changes.mean()) if len(changes) else 0.0
    ), changes


def bootstrap_means(changes: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """The mean change of `draws` resamples of the families with replacement (see the module's
    docstring: the counts of each kind of change are multinomial)."""
    kinds, counts = np.unique(changes, return_counts=True)
    drawn = rng.multinomial(len(changes), counts / len(changes), size=draws)
    means: np.ndarray = np.asarray(drawn @ kinds / len(changes), dtype=float)
    return means


def difference_in_differences(
    lab: tuple[np.ndarray, np.ndarray],
    cohort: tuple[np.ndarray, np.ndarray],
    *,
    draws: int = DRAWS,
    seed: int = SEED,
    level: float = LEVEL,
) -> Estimate | None:
    """The estimate from each group's levels at (baseline, later) per family, or None when a
    group has no family at the baseline."""
    lab_change, lab_d = _group(*lab)
    cohort_change, cohort_d = _group(*cohort)
    if not len(lab_d) or not len(cohort_d):
        return None
    rng = np.random.default_rng(seed)
    spread = bootstrap_means(lab_d, draws, rng) - bootstrap_means(cohort_d, draws, rng)
    tail = (1 - level) / 2
    low, high = np.quantile(spread, [tail, 1 - tail])
    return Estimate(
        lab=lab_change,
        cohort=cohort_change,
        effect=lab_change.change - cohort_change.change,
        low=float(low),
        high=float(high),
        draws=draws,
        seed=seed,
        level=level,
    )


def shares(levels: np.ndarray) -> tuple[list[int], list[float | None]]:
    """Per quarter: the families with a level, and the share of them at stable or better."""
    counted = (levels >= 0).sum(axis=0)
    stable = (levels >= STABLE).sum(axis=0)
    return (
        [int(n) for n in counted],
        [float(s / n) if n else None for s, n in zip(stable, counted, strict=True)],
    )
