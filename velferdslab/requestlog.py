"""Logs as JSON lines (structlog), one line per request.

A request's line holds its id (the caller's X-Request-ID when it is a plain token, else a new
one, echoed in the answer), the user's id, method, path (without the query string), endpoint,
status and duration. Never a name, a national id, a form field, a header or a token: the path is
made of numeric ids and fixed words only. Every other log record (errors, jobs) goes out as a
JSON line too, with the request id of the request it belongs to.

LOG_FORMAT = "json" (the default) or "console" (readable, for a developer's terminal).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

import structlog
from flask import Flask, Response, g, request

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_configured: list[object] = []

log = structlog.get_logger("velferdslab.request")


def configure(log_format: str, level: str = "INFO", *, handler: bool = True) -> None:
    """Once per process: structlog and the standard library's loggers write the same lines.
    Without `handler` (tests) structlog hands its records to the standard library only, where
    pytest captures them."""
    if _configured == [log_format, handler]:
        return
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.typing.Processor = (
        structlog.dev.ConsoleRenderer(colors=False)
        if log_format == "console"
        else structlog.processors.JSONRenderer()
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    _configured[:] = [log_format, handler]
    if not handler:
        return
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_velferdslab", False)]:
        root.removeHandler(old)
    stream._velferdslab = True  # type: ignore[attr-defined]
    root.addHandler(stream)
    root.setLevel(level)


def init_app(app: Flask) -> None:
    configure(
        str(app.config.get("LOG_FORMAT", "json")),
        str(app.config.get("LOG_LEVEL", "INFO")),
        handler=app.config.get("ENV") != "test",  # pytest captures the standard library's records
    )

    @app.before_request
    def start() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_log_started = time.perf_counter()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=g.request_id)

    @app.after_request
    def finish(response: Response) -> Response:
        started = g.get("request_log_started")
        if started is None:
            return response
        user = g.get("user")
        response.headers["X-Request-ID"] = g.request_id
        log.info(
            "request",
            user_id=getattr(user, "id", None),
            method=request.method,
            path=request.path,
            endpoint=request.endpoint,
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return response

    @app.teardown_request
    def forget(_error: BaseException | None) -> None:
        structlog.contextvars.clear_contextvars()
