"""A mission over W-national (20 000 families in 40 municipalities, 17 quarter ends): its
progress and the forecast at the deadline for a regional leader, ≤ 1 s cold and ≤ 50 ms kept.

    python benchmarks/bench_missions.py --url URL [--runs N]

--url holds W-national (benchmarks/bench_generate.py). The mission counts every municipality:
share at stable or better, from 10 % on the first day of the data to 60 % by 31.12.2030.
Cold: the worker's kept figures emptied before each run (the tables read, counted, suppressed);
kept: the same call again (the data's fingerprint, then the kept figures). Prints the first cold
run and the median of the rest; and, in the same minutes, reading the portfolio's tables for
the same families (velferdslab.gains.data, COPY into pandas: 0.74 s on a quiet machine, see
docs/performance.md P1), so that a loaded machine's figures can be read as a ratio. Exits
non-zero only when a bar is missed by twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time

BARS = {"cold": 1.0, "kept": 0.05}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from sqlalchemy import func, select

    from velferdslab.app import create_app
    from velferdslab.assessments.models import Assessment
    from velferdslab.extensions import db
    from velferdslab.families.models import Family
    from velferdslab.gains.data import load_engine_input
    from velferdslab.missions import data, services
    from velferdslab.missions.models import Mission, MissionMunicipality, MissionTarget
    from velferdslab.municipalities.models import Municipality
    from velferdslab.users.models import User

    app = create_app({"DATABASE_URL": args.url, "ENV": "test", "SECRET_KEY": "bench"})
    with app.app_context():
        session = db.session
        leader = session.scalars(select(User).where(User.username == "region")).one()
        first, last = session.execute(
            select(func.min(Assessment.assessed_on), func.max(Assessment.assessed_on))
        ).one()
        towns = list(session.scalars(select(Municipality.id).order_by(Municipality.id)))
        mission = Mission(
            name="60 % stabil eller bedre innen 31.12.2030", indicator="share_stable_or_better",
            owner_id=leader.id, created_by=leader.id,
            municipality_rows=[MissionMunicipality(municipality_id=m) for m in towns],
            targets=[MissionTarget(version=1, baseline_value=0.1, baseline_on=first,
                                   target_value=0.6, target_by=dt.date(2030, 12, 31),
                                   created_by=leader.id)],
        )  # fmt: skip
        session.add(mission)
        session.flush()
        as_of = last
        cold, kept = [], []
        for _ in range(args.runs):
            data._kept.clear()
            started = time.perf_counter()
            figures = services.progress_for(session, leader, mission, as_of)
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            services.progress_for(session, leader, mission, as_of)
            kept.append(time.perf_counter() - started)
        reference = []
        for _ in range(3):
            started = time.perf_counter()
            load_engine_input(session, Family.id.is_not(None), bulk=True)
            reference.append(time.perf_counter() - started)
        session.rollback()
    now = figures["series"][-1]
    print(f"{len(towns)} municipalities, {len(figures['series'])} quarter ends to {as_of}; "
          f"now {now['value']} (range {now['value_range']}), required {now['required']}, "
          f"forecast {figures['forecast_at_deadline']}")  # fmt: skip
    results = {"cold": statistics.median(cold[1:] or cold), "kept": statistics.median(kept)}
    print(f"cold: first {cold[0]:.3f} s, median {results['cold']:.3f} s; "
          f"kept: median {results['kept'] * 1000:.1f} ms")  # fmt: skip
    table_read = statistics.median(reference)
    print(f"the portfolio's tables, same families, same minutes: {table_read:.3f} s "
          f"(cold mission / that = {results['cold'] / table_read:.2f})")  # fmt: skip
    return 1 if any(results[k] > 2 * bar for k, bar in BARS.items()) else 0


if __name__ == "__main__":
    sys.exit(main())
