"""One transaction per request: commit once when it succeeded, roll back when it failed.

A request failed when it answers 4xx/5xx, and also when the rules refused anything in it (a
DomainError was made), whatever it answers: a page that shows a refusal and redirects (302)
must not keep what the service wrote before it refused. This module owns the transaction, so
the decision is made here once rather than in every view.

The request's audit events are written in the same commit. Events marked `always` (failed
logins, refused reads, for instance) and rows handed to `keep_after_rollback` are written even
when the request failed, in a transaction of their own.

On SQLite a request that only reads (GET) reads in a deferred transaction, without the write
lock (velferdslab.database); its transaction is ended first and its events (and kept rows) are
appended in a short transaction that takes the lock. It changed nothing, so there is nothing
for them to commit together with. A failure to append still fails the request (503): nobody
reads data whose reading is not logged.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, has_request_context
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from velferdslab.audit.log import take_pending
from velferdslab.audit.services import PendingEvent, write_events
from velferdslab.database import reads_deferred, write_transaction
from velferdslab.errors import DomainError, refusal_listeners
from velferdslab.extensions import db
from velferdslab.web.errors import error_response

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    if _mark_refused not in refusal_listeners:
        refusal_listeners.append(_mark_refused)
    app.after_request(finish_request)


def _mark_refused(_error: DomainError) -> None:
    if has_request_context():
        g.refused = True


def refused() -> bool:
    """Whether the rules refused something in this request."""
    return bool(g.get("refused"))


def keep_after_rollback(row: object) -> None:
    """Write this row even when the request fails (counted login failures, for instance)."""
    g.setdefault("kept_rows", []).append(row)


def finish_request(response: Response) -> Response:
    events = take_pending(db.session)
    kept_rows = list(g.get("kept_rows", []))
    g.kept_rows = []
    read_only = _read_only_sqlite_request()
    if response.status_code < 400 and not refused():
        try:
            if read_only:
                db.session.commit()  # ends the read transaction: it changed nothing
                with write_transaction():
                    _append(kept_rows, events)
            else:
                _append(kept_rows, events)
            return response
        except StaleDataError:
            db.session.rollback()
            return _failure(412, "The record changed since you read it: fetch it again and retry.")
        except IntegrityError as error:
            db.session.rollback()
            log.info("integrity conflict: %s", error.orig)
            return _failure(
                409, "The change conflicts with data already stored; nothing was saved."
            )
        except OperationalError:
            db.session.rollback()
            log.exception("database error at commit")
            return _failure(503, "The database is busy; nothing was saved. Try again.")
    db.session.rollback()
    kept = [event for event in events if event.always]
    if kept or kept_rows:
        with write_transaction():
            _append(kept_rows, kept)
    return response


def _read_only_sqlite_request() -> bool:
    return reads_deferred() and db.session.get_bind().dialect.name == "sqlite"


def _append(kept_rows: list[object], events: list[PendingEvent]) -> None:
    """The kept rows and the events, then commit (with the request's changes, if any)."""
    db.session.add_all(kept_rows)
    write_events(db.session, events)
    db.session.commit()


def _failure(code: int, message: str) -> Response:
    # A page says it in its own words (the error page's text for the code).
    return error_response(code, message, show_message=False)
