"""Prometheus metrics at /metrics (prometheus-client).

Under gunicorn every worker process writes its samples to files in PROMETHEUS_MULTIPROC_DIR
(set by velferdslab/gunicorn_conf.py) and a scrape adds them up, so one scrape of an instance
covers all its workers. The job queue's depth and the reports by status are read at scrape time.

Who may read it: a client whose address is in METRICS_ALLOWED_ADDRESSES (networks; by default
the machine itself), or one sending `Authorization: Bearer <METRICS_TOKEN>` when a token is set.
Anyone else gets 404, as for a page that does not exist. A request that carries X-Forwarded-For
while PROXY_COUNT = 0 came through a proxy the service was not told of: its address is the
proxy's (on the same machine: 127.0.0.1), so only the token lets it read.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from velferdslab.web.security import forwarded_without_proxy

REQUEST_SECONDS = Histogram(
    "velferdslab_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
JOB_SECONDS = Histogram(
    "velferdslab_job_duration_seconds",
    "Time a background job ran, by job and outcome (done or error).",
    ["job", "outcome"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
)
JOB_DELAY_SECONDS = Histogram(
    "velferdslab_job_queue_delay_seconds",
    "Time from a job's enqueuing to its first start by a worker, by job.",
    ["job"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
AUDIT_EVENTS = Counter(
    "velferdslab_audit_events_written",
    "Audit events committed to the audit log.",
)


def job_started(name: str, waited_seconds: float) -> None:
    JOB_DELAY_SECONDS.labels(job=name).observe(max(waited_seconds, 0.0))


def job_finished(name: str, outcome: str, seconds: float) -> None:
    JOB_SECONDS.labels(job=name, outcome=outcome).observe(seconds)


# Audit events are counted when their transaction commits, whoever wrote them.


@event.listens_for(Session, "do_orm_execute")
def _count_audit_inserts(state: ORMExecuteState) -> None:
    table = getattr(state.statement, "table", None)
    if state.is_insert and getattr(table, "name", None) == "audit_event":
        rows = state.parameters
        count = len(rows) if isinstance(rows, list | tuple) else 1
        state.session.info["audit_events_pending"] = (
            state.session.info.get("audit_events_pending", 0) + count
        )


@event.listens_for(Session, "after_commit")
def _audit_committed(session: Session) -> None:
    written = session.info.pop("audit_events_pending", 0)
    if written:
        AUDIT_EVENTS.inc(written)


@event.listens_for(Session, "after_rollback")
def _audit_rolled_back(session: Session) -> None:
    session.info.pop("audit_events_pending", None)


QUEUE_DEPTH = "velferdslab_queue_depth"


class LiveCollector(Collector):
    """Read at scrape time: the queue's depth and the reports by status."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from velferdslab.extensions import db
        from velferdslab.reports.models import IssuedReport

        depth = GaugeMetricFamily(
            "velferdslab_job_queue_depth",
            "Jobs waiting for a worker (the broker's queue; 0 without a broker).",
        )
        try:
            # Set by the factory (the job runner reports to the metrics, not the other way).
            depth.add_metric([], self.app.extensions[QUEUE_DEPTH]())
        except Exception:  # the broker is down: /readyz says so; the scrape still answers
            depth.add_metric([], float("nan"))
        yield depth
        reports = GaugeMetricFamily(
            "velferdslab_reports", "Issued reports by status.", labels=["status"]
        )
        with self.app.app_context():
            counts = dict(
                db.session.execute(
                    select(IssuedReport.status, func.count()).group_by(IssuedReport.status)
                ).all()
            )
        for status in ("queued", "running", "ready", "failed"):
            reports.add_metric([status], counts.get(status, 0))
        yield reports


def _may_read() -> bool:
    token = str(current_app.config.get("METRICS_TOKEN") or "")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    if forwarded_without_proxy():
        return False  # the address is an unconfigured proxy's (maybe 127.0.0.1), not the client's
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    networks = current_app.config.get("METRICS_ALLOWED_ADDRESSES") or []
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def scrape(app: Flask) -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        for collector in (REQUEST_SECONDS, JOB_SECONDS, JOB_DELAY_SECONDS, AUDIT_EVENTS):
            registry.register(collector)
    registry.register(LiveCollector(app))
    return generate_latest(registry)


def create_blueprint() -> Blueprint:
    blueprint = Blueprint("metrics", __name__)

    @blueprint.get("/metrics")
    def metrics() -> Response:
        if not _may_read():
            abort(404)
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        return Response(scrape(app), mimetype=CONTENT_TYPE_LATEST)

    return blueprint


def init_app(app: Flask) -> None:
    """Time every request; the label is the endpoint (not the path: no ids, bounded)."""

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def observe(response: Response) -> Response:
        started = g.get("request_started")
        if started is not None:
            REQUEST_SECONDS.labels(
                endpoint=request.endpoint or "unmatched",
                method=request.method,
                status=str(response.status_code),
            ).observe(time.perf_counter() - started)
        return response
