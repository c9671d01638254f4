"""Issue 16: audited assessment POSTs with one and with two app instances on the same
PostgreSQL (same run), and the job queue's delay under a burst of 50 report requests.

    python benchmarks/bench_instances.py --url PG_URL --redis REDIS_URL
    (defaults: $VELFERDSLAB_TEST_PG_URL and $VELFERDSLAB_TEST_REDIS_URL; needs wrk)

Each instance is gunicorn with 2 sync workers as `velferdslab serve` starts it (its config
included: JSON request log, multiprocess metrics). Throughput: wrk with 16 connections in all,
against one instance, then split 8 + 8 over two, alternating --repeat times (the best of each
counts: the machine is shared). Queue delay: 50 family reports issued at once by 10 clients over
both instances, one `velferdslab worker` with 2 threads; the delay of a report is from the 201
of its request to the first time the database shows it running (polled every 25 ms), and the
worker's own velferdslab_job_queue_delay_seconds (enqueued to started) is reported beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_api_load import prepare, wrk  # noqa: E402

PORTS = (18090, 18091)
WORKER_METRICS_PORT = 18092
BURST = 50


def start_instance(port: int, env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    metrics = folder / f"metrics-{port}"
    metrics.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
               "--config", "python:velferdslab.gunicorn_conf", "velferdslab.wsgi:app"]  # fmt: skip
    log = (folder / f"instance-{port}.log").open("ab")
    process = subprocess.Popen(
        command, env={**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}, cwd=ROOT,
        stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"instance on {port} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def throughput(env: dict[str, str], seconds: int, repeat: int) -> dict[str, Any]:
    one: list[dict[str, float]] = []
    two: list[dict[str, float]] = []
    urls = [f"http://127.0.0.1:{port}" for port in PORTS]
    for url in urls:
        wrk(url, "post_assessment.lua", env, 3, connections=2)  # warm: SQL compiled, pools full
    for _ in range(repeat):
        one.append(wrk(urls[0], "post_assessment.lua", env, seconds, connections=16))
        with ThreadPoolExecutor(2) as pool:
            halves = list(
                pool.map(
                    lambda url: wrk(url, "post_assessment.lua", env, seconds, connections=8), urls
                )
            )
        two.append(
            {
                "requests_per_s": round(sum(h["requests_per_s"] for h in halves), 1),
                "p50_ms": max(h.get("p50_ms", 0) for h in halves),
                "p99_ms": max(h.get("p99_ms", 0) for h in halves),
                "non_2xx": sum(h["non_2xx"] for h in halves),
            }
        )
    return {
        "one_instance": max(one, key=lambda r: r["requests_per_s"]),
        "two_instances": max(two, key=lambda r: r["requests_per_s"]),
        "all_runs_rps": {
            "one": [r["requests_per_s"] for r in one],
            "two": [r["requests_per_s"] for r in two],
        },
    }


def post(url: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310
        url, method="POST", data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        result: dict[str, Any] = json.loads(answer.read())
        return result


def burst(db_url: str, token: str, families: list[int]) -> dict[str, Any]:
    from velferdslab.reports.models import IssuedReport

    issued: dict[int, float] = {}
    lock = threading.Lock()

    refused: list[str] = []

    def client(number: int) -> None:
        for index in range(number, BURST, 10):
            base = f"http://127.0.0.1:{PORTS[index % 2]}"
            family = families[index % len(families)]
            body = {"kind": "family", "family_id": family}
            try:
                answer = post(f"{base}/api/v1/reports", token, body)
            except urllib.error.HTTPError as error:
                refused.append(str(error.code))
                continue
            with lock:
                issued[int(answer["id"])] = time.monotonic()

    engine = create_engine(db_url)
    with Session(engine) as session:  # reports issued before the burst are not counted
        floor = session.scalar(select(func.coalesce(func.max(IssuedReport.id), 0)))
    started_seen: dict[int, float] = {}
    ready_seen: dict[int, float] = {}
    start = time.monotonic()
    clients = [threading.Thread(target=client, args=(n,)) for n in range(10)]
    for thread in clients:
        thread.start()
    with Session(engine) as session:
        while len(ready_seen) < BURST - len(refused) and time.monotonic() - start < 1800:
            now = time.monotonic()
            rows = session.execute(
                select(IssuedReport.id, IssuedReport.status).where(
                    IssuedReport.status.in_(("running", "ready", "failed")),
                    IssuedReport.id > floor,
                )
            ).all()
            session.rollback()
            for report_id, status in rows:
                started_seen.setdefault(report_id, now)
                if status != "running":
                    ready_seen.setdefault(report_id, now)
            time.sleep(0.025)
    for thread in clients:
        thread.join()
    engine.dispose()
    delays = sorted(started_seen[i] - issued[i] for i in issued if i in started_seen)
    issue_span = max(issued.values()) - min(issued.values())
    return {
        "reports": BURST,
        "refused": refused,
        "issuing_took_s": round(issue_span, 2),
        "delay_to_running_s": {
            "min": round(delays[0], 2),
            "median": round(statistics.median(delays), 2),
            "p95": round(delays[int(len(delays) * 0.95) - 1], 2),
            "max": round(delays[-1], 2),
        },
        "all_ready_after_s": round(max(ready_seen.values()) - min(issued.values()), 1),
        "render_per_report_s": round(
            (max(ready_seen.values()) - min(started_seen.values())) / BURST * 2, 2
        ),
    }


def idle_pickup(db_url: str, token: str, families: list[int], rounds: int = 3) -> list[float]:
    """One report at a time with the worker idle: from the 201 to running, in seconds."""
    from velferdslab.reports.models import IssuedReport

    engine = create_engine(db_url)
    delays = []
    with Session(engine) as session:
        for number in range(rounds + 1):  # the first one warms the worker up, not counted
            base = f"http://127.0.0.1:{PORTS[number % 2]}"
            body = {"kind": "family", "family_id": families[number % len(families)]}
            report_id = int(post(f"{base}/api/v1/reports", token, body)["id"])
            issued = time.monotonic()
            running = None
            while True:
                status = session.scalar(
                    select(IssuedReport.status).where(IssuedReport.id == report_id)
                )
                session.rollback()
                if status != "queued" and running is None:
                    running = time.monotonic() - issued
                if status in ("ready", "failed"):
                    break
                time.sleep(0.01)
            if number:
                delays.append(round(running or 0.0, 3))
    engine.dispose()
    return delays


def worker_delay_metric() -> dict[str, float]:
    url = f"http://127.0.0.1:{WORKER_METRICS_PORT}/metrics"
    text = urllib.request.urlopen(url, timeout=5).read().decode()
    figures = {}
    for line in text.splitlines():
        for suffix in ("sum", "count"):
            if line.startswith(f"velferdslab_job_queue_delay_seconds_{suffix}{{"):
                figures[suffix] = float(line.rsplit(" ", 1)[1])
    return {"mean_s": round(figures["sum"] / figures["count"], 2), "count": figures["count"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("VELFERDSLAB_TEST_PG_URL"))
    parser.add_argument("--redis", default=os.environ.get("VELFERDSLAB_TEST_REDIS_URL"))
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--burst-only", action="store_true", help="skip the throughput runs")
    args = parser.parse_args()
    if not args.url or not args.redis:
        print("needs --url (PostgreSQL) and --redis", file=sys.stderr)
        return 2
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    bench = prepare(args.url, args.families)
    import datetime as dt
    import tempfile

    env = {
        **os.environ,
        "VELFERDSLAB_DATABASE_URL": args.url,
        "VELFERDSLAB_ENV": "production",
        "VELFERDSLAB_SECRET_KEY": "bench-secret",
        "VELFERDSLAB_JOB_BROKER_URL": args.redis,
        "VELFERDSLAB_LOG_LEVEL": "WARNING",
        "BENCH_TOKEN": bench.token,
        "BENCH_FAMILIES": ",".join(map(str, bench.families)),
        "BENCH_TODAY": dt.date.today().isoformat(),
    }
    folder = Path(tempfile.mkdtemp(prefix="bench-instances-"))
    instances = [start_instance(port, env, folder) for port in PORTS]
    worker = None
    try:
        results: dict[str, Any] = {}
        if not args.burst_only:
            results["throughput"] = throughput(env, args.seconds, args.repeat)
        print(json.dumps(results), file=sys.stderr, flush=True)
        worker_log = (folder / "worker.log").open("ab")
        worker = subprocess.Popen(
            [str(Path(sys.executable).parent / "velferdslab"), "worker", "--threads", "2",
             "--metrics-port", str(WORKER_METRICS_PORT)],
            env=env, cwd=ROOT, stdout=worker_log, stderr=worker_log, start_new_session=True,
        )  # fmt: skip
        time.sleep(5)  # the worker imports the app before it takes messages
        results["idle_pickup_s"] = idle_pickup(args.url, bench.token, bench.families)
        print(json.dumps(results), file=sys.stderr, flush=True)
        results["burst"] = burst(args.url, bench.token, bench.families)
        results["burst"]["worker_metric_enqueued_to_started"] = worker_delay_metric()
    finally:
        if worker is not None:
            stop(worker)
        for instance in instances:
            stop(instance)
    results["setup"] = {
        "instances": "gunicorn, 2 sync workers each", "cpus": os.cpu_count(),
        "load_avg_1min_after": round(os.getloadavg()[0], 2), "seconds": args.seconds,
        "worker": "1 process, 2 threads",
    }  # fmt: skip
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
