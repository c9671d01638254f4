"""Bars P5 and P6: the family PDF report (≤ 1 s, issue 18) and the audit PDF for W-lab (≤ 5 s,
issue 30; it was ≤ 30 s).

W-lab is one municipality with 60 families (the demo generator's "national" journeys, 2–4 years
each, with their spending). Each report is issued through the API (POST /api/v1/reports, made
within the request) and downloaded; the time is the median of several runs after one warm-up
(the first report of a process pays for importing WeasyPrint, about 1.4 s). The family reports
are each of a different family (first views: nothing a process keeps is reused). CPU seconds
are printed beside the wall-clock ones: on a loaded machine they are the figure to compare.

    python benchmarks/bench_reports.py [--url URL] [--runs N]

Without --url a fresh SQLite file is used. Exits non-zero only when a bar is missed by twice.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

BARS = {"P5 family report": 1.0, "P6 audit report, W-lab": 5.0}


def generate(url: str) -> Any:
    from velferdslab.app import create_app
    from velferdslab.demo.generator import generate as fill
    from velferdslab.schema import upgrade_database

    engine = create_engine(url)
    if url.startswith("postgresql"):
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    # One user issues every report in a row: the per-user issuing limit (issue 10) is lifted.
    settings = {
        "DATABASE_URL": url,
        "ENV": "test",
        "SECRET_KEY": "bench",
        "JOBS": "inline",
        "REPORTS_PER_USER_PER_MINUTE": 10_000,
    }
    app = create_app(settings)
    upgrade_database(app)
    with Session(engine) as session:
        fill(session, families=60, municipalities=1, seed=2026, workload="national")
        session.commit()
    return app


def token(client: Any, username: str, password: str) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def timed(
    client: Any, headers: dict[str, str], body: dict[str, Any]
) -> tuple[float, int, float, int]:
    """(seconds, PDF bytes, CPU seconds of this process: the app and WeasyPrint run here,
    pages)."""
    started, cpu = time.perf_counter(), time.process_time()
    issued = client.post("/api/v1/reports", json=body, headers=headers)
    assert issued.status_code == 201, issued.get_json()
    pdf = client.get(f"/api/v1/reports/{issued.get_json()['id']}/pdf", headers=headers)
    assert pdf.status_code == 200
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return seconds, len(pdf.data), cpu, pages(pdf.data)


def pages(pdf: bytes) -> int:
    """The page count as poppler's pdfinfo reads it (0 without poppler-utils)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        try:
            info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True)
        except OSError:
            return 0
    found = re.search(r"Pages:\s+(\d+)", info.stdout)
    return int(found.group(1)) if found else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only-family", action="store_true", help="leave out the audit report")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp()}/wlab.db"
    app = generate(url)
    from velferdslab.families.models import Family
    from velferdslab.users.models import User

    with app.app_context():
        from velferdslab.extensions import db

        lead_id = db.session.scalar(select(User.id).where(User.username == "lead"))
        family_ids = list(
            db.session.scalars(
                select(Family.id)
                .where(Family.investment_lead_id == lead_id)
                .order_by(Family.id)
                .limit(args.runs + 1)
            )
        )
    client = app.test_client()
    lead = token(client, "lead", "demo-lead-2026")
    auditor = token(client, "auditor", "demo-auditor-2026")
    families = [{"kind": "family", "family_id": family_id} for family_id in family_ids]
    audit = {"kind": "audit", "period_start": "2020-01-01"}
    timed(client, lead, families[0])  # warm-up: imports, fonts, the template cache
    audit_runs = max(1, args.runs // 2)
    results = {
        "P5 family report": [timed(client, lead, family) for family in families[1:]],
    }
    if not args.only_family:
        results["P6 audit report, W-lab"] = [
            timed(client, auditor, audit) for _ in range(audit_runs)
        ]
    failed = False
    for name, runs in results.items():
        median = statistics.median(run[0] for run in runs)
        cpu = statistics.median(run[2] for run in runs)
        size, pages = runs[0][1], runs[0][3]
        verdict = "met" if median <= BARS[name] else "MISSED"
        print(f"{name}: median {median:.2f} s over {len(runs)} runs (CPU {cpu:.2f} s), "
              f"{size / 1024:.0f} KB, {pages} pages (bar {BARS[name]} s: {verdict}); "
              f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
        failed |= median > 2 * BARS[name]
    print(f"database: {url.split('@')[-1]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
