"""Profile the requests of bars P3 and P4 in-process: SQL statements per request and where the
time goes (cProfile), without gunicorn or a network in between.

    python benchmarks/profile_requests.py --url URL [--requests 200] [--top 25] [--sql]

Prepares the same database as bench_api_load.py (so it resets the schema of URL), then sends
each kind of request through Flask's test client: the assessment POST and the family JSON with a
bearer token, the family page with a session cookie.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_api_load import BENCH_PASSWORD, prepare


def server_pids(engine: Any) -> list[int]:
    """The processes of this PostgreSQL server (backends and its helpers), when it is local."""
    with engine.connect() as connection:
        return list(connection.scalars(text("SELECT pid FROM pg_stat_activity")))


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes used so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("VELFERDSLAB_TEST_PG_URL"))
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    args = parser.parse_args()
    if not args.url:
        print("needs a PostgreSQL URL (--url)", file=sys.stderr)
        return 2
    bench = prepare(args.url, args.families)

    from velferdslab.app import create_app
    from velferdslab.extensions import db

    app = create_app(
        {
            "DATABASE_URL": args.url,
            "ENV": "production",
            "SECRET_KEY": "bench-secret",
            "SESSION_COOKIE_SECURE": False,
        }
    )
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    # The audit chain's lock and read go to the driver directly (one round trip, two statements).
    from velferdslab.audit import services as audit_services

    lock_and_read = audit_services._lock_chain_and_read_last

    def _counted_lock_and_read(session: Any) -> Any:
        statements.append("[driver] SELECT pg_advisory_xact_lock(…); SELECT hash … LIMIT 1")
        return lock_and_read(session)

    audit_services._lock_chain_and_read_last = _counted_lock_and_read

    api = app.test_client()
    bearer = {"Authorization": f"Bearer {bench.token}"}

    def signed_in(username: str) -> Any:
        client = app.test_client()
        form = client.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
        assert csrf, "no CSRF token in the login form"
        fields = {"csrf_token": csrf.group(1), "username": username, "password": BENCH_PASSWORD}
        login = client.post("/login", data=fields)
        assert login.status_code == 302, login.status_code
        return client

    page, member_page = signed_in(bench.username), signed_in(bench.member)
    today = dt.date.today().isoformat()
    families = bench.families
    counter = iter(range(10**9))

    def family(among: list[int] = families) -> int:
        return among[next(counter) % len(among)]

    def post_assessment() -> Any:
        body = {
            "assessed_on": today,
            "levels": {"housing": "stable", "work": "exposed", "health": "stable"},
            "rationale": {"housing": "Ny leiekontrakt"},
        }
        return api.post(f"/api/v1/families/{family()}/assessments", json=body, headers=bearer)

    kinds: dict[str, Callable[[], Any]] = {
        "assessment_post": post_assessment,
        "family_json": lambda: api.get(f"/api/v1/families/{family()}", headers=bearer),
        "family_page": lambda: page.get(f"/families/{family()}"),
        "family_page_member": lambda: member_page.get(f"/families/{family(bench.member_families)}"),
    }
    for name, send in kinds.items():
        for _ in range(max(20, len(families))):  # warm: compile templates, fill caches
            assert send().status_code < 300, name
        statements.clear()
        response = send()
        assert response.status_code < 300, (name, response.status_code)
        print(f"\n=== {name}: {len(statements)} SQL statements in one request")
        if args.sql:
            for statement in statements:
                print("   ", " ".join(statement.split())[:160])
        else:
            for statement, count in Counter(
                " ".join(s.split())[:90] for s in statements
            ).most_common():
                print(f"   {count} × {statement}")
        server = server_pids(engine)
        wall, cpu, pg = time.perf_counter(), time.process_time(), cpu_seconds(server)
        for _ in range(args.requests):
            send()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        pg = cpu_seconds(server) - pg
        n = args.requests
        print(
            f"    {n} requests, no profiler: {1000 * wall / n:.2f} ms each; CPU per request: "
            f"{1000 * cpu / n:.2f} ms in Python, {1000 * pg / n:.2f} ms in PostgreSQL"
        )
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(args.requests):
            send()
        profiler.disable()
        elapsed = time.perf_counter() - started
        print(f"    {args.requests} requests: {1000 * elapsed / args.requests:.2f} ms each "
              "(under the profiler)")  # fmt: skip
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
