"""What leaders wait for: the dashboard for W-national as a regional leader (≤ 1 s warm) and the
portfolio PDF for W-lab (≤ 5 s).

    python benchmarks/bench_leaders.py --url $VELFERDSLAB_TEST_PG_URL [--generate] [--runs N]

--url holds W-national (20 000 families in 40 municipalities; --generate loads it first, about a
minute). The dashboard is fetched through the page, signed in through the login form, the first
time cold and then warm (median of the runs). W-lab (60 families) is generated into a fresh
SQLite file and its portfolio report issued through the API by the demo leader and downloaded
(median of the runs after one warm-up). Exits non-zero only when a bar is missed by twice.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from typing import Any

BARS = {"dashboard, W-national, regional leader, warm": 1.0, "portfolio PDF, W-lab": 5.0}


def signed_in(app: Any, username: str, password: str) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"username": username, "password": password}
    if match:
        data["csrf_token"] = match.group(1)
    answer = client.post("/login", data=data)
    assert answer.status_code in (302, 303), answer.status_code
    return client


def dashboard(url: str, runs: int) -> list[float]:
    from velferdslab.app import create_app

    app = create_app({"DATABASE_URL": url, "ENV": "production", "SECRET_KEY": "bench"})
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client speaks http
    client = signed_in(app, "region", "demo-region-2026")
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        response = client.get("/dashboard")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        assert "Kommunene side om side" in response.get_data(as_text=True)
    print(f"dashboard cold: {times[0]:.2f} s; warm: {[round(t, 2) for t in times[1:]]}")
    return times[1:]


def portfolio_pdf(runs: int) -> list[float]:
    from benchmarks.bench_reports import generate, timed, token

    app = generate(f"sqlite:///{tempfile.mkdtemp()}/wlab.db")
    client = app.test_client()
    leader = token(client, "leader", "demo-leader-2026")
    body = {"kind": "portfolio"}
    timed(client, leader, body)  # warm-up: imports, fonts, the template cache
    return [timed(client, leader, body)[0] for _ in range(runs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="PostgreSQL holding W-national")
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.generate:
        from benchmarks.bench_engine import generate as national

        national(args.url)
    results = {
        "dashboard, W-national, regional leader, warm": dashboard(args.url, args.runs),
        "portfolio PDF, W-lab": portfolio_pdf(args.runs),
    }
    failed = False
    for name, times in results.items():
        median = statistics.median(times)
        verdict = "met" if median <= BARS[name] else "MISSED"
        print(f"{name}: median {median:.2f} s of {[round(t, 2) for t in times]} "
              f"(bar {BARS[name]} s: {verdict})")  # fmt: skip
        failed |= median > 2 * BARS[name]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
