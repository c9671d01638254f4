"""Bar R6: a server killed with SIGKILL in the middle of a write load loses no write it has
acknowledged, and its audit chain still verifies after the restart.

gunicorn (2 workers, as in production) runs in its own process group on a database of its own;
four clients post assessments; the whole group is killed while they do; then a new server on
the same database must list every assessment a client got its 201 for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import auth, make_family, make_lab
from tests.isolated import isolated_database
from velferdslab.app import create_app
from velferdslab.extensions import db as flask_db
from velferdslab.schema import upgrade_database

pytestmark = [pytest.mark.db, pytest.mark.slow]

CLIENTS = 4
ACKNOWLEDGED_BEFORE_KILL = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "VELFERDSLAB_DATABASE_URL": url,
        "VELFERDSLAB_SECRET_KEY": "crash-test-secret-not-for-production",
        "VELFERDSLAB_ENV": "development",
    }


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "--workers", "2",
               "--bind", f"127.0.0.1:{port}", "velferdslab.wsgi:app"]  # fmt: skip
    with log.open("ab") as output:
        server = subprocess.Popen(
            command, env=server_env(url), stdout=output, stderr=output, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError(f"the server did not start: {log.read_text()[-2000:]}")


def call(method: str, url: str, token: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, None


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[tuple[str, int, str]]:
    """(database URL, family id, the team member's bearer token) on a database of its own."""
    with isolated_database("crash_test", tmp_path) as url:
        app = create_app({"ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "seed"})
        upgrade_database(app)
        with app.app_context():
            session = flask_db.session
            lab = make_lab(session)
            family = make_family(session, lab)
            token = auth(session, lab.member)["Authorization"].removeprefix("Bearer ")
            session.commit()
            family_id = family.id
            session.remove()
            flask_db.engine.dispose()
        yield url, family_id, token


def test_every_acknowledged_write_survives_a_kill_9(
    seeded: tuple[str, int, str], tmp_path: Path
) -> None:
    url, family_id, token = seeded
    port, log = free_port(), tmp_path / "gunicorn.log"
    server = start_server(url, port, log)
    base = f"http://127.0.0.1:{port}/api/v1/families/{family_id}/assessments"
    acknowledged: list[int] = []
    lock = threading.Lock()
    enough = threading.Event()
    killed = threading.Event()

    def client(number: int) -> None:
        day = 0
        while not killed.is_set():
            day += 1
            on = dt.date(2020, 1, 1) + dt.timedelta(days=day * CLIENTS + number)
            body = {"assessed_on": on.isoformat(), "levels": {"housing": "stable"}}
            try:
                status, answer = call("POST", base, token, body)
            except OSError:
                continue  # refused or cut off by the kill: not acknowledged
            if status == 201:
                with lock:
                    acknowledged.append(int(answer["id"]))
                    if len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL:
                        enough.set()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        assert enough.wait(timeout=120), f"too few writes acknowledged: {len(acknowledged)}"
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # master and workers, mid-load
        server.wait(timeout=30)
        killed.set()
        for thread in threads:
            thread.join(timeout=30)
    assert server.returncode == -signal.SIGKILL

    restarted = start_server(url, port, log)
    try:
        status, listed = call("GET", f"{base}?page_size=500", token)
        assert status == 200
        stored = {row["id"] for row in listed}
        assert set(acknowledged) <= stored, sorted(set(acknowledged) - stored)
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(timeout=30)
    # The operator signs a checkpoint of what survived, then verifies chain and signature.
    cli = str(Path(sys.executable).parent / "velferdslab")
    signed = subprocess.run(
        [cli, "audit", "checkpoint"],
        env=server_env(url), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert signed.returncode == 0, signed.stdout + signed.stderr
    chain = subprocess.run(
        [cli, "audit", "verify"],
        env=server_env(url), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert chain.returncode == 0, chain.stdout + chain.stderr
