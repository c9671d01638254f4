"""Bars P3 and P4: the API under load — gunicorn with 2 workers on PostgreSQL, auth and audit on —
beside a bare Flask JSON endpoint measured in the same run.

    python benchmarks/bench_api_load.py --url URL   (default: $VELFERDSLAB_TEST_PG_URL)

Measures with wrk (maximum throughput, latency percentiles) and locust (a fixed 100 req/s for the
p99 bar). Prints the figures; exits non-zero only when a bar is missed by a wide margin.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
APP_PORT, BARE_PORT = 18080, 18081
THREADS = os.environ.get("BENCH_THREADS", "1")


def reset_database(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(url: str, families: int) -> tuple[str, list[int]]:
    from velferdslab.app import create_app
    from velferdslab.auth.tokens import issue_token
    from velferdslab.cli import upgrade_database
    from velferdslab.demo.generator import generate
    from velferdslab.families.models import Family
    from velferdslab.users.models import User

    reset_database(url)
    app = create_app({"DATABASE_URL": url, "ENV": "test", "SECRET_KEY": "bench"})
    upgrade_database(app)
    engine = create_engine(url)
    with Session(engine) as session:
        generate(session, families=families, municipalities=1, seed=7)
        session.commit()
        lead_id = session.scalar(
            select(Family.investment_lead_id)
            .where(Family.status == "active")
            .group_by(Family.investment_lead_id)
            .order_by(func.count().desc())
            .limit(1)
        )
        lead = session.get_one(User, lead_id)
        led = list(
            session.scalars(
                select(Family.id).where(
                    Family.investment_lead_id == lead.id, Family.status == "active"
                )
            )
        )
        token = issue_token(session, lead, 24 * 3600)
        session.commit()
    engine.dispose()
    return token, led


def start(module: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", THREADS,
        "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning", module,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    for _ in range(100):
        try:
            path = "/ping" if "bare" in module else "/healthz"
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"{module} did not start on port {port}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


WRK_LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url: str, script: str | None, env: dict[str, str], seconds: int) -> dict[str, float]:
    command = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", str(ROOT / "benchmarks" / script)]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    figures = {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}  # type: ignore[union-attr]
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    for percent, value, unit in WRK_LATENCY.findall(output):
        figures[f"p{percent}_ms"] = round(float(value) * scale[unit], 2)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = float(errors.group(1)) if errors else 0.0
    return figures


def locust_fixed_rate(env: dict[str, str], seconds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "run"
        command = [
            sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"),
            "--headless", "-u", "10", "-r", "10", "-t", f"{seconds}s", "--only-summary",
            "--host", f"http://127.0.0.1:{APP_PORT}", "--csv", str(prefix),
        ]  # fmt: skip
        subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        lines = (prefix.parent / "run_stats.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = dict(zip(header, lines[-1].split(","), strict=False))
    return {
        "requests_per_s": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p99_ms": float(row["99%"]),
        "failures": float(row["Failure Count"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("VELFERDSLAB_TEST_PG_URL"))
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not args.url or not shutil.which("wrk"):
        print("needs a PostgreSQL URL (--url) and wrk (apt-get install wrk)", file=sys.stderr)
        return 2
    token, families = prepare(args.url, args.families)
    env = {
        **os.environ,
        "VELFERDSLAB_DATABASE_URL": args.url,
        "VELFERDSLAB_ENV": "production",
        "VELFERDSLAB_SECRET_KEY": "bench-secret",
        "BENCH_TOKEN": token,
        "BENCH_FAMILIES": ",".join(map(str, families)),
        "BENCH_TODAY": dt.date.today().isoformat(),
    }
    app, bare = (
        start("velferdslab.wsgi:app", APP_PORT, env),
        start("benchmarks.bare_app:app", BARE_PORT, env),
    )
    try:
        results = {
            "bare_json": wrk(f"http://127.0.0.1:{BARE_PORT}/ping", None, env, args.seconds),
            "family_json": wrk(f"http://127.0.0.1:{APP_PORT}", "get_family.lua", env, args.seconds),
            "assessment_post": wrk(
                f"http://127.0.0.1:{APP_PORT}", "post_assessment.lua", env, args.seconds
            ),
            "assessment_post_at_100_per_s": locust_fixed_rate(env, args.seconds),
        }
    finally:
        stop(app)
        stop(bare)
    post, bare_rps = results["assessment_post"], results["bare_json"]["requests_per_s"]
    results["assessment_post"]["share_of_bare"] = round(post["requests_per_s"] / bare_rps, 3)
    print(json.dumps(results, indent=2))
    wide_miss = (
        post["requests_per_s"] < 200
        or results["family_json"]["requests_per_s"] < 300
        or results["assessment_post_at_100_per_s"]["p99_ms"] > 200
    )
    return 1 if wide_miss else 0


if __name__ == "__main__":
    sys.exit(main())
