"""The difference in differences and its bootstrap interval (velferdslab.evidence.did)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from velferdslab.evidence.did import (
    Readings,
    bootstrap_means,
    difference_in_differences,
    quarter_levels,
)

Q1, Q2, Q3 = dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30)


def levels_of(overall: list[int]) -> np.ndarray:
    return np.array(overall)


def test_a_small_did_by_hand() -> None:
    # Lab: 4 families; at baseline 1 of 4 stable or better, later 3 of 4: +50 points.
    lab = (levels_of([0, 1, 2, 1]), levels_of([2, 3, 2, 1]))
    # Cohort: 5 families; 1 of 5 at baseline, 2 of 5 later: +20 points.
    cohort = (levels_of([1, 2, 0, 0, 1]), levels_of([2, 2, 0, 1, 1]))
    estimate = difference_in_differences(lab, cohort)
    assert estimate is not None
    assert estimate.lab.baseline_share == 0.25 and estimate.lab.later_share == 0.75
    assert estimate.cohort.baseline_share == 0.2 and abs(estimate.cohort.later_share - 0.4) < 1e-12
    assert abs(estimate.effect - 0.30) < 1e-12
    assert estimate.low <= estimate.effect <= estimate.high


def test_a_family_without_a_later_reading_keeps_its_last_one_and_later_comers_are_left_out() -> (
    None
):
    # The third lab family has no level later (kept at 2); the fourth none at baseline (out).
    lab = (levels_of([0, 0, 2, -1]), levels_of([2, -1, -1, 3]))
    cohort = (levels_of([0, 0, 0, 0, 0]), levels_of([0, 0, 0, 0, 0]))
    estimate = difference_in_differences(lab, cohort)
    assert estimate is not None
    assert estimate.lab.families == 3
    assert abs(estimate.lab.change - 1 / 3) < 1e-12


def test_the_interval_is_reproducible_with_its_seed_and_moves_with_another() -> None:
    rng = np.random.default_rng(5)
    lab = (rng.integers(0, 4, 300), rng.integers(0, 4, 300))
    cohort = (rng.integers(0, 4, 300), rng.integers(0, 4, 300))
    first = difference_in_differences(lab, cohort, seed=7)
    again = difference_in_differences(lab, cohort, seed=7)
    other = difference_in_differences(lab, cohort, seed=8)
    assert first == again
    assert (
        other is not None
        and first is not None
        and (other.low, other.high)
        != (
            first.low,
            first.high,
        )
    )


def _simulate(rng: np.random.Generator, effect: float, n: int = 300) -> tuple[bool, bool]:
    """Both groups start near 30 % stable; the cohort gains 10 points by itself (the trend the
    lab shares), the lab that plus `effect`. Whether the interval holds the effect, and 0."""

    def group(gain: float) -> tuple[np.ndarray, np.ndarray]:
        start = rng.random(n) < 0.30
        # Of those below stable, enough reach it to add `gain` to the share on average.
        reach = rng.random(n) < gain / 0.70
        later = start | reach
        return np.where(start, 2, 1), np.where(later, 2, 1)

    estimate = difference_in_differences(
        group(0.10 + effect), group(0.10), seed=int(rng.integers(1 << 30))
    )
    assert estimate is not None
    return estimate.low <= effect <= estimate.high, estimate.low <= 0 <= estimate.high


def test_a_known_effect_lies_in_its_90_percent_interval_in_at_least_85_of_100_simulations() -> None:
    rng = np.random.default_rng(2028)
    held = [_simulate(rng, 0.15) for _ in range(100)]
    assert sum(effect for effect, _zero in held) >= 85
    # And the interval is informative: an effect of 15 points is told from none most times.
    assert sum(not zero for _effect, zero in held) >= 80


def test_with_no_effect_the_interval_covers_zero_in_at_least_85_of_100_simulations() -> None:
    rng = np.random.default_rng(2029)
    assert sum(zero for _effect, zero in (_simulate(rng, 0.0) for _ in range(100))) >= 85


def test_drawing_counts_is_the_same_bootstrap_as_drawing_families() -> None:
    changes = np.array([-1] * 30 + [0] * 140 + [1] * 80)
    fast = bootstrap_means(changes, 20_000, np.random.default_rng(1))
    rng = np.random.default_rng(2)
    naive = changes[rng.integers(0, len(changes), (20_000, len(changes)))].mean(axis=1)
    assert abs(fast.mean() - naive.mean()) < 0.002
    assert abs(fast.std() - naive.std()) < 0.002
    for q in (0.05, 0.95):
        assert abs(np.quantile(fast, q) - np.quantile(naive, q)) < 0.006


def test_levels_at_quarter_ends_carry_each_domain_forward_under_the_rule() -> None:
    day = np.array(["2025-02-01", "2025-05-01", "2025-08-01", "2025-04-01"], dtype="datetime64[D]")
    levels = np.full((4, 7), -1)
    levels[0, :2] = [1, 3]  # family 10: housing exposed, work sustainable
    levels[1, 0] = 2  # housing stable; work carried forward
    levels[2, 1] = 0  # work unsustainable
    levels[3, :] = 3  # family 20: everything sustainable, first read in Q2
    result = quarter_levels(
        Readings(np.array([10, 10, 10, 20]), day, levels), [Q1, Q2, Q3], "lowest"
    )
    assert result.tolist() == [[1, 2, 0], [-1, 3, 3]]
    median = quarter_levels(Readings(np.array([10, 10, 10, 20]), day, levels), [Q2], "median")
    assert median.tolist() == [[2], [3]]
