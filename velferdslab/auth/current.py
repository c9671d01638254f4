"""The user behind the current request, and the audit events the request collects."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request

from velferdslab.audit.log import record
from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.users.models import User


class NotAuthenticated(DomainError):
    status_code = 401

    def __init__(self, message: str = "Authentication is required: send a valid bearer token."):
        super().__init__(message)


def set_current_user(user: User | None) -> None:
    g.user = user


def optional_user() -> User | None:
    return g.get("user") if has_request_context() else None


def current_user() -> User:
    user = optional_user()
    if user is None:
        raise NotAuthenticated()
    return user


def client_ip() -> str | None:
    # Behind a reverse proxy, configure werkzeug's ProxyFix so remote_addr is the client.
    return request.remote_addr if has_request_context() else None


def audit(
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    family_id: int | None = None,
    details: dict[str, Any] | None = None,
    always: bool = False,
    user_id: int | None = None,
) -> None:
    """An event of this request (what was read or refused, at the edge); changes are recorded
    by the services that make them (velferdslab.audit.log.record)."""
    record(
        db.session,
        action,
        entity,
        entity_id,
        family_id=family_id,
        details=details,
        always=always,
        user_id=user_id,
    )
