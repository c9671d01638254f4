"""Background jobs: named plain functions, run by a worker once the request has committed.

A job is a function of JSON-able keyword arguments that runs inside an app context and commits
its own work; it must be idempotent (a job may run again after a worker crash):

    @jobs.job("audit.checkpoint")
    def write_checkpoint(municipality_id: int) -> None: ...

    jobs.enqueue("audit.checkpoint", municipality_id=3)   # runs after this request commits

Where it runs depends on the settings (docs/operations.md, "Drift"):
- `JOB_BROKER_URL` set (redis://…): a Dramatiq message on Redis, run by `velferdslab worker`.
  The message is acknowledged only when the job has ended, so a worker killed mid-job leaves it
  to another worker (after `JOB_HEARTBEAT_TIMEOUT_SECONDS`); an error is retried with backoff.
  Every start, after an error or a crash alike, counts against `JOB_MAX_ATTEMPTS`; after the last
  one the job's `on_give_up` records why (a report then shows "failed").
- no broker, `JOBS = "thread"` (the embedded default): one background thread per process, as
  `make run` needs no other server; a restart loses the jobs it had not finished.
- `JOBS = "inline"`: within the call, before the request commits (tests).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from velferdslab.extensions import db

log = logging.getLogger(__name__)

QUEUE = "velferdslab"
ACTOR = "velferdslab.job"
# Modules whose import registers jobs: a worker imports them all before it takes a message.
JOB_MODULES = ["velferdslab.reports.jobs", "velferdslab.imports.jobs", "velferdslab.archive.jobs"]

Job = Callable[..., None]
# Called in a session of its own after the last attempt failed: record why, for the user.
GiveUp = Callable[[Session, dict[str, Any], str], None]


@dataclass(frozen=True)
class JobSpec:
    name: str
    run: Job
    on_give_up: GiveUp | None = None


_registry: dict[str, JobSpec] = {}


def job(name: str, *, on_give_up: GiveUp | None = None) -> Callable[[Job], Job]:
    """Register a function as the job `name`."""

    def register(function: Job) -> Job:
        _registry[name] = JobSpec(name, function, on_give_up)
        return function

    return register


def spec(name: str) -> JobSpec:
    if name not in _registry:
        for module in JOB_MODULES:
            import_module(module)
    if name not in _registry:
        raise LookupError(f"no job is registered as {name!r}")
    return _registry[name]


def mode(app: Flask) -> str:
    """ "queue", "thread" or "inline"."""
    if app.config.get("JOB_BROKER_URL"):
        return "queue"
    # REPORT_JOBS was the setting's name when reports were the only job.
    return str(app.config.get("REPORT_JOBS") or app.config.get("JOBS") or "thread")


def enqueue(name: str, **kwargs: Any) -> None:
    """Have the job run once the current transaction has committed (inline: right now)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    spec(name)  # an unknown name fails here, in the request, not later in a worker
    how = mode(app)
    if how == "inline":
        spec(name).run(**kwargs)
        return

    def start(_session: object) -> None:
        try:
            if how == "queue":
                _actor(app).send(name, kwargs)
            else:
                futures = app.extensions.setdefault("velferdslab_jobs", {})
                futures[(name, *sorted(kwargs.items()))] = _executor().submit(
                    run_in_thread, app, name, kwargs
                )
        except Exception as error:  # the broker did not answer: say so rather than wait forever
            log.exception("job %s could not be queued", name)
            give_up(app, name, kwargs, f"the job queue did not answer ({type(error).__name__})")

    event.listen(db.session(), "after_commit", start, once=True)


def submitted(app: Flask, name: str, **kwargs: Any) -> Future[None] | None:
    """The thread running a job (thread mode), for tests that wait for it."""
    futures: dict[tuple[Any, ...], Future[None]] = app.extensions.get("velferdslab_jobs", {})
    return futures.get((name, *sorted(kwargs.items())))


def perform(app: Flask, name: str, kwargs: dict[str, Any], attempt: int, last: bool) -> bool:
    """One attempt at a job; True when it ran through. After a failed last attempt the job
    gives up (recorded by its `on_give_up`); before it, the error propagates to be retried."""
    from velferdslab import metrics

    job_spec = spec(name)
    started = time.monotonic()
    with app.app_context():
        try:
            job_spec.run(**kwargs)
        except Exception as error:
            db.session.rollback()
            metrics.job_finished(name, "error", time.monotonic() - started)
            log.exception("job %s failed (attempt %s)", name, attempt)
            if not last:
                raise
            give_up(app, name, kwargs, f"{type(error).__name__}: {error}")
            return False
        finally:
            db.session.remove()
    metrics.job_finished(name, "done", time.monotonic() - started)
    return True


def give_up(app: Flask, name: str, kwargs: dict[str, Any], reason: str) -> None:
    job_spec = spec(name)
    log.error("job %s given up: %s", name, reason)
    if job_spec.on_give_up is None:
        return
    with app.app_context(), Session(db.engine, expire_on_commit=False) as session:
        job_spec.on_give_up(session, kwargs, reason[:500])
        session.commit()


# The embedded default: a thread per process.


@cache
def _executor() -> ThreadPoolExecutor:
    # Created on first use, so after gunicorn forked its workers; one job at a time per process
    # keeps memory bounded and leaves the other worker free for requests.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="job")


def run_in_thread(app: Flask, name: str, kwargs: dict[str, Any]) -> None:
    attempts = int(app.config["JOB_MAX_ATTEMPTS"])
    for attempt in range(1, attempts + 1):
        try:
            if perform(app, name, kwargs, attempt, last=attempt == attempts):
                return
        except Exception:  # noqa: S112  (logged by perform; the next attempt follows)
            continue


# The queue: Dramatiq on Redis.


@cache
def _broker(url: str, heartbeat_seconds: float, time_limit_seconds: float) -> Any:
    import redis
    from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
    from dramatiq.middleware import (
        AgeLimit,
        CurrentMessage,
        Retries,
        ShutdownNotifications,
        TimeLimit,
    )

    return RedisBroker(  # type: ignore[no-untyped-call]
        # Timeouts: a broker that stops answering fails a request's enqueue or a probe in
        # seconds instead of hanging it (the worker's fetches never block on the server).
        client=redis.Redis.from_url(
            url, socket_connect_timeout=5, socket_timeout=10, health_check_interval=30
        ),
        namespace="velferdslab",
        heartbeat_timeout=int(heartbeat_seconds * 1000),
        # Every fetch looks for workers whose heartbeat stopped and puts their unacknowledged
        # messages back: a crashed worker's job restarts within the heartbeat timeout, not at
        # Dramatiq's default chance of one fetch in a thousand.
        maintenance_chance=MAINTENANCE_SCALE,
        middleware=[
            AgeLimit(),
            TimeLimit(time_limit=int(time_limit_seconds * 1000)),
            ShutdownNotifications(),
            # The attempts are counted by `_queued_job` (crashes too); this only schedules them.
            Retries(max_retries=1000, min_backoff=2000, max_backoff=300_000),
            CurrentMessage(),
        ],
    )


def broker(app: Flask) -> Any:
    return _broker(
        str(app.config["JOB_BROKER_URL"]),
        float(app.config["JOB_HEARTBEAT_TIMEOUT_SECONDS"]),
        float(app.config["JOB_TIME_LIMIT_SECONDS"]),
    )


_worker_app: Flask | None = None
_actors: dict[int, Any] = {}


def _actor(app: Flask) -> Any:
    the_broker = broker(app)
    if id(the_broker) not in _actors:
        import dramatiq

        _actors[id(the_broker)] = dramatiq.Actor(
            _queued_job,
            broker=the_broker,
            actor_name=ACTOR,
            queue_name=QUEUE,
            priority=0,
            options={},
        )
    return _actors[id(the_broker)]


def _queued_job(name: str, kwargs: dict[str, Any]) -> None:
    from dramatiq.middleware import CurrentMessage

    app = _worker_app
    assert app is not None, "jobs run in `velferdslab worker`"
    message = CurrentMessage.get_current_message()
    assert message is not None
    limit = int(app.config["JOB_MAX_ATTEMPTS"])
    attempt = attempt_number(app, message.message_id)
    if attempt > limit:  # the earlier attempts ended with the worker: a job that kills it
        give_up(app, name, kwargs, f"no worker finished it in {limit} attempts")
        return
    if attempt == 1:
        from velferdslab import metrics

        metrics.job_started(name, time.time() - message.message_timestamp / 1000)
    perform(app, name, kwargs, attempt, last=attempt == limit)


def attempt_number(app: Flask, message_id: str) -> int:
    """Counted in Redis per message, so that a start cut off by a crash counts too."""
    client = broker(app).client
    key = f"velferdslab:attempts:{message_id}"
    number = int(client.incr(key))
    client.expire(key, 7 * 24 * 3600)
    return number


def queue_depth(app: Flask) -> int:
    """Messages waiting (not yet taken by a worker), retries waiting for their time included."""
    from dramatiq.common import dq_name

    client = broker(app).client
    return int(client.llen(f"velferdslab:{QUEUE}")) + int(
        client.zcard(f"velferdslab:{dq_name(QUEUE)}")
    )


def broker_answers(app: Flask) -> bool:
    return bool(broker(app).client.ping())


def run_worker(app: Flask, threads: int) -> None:
    """`velferdslab worker`: take jobs until SIGTERM or SIGINT, then finish the running ones."""
    import dramatiq

    global _worker_app
    _worker_app = app
    for module in JOB_MODULES:
        import_module(module)
    _actor(app)
    worker = dramatiq.Worker(broker(app), queues={QUEUE}, worker_threads=threads)
    stop = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
    worker.start()
    log.info("worker started", extra={"threads": threads, "queue": QUEUE})
    try:
        while not stop.wait(1):
            pass
    finally:
        worker.stop(timeout=int(float(app.config["JOB_TIME_LIMIT_SECONDS"]) * 1000))
        log.info("worker stopped")
