"""One transaction per request: commit once when it succeeded, roll back when it failed.

The request's audit events are written in the same commit. Events marked `always` (failed
logins, for instance) are written even when the request failed, in a transaction of their own.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from velferdslab.api.errors import error_body
from velferdslab.audit.services import write_events
from velferdslab.auth.current import pending_events
from velferdslab.extensions import db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.after_request(finish_request)


def finish_request(response: Response) -> Response:
    events = pending_events()
    g.audit_events = []
    if response.status_code < 400:
        try:
            write_events(db.session, events)
            db.session.commit()
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
    if kept:
        write_events(db.session, kept)
        db.session.commit()
    return response


def _failure(code: int, message: str) -> Response:
    from flask import jsonify

    response = jsonify(error_body(code, message))
    response.status_code = code
    return response
