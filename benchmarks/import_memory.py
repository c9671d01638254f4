"""Where an import's memory goes: the resident set of one import run as bench_import.py runs
it (POST /api/v1/imports, the job `imports.run` in a thread), sampled every 0.2 s and kept
per phase — the request, the job's load of the upload, reading and mapping, writing the
families (by tenths), the report, the commit. Each phase's line: the largest resident set
sampled in it, the resident set at its end, and the process's peak so far (ru_maxrss, which a
short peak between two samples still raises), in MB.

    python benchmarks/import_memory.py --url URL --file FILE --lead USERNAME [--dry-run]

The database must hold the lead (bench_import.py's `generate`; the file from its `export`).
The run commits as any import does: run it on a copy of the database (CREATE DATABASE …
TEMPLATE …) to run it again.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import threading
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_import


def resident() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


class Phases:
    def __init__(self) -> None:
        self.name, self.top, self.started = "start", resident(), time.perf_counter()
        self.lines: list[str] = []
        self.lock = threading.Lock()

    def sample(self) -> None:
        with self.lock:
            self.top = max(self.top, resident())

    def enter(self, name: str) -> None:
        with self.lock:
            now = resident()
            self.top = max(self.top, now)
            took = time.perf_counter() - self.started
            # The process's own peak so far (ru_maxrss) catches what the samples miss.
            so_far = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
            self.lines.append(
                f"{self.name:36s} peak {self.top:6d} MB  at its end {now:6d} MB  "
                f"{took:7.1f} s  (process peak so far {so_far} MB)"
            )
            print(self.lines[-1], flush=True)
            self.name, self.top, self.started = name, now, time.perf_counter()


def main() -> int:
    parser = argparse.ArgumentParser(description="an import's memory by phase")
    parser.add_argument("--url", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--lead", required=True)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    phases = Phases()
    stop = threading.Event()

    def sampler() -> None:
        while not stop.wait(0.2):
            phases.sample()

    threading.Thread(target=sampler, daemon=True).start()

    from sqlalchemy import select

    from velferdslab import jobs
    from velferdslab.app import create_app
    from velferdslab.auth.tokens import issue_token
    from velferdslab.extensions import db
    from velferdslab.imports import jobs as import_jobs
    from velferdslab.imports import services
    from velferdslab.users.models import User

    app = create_app(bench_import.settings(args.url, "thread"))
    app.config["IMPORT_BACKGROUND_ROWS"] = 0
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == args.lead)).one()
        headers = {"Authorization": f"Bearer {issue_token(db.session, user, 3600)}"}
        db.session.commit()
    with open(args.file, "rb") as stream:
        data = stream.read()
    phases.enter("POST (the request stores the upload)")

    mapping, between, finish = services.map_sheets, import_jobs.between_families, services._finish

    def mapped(sheets: Any) -> Any:
        phases.enter("read and map")
        found = mapping(sheets)
        phases.enter("write families 0-10 %")
        return found

    def step(import_id: int, done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if done and tenth != (done - 1) * 10 // max(total, 1):
            phases.enter(f"write families {tenth * 10}-{tenth * 10 + 10} %")
        between(import_id, done, total)

    def finished(*args: Any) -> None:
        phases.enter("report and rejected rows")
        finish(*args)
        phases.enter("until the commit")

    services.map_sheets = mapped  # type: ignore[assignment]
    import_jobs.between_families = step
    services._finish = finished
    from velferdslab.audit import log

    writing = log.write_events

    def events_written(session: Any, events: Any) -> None:
        phases.enter("commit: the events written")
        writing(session, events)
        phases.enter("commit: the rest")

    log.write_events = events_written  # type: ignore[assignment]

    client = app.test_client()
    answer = client.post(
        f"/api/v1/imports?dry_run={'true' if args.dry_run else 'false'}",
        data={"file": (io.BytesIO(data), os.path.basename(args.file))},
        headers=headers,
        content_type="multipart/form-data",
    )
    phases.enter("the job's load of the upload")
    future = jobs.submitted(app, "imports.run", import_id=answer.get_json()["id"])
    assert future is not None
    future.result()
    phases.enter("end")
    stop.set()
    body = client.get(f"/api/v1/imports/{answer.get_json()['id']}", headers=headers).get_json()
    print("status", body["status"], "counts", body["counts"], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
