"""Processes as in production: gunicorn app instances and `velferdslab worker` on one PostgreSQL
and one Redis. Redis is the one scripts/test.sh started (VELFERDSLAB_TEST_REDIS_URL), else one
started here for the session."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

VELFERDSLAB = str(Path(sys.executable).parent / "velferdslab")
SECRET = "ops-test-secret-not-for-production"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    given = os.environ.get("VELFERDSLAB_TEST_REDIS_URL")
    if given:
        yield given
        return
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", tempfile.gettempdir()],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    time.sleep(0.3)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def flush(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def service_env(database_url: str, redis_url: str, **settings: str) -> dict[str, str]:
    return {
        **os.environ,
        "VELFERDSLAB_DATABASE_URL": database_url,
        "VELFERDSLAB_JOB_BROKER_URL": redis_url,
        "VELFERDSLAB_SECRET_KEY": SECRET,
        "VELFERDSLAB_ENV": "development",
        # a killed worker's job goes to the next one within seconds, not a minute
        "VELFERDSLAB_JOB_HEARTBEAT_TIMEOUT_SECONDS": "3",
        **{f"VELFERDSLAB_{key}": value for key, value in settings.items()},
    }


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log: Path
    port: int = 0
    metrics_dir: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self, sig: int = signal.SIGTERM) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
            self.popen.wait(timeout=60)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Cluster:
    database_url: str
    redis_url: str
    folder: Path
    processes: list[Process] = field(default_factory=list)

    def instance(self, name: str, **settings: str) -> Process:
        """A gunicorn instance of two workers, as `velferdslab serve` starts it."""
        port = free_port()
        metrics_dir = self.folder / f"metrics-{name}"
        metrics_dir.mkdir()
        log = self.folder / f"{name}.log"
        env = service_env(self.database_url, self.redis_url, **settings)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
                   f"127.0.0.1:{port}", "--config", "python:velferdslab.gunicorn_conf",
                   "velferdslab.wsgi:app"]  # fmt: skip
        with log.open("ab") as output:
            popen = subprocess.Popen(
                command, env=env, stdout=output, stderr=output, start_new_session=True
            )
        process = Process(popen, log, port, metrics_dir)
        self.processes.append(process)
        wait_until(lambda: get(f"{process.base}/healthz")[0] == 200, 60, process)
        return process

    def worker(self, name: str, *options: str) -> Process:
        log = self.folder / f"{name}.log"
        with log.open("ab") as output:
            popen = subprocess.Popen(
                [VELFERDSLAB, "worker", "--threads", "1", *options],
                env=service_env(self.database_url, self.redis_url),
                stdout=output, stderr=output, start_new_session=True,
            )  # fmt: skip
        process = Process(popen, log)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            process.kill()


def wait_until(condition: Any, seconds: float, process: Process | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.1)
    detail = process.log_text()[-3000:] if process else ""
    raise AssertionError(f"not within {seconds} s. {detail}")


def call(
    method: str, url: str, token: str | None = None, body: Any = None, **headers: str
) -> tuple[int, bytes, dict[str, str]]:
    all_headers = {"Content-Type": "application/json", **headers}
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers=all_headers,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def get(url: str, token: str | None = None, **headers: str) -> tuple[int, bytes]:
    status, body, _ = call("GET", url, token, **headers)
    return status, body
