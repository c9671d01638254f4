"""One limit on failed sign-ins, per account and per client address, for the API and the pages.

Failed attempts are rows of a table (`login_failure`), so the count is one for every worker,
every instance and both ways of signing in (`POST /api/v1/auth/token` and the login page), with
no server besides the database. An account with LOGIN_FAILURES_PER_ACCOUNT failures within
LOGIN_FAILURE_WINDOW_SECONDS, or LOGIN_SECOND_FACTOR_FAILURES_PER_ACCOUNT wrong second-factor
codes (a code has a million values, a password many more), is refused (429) from any address,
however many addresses the guesses come from; while refused, attempts are not checked and not
counted, so a lockout ends when the window has passed.

The address limit (LOGIN_FAILURES_PER_ADDRESS) only slows guessing: many people may share one
address (a municipality's NAT, a proxy), so a right password is never refused by it. Over it,
every attempt from the address waits LOGIN_ADDRESS_DELAY_SECONDS and a wrong password answers
429. The client's address is werkzeug's `remote_addr`: a forwarded address counts only behind a
configured number of proxies (PROXY_COUNT, see velferdslab.web.security).
"""

from __future__ import annotations

import datetime as dt
import time

from flask import current_app
from sqlalchemy import delete, func, select

from velferdslab import policy
from velferdslab.auth.current import client_ip
from velferdslab.auth.models import PASSWORD, SECOND_FACTOR, LoginFailure
from velferdslab.db import AnySession, utcnow
from velferdslab.errors import TooMany
from velferdslab.transactions import keep_after_rollback
from velferdslab.users.models import User


class TooManyAttempts(TooMany):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many failed sign-ins for this account or from this address: "
            "wait a few minutes and try again.",
            retry_after,
        )


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=int(current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]))


def _setting(name: str) -> int:
    return int(current_app.config[name])


def refuse() -> TooManyAttempts:
    return TooManyAttempts(int(_window().total_seconds()))


def check(session: AnySession, username: str) -> None:
    """Refuse (429) while the account has too many recent failures, of either kind."""
    name = username[:80]
    row = session.execute(
        select(func.count(), func.count().filter(LoginFailure.kind == SECOND_FACTOR)).where(
            LoginFailure.at >= utcnow() - _window(), LoginFailure.username == name
        )
    ).one()
    if row[0] >= _setting("LOGIN_FAILURES_PER_ACCOUNT") or row[1] >= _setting(
        "LOGIN_SECOND_FACTOR_FAILURES_PER_ACCOUNT"
    ):
        raise refuse()


def slow_down_busy_address(session: AnySession) -> bool:
    """True (after the delay) when the client's address has too many recent failures: then a
    wrong password answers 429, a right one still signs in."""
    ip = client_ip() or "-"
    failures = session.scalar(
        select(func.count()).where(LoginFailure.at >= utcnow() - _window(), LoginFailure.ip == ip)
    )
    if (failures or 0) < _setting("LOGIN_FAILURES_PER_ADDRESS"):
        return False
    time.sleep(float(current_app.config.get("LOGIN_ADDRESS_DELAY_SECONDS", 0)))
    return True


def record_failure(username: str, kind: str = PASSWORD) -> None:
    """Count a failed attempt; kept even though the request that failed is rolled back."""
    keep_after_rollback(
        LoginFailure(at=utcnow(), username=username[:80], ip=client_ip() or "-", kind=kind)
    )


def forget_old(session: AnySession) -> None:
    """Drop failures older than the window (after a successful sign-in: cheap, indexed)."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - _window()))


def second_factor_alerts(session: AnySession, viewer: User) -> list[tuple[str, int]]:
    """Accounts in the viewer's scope with wrong second-factor codes within the window, and how
    many: someone who knows the password may be guessing the code (shown on the admin page)."""
    rows = session.execute(
        select(LoginFailure.username, func.count())
        .join(User, User.username == LoginFailure.username)
        .where(
            LoginFailure.kind == SECOND_FACTOR,
            LoginFailure.at >= utcnow() - _window(),
            policy.scope_filter(viewer, User.municipality_id),
        )
        .group_by(LoginFailure.username)
        .order_by(func.count().desc(), LoginFailure.username)
    ).all()
    return [(str(name), int(count)) for name, count in rows]
