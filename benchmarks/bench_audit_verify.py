"""How long `velferdslab audit verify` takes against signed checkpoints on a large log.

N audit events are appended through the service (hash-chained, like the app writes them) with a
signed checkpoint every 10 000 events; the time is that of `verify_with_checkpoints` (one pass
over the log: every link and hash, and every checkpoint's signature and position), median of runs.

    python benchmarks/bench_audit_verify.py [--url URL] [--events N] [--runs R]

Without --url a fresh SQLite file is used. Informational: no bar in spec/quality.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    from velferdslab.app import create_app
    from velferdslab.audit.checkpoints import make_checkpoint, stored_checkpoints
    from velferdslab.audit.checkpoints import verify_with_checkpoints as verify
    from velferdslab.audit.services import PendingEvent, write_events
    from velferdslab.schema import upgrade_database

    engine = create_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    app = create_app({"DATABASE_URL": url, "ENV": "test", "SECRET_KEY": "bench"})
    upgrade_database(app)
    key = Ed25519PrivateKey.generate()
    started = time.perf_counter()
    with Session(engine) as session:
        for start in range(0, args.events, 10_000):
            batch = min(10_000, args.events - start)
            write_events(
                session,
                [
                    PendingEvent(
                        action="read", entity="family", entity_id=n % 500, family_id=n % 500,
                        user_id=None, details={"page": "family"},
                    )
                    for n in range(start, start + batch)
                ],
            )  # fmt: skip
            make_checkpoint(session, key, "interval")
            session.commit()
    print(f"wrote {args.events} events in {time.perf_counter() - started:.1f} s")
    times = []
    with Session(engine) as session:
        checkpoints = stored_checkpoints(session)
        for _ in range(args.runs):
            started = time.perf_counter()
            report = verify(session, key.public_key(), checkpoints)
            times.append(time.perf_counter() - started)
            assert report.intact and report.checked == len(checkpoints), report
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(
        f"verify {args.events} events, {len(checkpoints)} checkpoints: "
        f"median {statistics.median(times):.2f} s ({runs})"
    )


if __name__ == "__main__":
    main()
