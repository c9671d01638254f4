"""One limit on failed sign-ins, per account and per client address, for the API and the pages.

Failed attempts are rows of a table (`login_failure`), so the count is one for every worker,
every instance and both ways of signing in (`POST /api/v1/auth/token` and the login page), with
no server besides the database. An account with LOGIN_FAILURES_PER_ACCOUNT failures within
LOGIN_FAILURE_WINDOW_SECONDS is refused (429) from any address, however many addresses the
guesses come from; an address with LOGIN_FAILURES_PER_ADDRESS failures is refused for any
account. While refused, attempts are not checked and not counted, so a lockout ends when the
window has passed. The client's address is werkzeug's `remote_addr`: a forwarded address counts
only behind a configured number of proxies (PROXY_COUNT, see velferdslab.web.security).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import delete, func, select

from velferdslab.auth.current import client_ip
from velferdslab.auth.models import LoginFailure
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import DomainError
from velferdslab.transactions import keep_after_rollback


class TooManyAttempts(DomainError):
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many failed sign-ins for this account or from this address: "
            "wait a few minutes and try again."
        )
        self.headers = {"Retry-After": str(retry_after)}


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=int(current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]))


def check(session: AnySession, username: str) -> None:
    """Refuse (429) while the account or the address has too many recent failures."""
    since = utcnow() - _window()
    ip = client_ip() or "-"
    row = session.execute(
        select(
            func.count().filter(LoginFailure.username == username[:80]),
            func.count().filter(LoginFailure.ip == ip),
        ).where(
            LoginFailure.at >= since,
            (LoginFailure.username == username[:80]) | (LoginFailure.ip == ip),
        )
    ).one()
    per_account = int(current_app.config["LOGIN_FAILURES_PER_ACCOUNT"])
    per_address = int(current_app.config["LOGIN_FAILURES_PER_ADDRESS"])
    if row[0] >= per_account or row[1] >= per_address:
        raise TooManyAttempts(int(_window().total_seconds()))


def record_failure(username: str) -> None:
    """Count a failed attempt; kept even though the request that failed is rolled back."""
    keep_after_rollback(LoginFailure(at=utcnow(), username=username[:80], ip=client_ip() or "-"))


def forget_old(session: AnySession) -> None:
    """Drop failures older than the window (after a successful sign-in: cheap, indexed)."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - _window()))
