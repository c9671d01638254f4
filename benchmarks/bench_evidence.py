"""How long the comparison cohort's estimate takes (issue 28, bar: the DiD with 1 000 bootstrap
draws over 20 000 + 20 000 families ≤ 2 s).

Two synthetic groups of 20 000 families each, 8 readings per family over two years in seven
domains (a fifth of the domains unread at each reading, carried forward). Timed, median of runs:

- `estimate`: the difference in differences with its 90 % interval, 1 000 draws, on the two
  panels (velferdslab.evidence.did.difference_in_differences);
- `from readings`: the same from the raw readings: each family's overall level at every quarter
  end (did.quarter_levels, the engine's rule), then the estimate — what the service does after
  reading the tables;
- `naive`: for scale, the textbook bootstrap that draws 20 000 family indices per group and draw
  (in chunks of 50 draws to bound memory), with the same panels.

- with `--url` (a database holding W-national: 20 000 families in 40 municipalities; add
  `--generate` to load it first), end to end from the tables: a 20 000-family cohort of 8
  readings each is stored, then `estimate_for` over the 40 municipalities is timed (reading
  both groups' readings, quarter levels, the estimate and the suppressed series).

    python benchmarks/bench_evidence.py [--families N] [--draws D] [--runs R]
    python benchmarks/bench_evidence.py --url $URL [--generate]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable

import numpy as np

from velferdslab.evidence.did import Readings, difference_in_differences, quarter_levels
from velferdslab.evidence.services import quarter_ends_between

READINGS_PER_FAMILY = 8


def synthetic(rng: np.random.Generator, families: int, lift: float) -> Readings:
    family = np.repeat(np.arange(families, dtype=np.int64), READINGS_PER_FAMILY)
    start = np.datetime64("2024-01-01") + rng.integers(0, 60, families)
    offsets = np.tile(np.arange(READINGS_PER_FAMILY) * 90, families)
    day = (np.repeat(start, READINGS_PER_FAMILY) + offsets).astype("datetime64[D]")
    step = np.tile(np.arange(READINGS_PER_FAMILY), families)[:, None]
    base = rng.integers(0, 3, (families * READINGS_PER_FAMILY, 7))
    levels = np.clip(base + (rng.random(base.shape) < lift * step / 8), 0, 3)
    levels[rng.random(levels.shape) < 0.2] = -1
    return Readings(family, day, levels)


def naive(lab: tuple[np.ndarray, np.ndarray], cohort: tuple[np.ndarray, np.ndarray],
          draws: int) -> tuple[float, float]:  # fmt: skip
    rng = np.random.default_rng(1)

    def changes(group: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        present = group[0] >= 0
        later = np.where(group[1] >= 0, group[1], group[0])[present]
        return (later >= 2).astype(float) - (group[0][present] >= 2)

    lab_d, cohort_d = changes(lab), changes(cohort)
    spread = []
    for _ in range(0, draws, 50):
        picks = [d[rng.integers(0, len(d), (50, len(d)))].mean(axis=1) for d in (lab_d, cohort_d)]
        spread.append(picks[0] - picks[1])
    low, high = np.quantile(np.concatenate(spread), [0.05, 0.95])
    return float(low), float(high)


def timed(function: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--url")
    parser.add_argument("--generate", action="store_true")
    args = parser.parse_args()
    if args.url:
        from_tables(args.url, args.generate, args.runs)
        return
    rng = np.random.default_rng(2028)
    lab_readings = synthetic(rng, args.families, 0.8)
    cohort_readings = synthetic(rng, args.families, 0.4)
    quarters = quarter_ends_between(dt.date(2024, 3, 31), dt.date(2025, 12, 31))

    def from_readings() -> object:
        lab = quarter_levels(lab_readings, quarters, "lowest")
        cohort = quarter_levels(cohort_readings, quarters, "lowest")
        return difference_in_differences((lab[:, 0], lab[:, -1]), (cohort[:, 0], cohort[:, -1]),
                                         draws=args.draws)  # fmt: skip

    lab = quarter_levels(lab_readings, quarters, "lowest")
    cohort = quarter_levels(cohort_readings, quarters, "lowest")
    panels = ((lab[:, 0], lab[:, -1]), (cohort[:, 0], cohort[:, -1]))
    estimate = difference_in_differences(*panels, draws=args.draws)
    assert estimate is not None
    print(f"load average {os.getloadavg()[0]:.1f}; {args.families} + {args.families} families, "
          f"{len(lab_readings.family) + len(cohort_readings.family)} readings, "
          f"{len(quarters)} quarter ends, {args.draws} draws")  # fmt: skip
    print(f"effect {estimate.effect:+.4f}, 90 % interval [{estimate.low:+.4f}, "
          f"{estimate.high:+.4f}]")  # fmt: skip
    alone, alone_runs = timed(lambda: difference_in_differences(*panels, draws=args.draws),
                              args.runs)  # fmt: skip
    full, full_runs = timed(from_readings, args.runs)
    slow, slow_runs = timed(lambda: naive(*panels, draws=args.draws), max(1, args.runs // 2))
    print(f"estimate       {alone:.4f} s  {[round(t, 4) for t in alone_runs]}")
    print(f"from readings  {full:.4f} s  {[round(t, 4) for t in full_runs]}  (bar ≤ 2 s)")
    print(f"naive indices  {slow:.4f} s  {[round(t, 4) for t in slow_runs]}  "
          f"({slow / alone:.0f}× the estimate)")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f}")


def from_tables(url: str, generate: bool, runs: int) -> None:
    from sqlalchemy import create_engine, delete, insert, select
    from sqlalchemy.orm import Session

    import velferdslab.models  # noqa: F401  (every mapper, before the first query)
    from velferdslab.evidence.estimate import estimate_for, overall_rule
    from velferdslab.evidence.models import CohortReading, ComparisonCohort
    from velferdslab.municipalities.models import Municipality
    from velferdslab.users.models import User
    from velferdslab.vocabulary import DOMAINS

    if generate:
        from benchmarks.bench_engine import generate as national

        national(url)
    engine = create_engine(url)
    rng = np.random.default_rng(7)
    with Session(engine) as session:
        municipalities = list(session.scalars(select(Municipality.id)))
        user = session.scalars(select(User.id)).first()
        session.execute(delete(ComparisonCohort))
        cohort = ComparisonCohort(municipality_id=municipalities[0], name="bench", file_name="-",
                                  sha256="-", families=20_000, created_by=user)  # fmt: skip
        session.add(cohort)
        session.flush()
        readings = synthetic(rng, 20_000, 0.4)
        rows = []
        for f, day, levels in zip(readings.family, readings.day, readings.levels, strict=True):
            shown = {
                f"level_{d}": None if v < 0 else int(v)
                for d, v in zip(DOMAINS, levels, strict=True)
            }
            rows.append({"cohort_id": cohort.id, "reference": f"K{f}", "assessed_on": day.item(),
                         **shown})  # fmt: skip
        session.execute(insert(CohortReading), rows)
        session.commit()
        rule = overall_rule(session)
        as_of = dt.date(2026, 1, 15)

        def run() -> object:
            return estimate_for(session, municipalities, as_of, rule)

        evidence = run()
        assert evidence.estimate is not None, evidence.reason
        print(f"load average {os.getloadavg()[0]:.1f}; lab {evidence.estimate.lab.families} "
              f"families at the baseline, cohort {evidence.estimate.cohort.families}; "
              f"{len(evidence.series)} quarter ends")  # fmt: skip
        median, times = timed(run, runs)
        print(f"estimate_for from the tables  {median:.3f} s  {[round(t, 3) for t in times]}")
        print(f"load average {os.getloadavg()[0]:.1f}")
        session.execute(delete(ComparisonCohort).where(ComparisonCohort.id == cohort.id))
        session.commit()


if __name__ == "__main__":
    main()
