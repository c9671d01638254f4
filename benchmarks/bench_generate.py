"""Bar P7: generate W-national (20 000 families, 40 municipalities) into PostgreSQL in ≤ 3 min.

    python benchmarks/bench_generate.py [--url URL]   (default: $VELFERDSLAB_TEST_PG_URL)

Migrates an empty schema, generates, commits, and prints the wall time and rows per table.
Exits non-zero only past 6 minutes (twice the bar).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

BAR_SECONDS = 180


def main() -> int:
    parser = argparse.ArgumentParser(description="P7: generate W-national into PostgreSQL")
    parser.add_argument("--url", default=os.environ.get("VELFERDSLAB_TEST_PG_URL"))
    parser.add_argument("--families", type=int, default=20_000)
    parser.add_argument("--municipalities", type=int, default=40)
    args = parser.parse_args()
    if not args.url:
        print("give --url or set VELFERDSLAB_TEST_PG_URL", file=sys.stderr)
        return 2
    from velferdslab.app import create_app
    from velferdslab.demo.generator import generate
    from velferdslab.schema import upgrade_database

    engine = create_engine(args.url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_database(create_app({"DATABASE_URL": args.url, "ENV": "test", "SECRET_KEY": "bench"}))
    started = time.perf_counter()
    with Session(engine) as session:
        summary = generate(
            session,
            families=args.families,
            municipalities=args.municipalities,
            seed=2026,
            workload="national",
        )
        session.commit()
    took = time.perf_counter() - started
    for table, count in sorted(summary.rows.items()):
        print(f"  {table:<16} {count:>9}")
    print(f"P7 W-national generated in {took:.1f} s (bar {BAR_SECONDS} s)")
    return 1 if took > 2 * BAR_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
