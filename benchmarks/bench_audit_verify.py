"""Bar 5 of issue 30: `velferdslab audit verify` over 200 000 events within 1.5× a bare pass.

N audit events are appended through the service (hash-chained, like the app writes them) with a
signed checkpoint every 10 000 events. Timed in the same process, alternately, median of runs:
`verify_with_checkpoints` (one pass over the log: every link and hash, and every checkpoint's
signature and position) and the bare pass it is held against — the same rows read with the
driver (the same columns, the time and the details as text, the same keyset batches of
20 000, no SQLAlchemy types) and each hashed with SHA-256 over its fields as text. The ratio
is what a loaded machine cannot blur.

    python benchmarks/bench_audit_verify.py [--url URL] [--events N] [--runs R]

Without --url a fresh SQLite file is used. Exits non-zero when the ratio misses the bar by twice.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

BAR = 1.5  # verify within 1.5× the bare pass (issue 30, bar 5)
# The columns verify reads, as text where the driver would build an object (a datetime, a
# parsed JSON value): the cheapest reading of the rows, on either database.
BARE = text(
    "SELECT id, CAST(at AS TEXT), user_id, action, entity, entity_id, family_id, ip,"
    " CAST(details AS TEXT), prev_hash, hash FROM audit_event WHERE id > :last"
    " ORDER BY id LIMIT 20000"
)


def bare_pass(session: Session) -> int:
    """Read every event and hash each with SHA-256: the floor any verification stands on."""
    count, last = 0, 0
    while True:
        rows = session.execute(BARE, {"last": last}).all()
        if not rows:
            return count
        for row in rows:
            hashlib.sha256("\x1f".join(map(str, row)).encode()).hexdigest()
        count += len(rows)
        last = rows[-1][0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    from velferdslab.app import create_app
    from velferdslab.audit.checkpoints import make_checkpoint, stored_checkpoints
    from velferdslab.audit.services import PendingEvent, write_events
    from velferdslab.audit.verify import verify_with_checkpoints as verify
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
    times: dict[str, list[float]] = {"verify": [], "bare": []}
    with Session(engine) as session:
        checkpoints = stored_checkpoints(session)
        for _ in range(args.runs):  # alternately, so that a change of load hits both
            started = time.perf_counter()
            report = verify(session, key.public_key(), checkpoints)
            times["verify"].append(time.perf_counter() - started)
            assert report.intact and report.checked == len(checkpoints), report
            started = time.perf_counter()
            assert bare_pass(session) == args.events
            times["bare"].append(time.perf_counter() - started)
    verify_s, bare_s = (statistics.median(times[name]) for name in ("verify", "bare"))
    # Each run's verify over the bare pass right after it: the load of those seconds cancels.
    ratio = statistics.median(v / b for v, b in zip(times["verify"], times["bare"], strict=True))
    runs = "; ".join(f"{name} " + ", ".join(f"{t:.2f}" for t in times[name]) for name in times)
    print(
        f"verify {args.events} events, {len(checkpoints)} checkpoints: median {verify_s:.2f} s; "
        f"bare read + SHA-256: median {bare_s:.2f} s; ratio (median of the runs') {ratio:.2f} "
        f"(bar {BAR}: {'met' if ratio <= BAR else 'MISSED'}) [{runs}]; "
        f"load average {os.getloadavg()[0]:.1f}; database {url.split('@')[-1].split(':')[0]}"
    )
    return 1 if ratio > 2 * BAR else 0


if __name__ == "__main__":
    sys.exit(main())
