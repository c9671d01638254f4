"""gunicorn settings for `velferdslab serve` (and `gunicorn -c python:velferdslab.gunicorn_conf`).

prometheus-client's multiprocess mode: each worker writes its metrics to files in
PROMETHEUS_MULTIPROC_DIR, which must be set before the app is imported and emptied when the
server starts; a worker that exits is marked dead so its gauges drop out. Requests are logged by
the app itself as JSON lines (velferdslab/requestlog.py), so gunicorn's access log stays off.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="velferdslab-metrics-")

accesslog = None
# Behind a load balancer: the answer to a slow client is buffered there, not here.
timeout = 120
graceful_timeout = 30


def on_starting(_server: Any) -> None:
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # samples of an earlier run of this instance
        stale.unlink()


def child_exit(_server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
