"""The one way to audit: `record(session, …)` adds an event to the session's pending events, and
they are written (appended to the hash chain) in the same commit as the change they describe.

Services call it where they make a change, inside a request or not: a job or a CLI command
that commits gets its events written by the same hook (`before_commit`), and a rollback drops
them with the change. In a request the transaction owner (velferdslab.transactions) takes the
pending events itself, so that events marked `always` (refused access, failed logins) are
written even when the request fails.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from velferdslab.audit.services import PendingEvent, write_events
from velferdslab.db import AnySession

PENDING_KEY = "velferdslab_audit_pending"


def record(
    session: AnySession,
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    family_id: int | None = None,
    details: dict[str, Any] | None = None,
    always: bool = False,
    user_id: int | None = None,
) -> None:
    """Add an event; it is written with the session's next commit. The user defaults to the
    request's user and the address is the request's, when there is a request."""
    if user_id is None and has_request_context():
        user = g.get("user")
        user_id = user.id if user is not None else None
    pending_of(session).append(
        PendingEvent(
            action=action,
            entity=entity,
            entity_id=entity_id,
            family_id=family_id,
            user_id=user_id,
            ip=request.remote_addr if has_request_context() else None,
            details=details or {},
            always=always,
        )
    )


def pending_of(session: AnySession) -> list[PendingEvent]:
    events: list[PendingEvent] = session.info.setdefault(PENDING_KEY, [])
    return events


def take_pending(session: AnySession) -> list[PendingEvent]:
    """The session's pending events, removed from it (the transaction owner writes them)."""
    events: list[PendingEvent] = session.info.pop(PENDING_KEY, [])
    return events


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    # SQLAlchemy calls this for a savepoint's release too: the events wait for the
    # transaction's own commit (a refusal marked `always` must not be written into a
    # transaction the request then rolls back).
    if session.in_nested_transaction():
        return
    events = take_pending(session)
    if events:
        write_events(session, events)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous: SessionTransaction) -> None:
    # A savepoint rolled back (a retried reference number, say) is not the transaction's end:
    # the events recorded before it stay.
    if previous.parent is None:
        session.info.pop(PENDING_KEY, None)
