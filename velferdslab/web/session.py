"""The web session: opening one, the signed-in user for every page, and what a page needs to
send the visitor to the login page. Kept apart from the login pages (velferdslab.web.auth) and
the provider's pages (velferdslab.web.sso), which both open sessions, so neither imports the
other's module to do it.

The cookie is signed by Flask (readable, not encrypted: it holds no secret and no token) and
holds the user's id, the user's *session epoch* when the session was opened, and when it was
opened. Every page request reads the user anyway (roles, active), and checks on that same row
that the epoch is still the user's: logout, a new password, new roles or deactivation raise the
epoch and so end every session of the user at once, in every worker, with no session store. A
session also ends after SESSION_TTL_SECONDS without use (the signature's age, checked by Flask)
and SESSION_MAX_AGE_SECONDS after sign-in, however busy.
"""

from __future__ import annotations

import time
from functools import wraps
from typing import Any
from urllib.parse import urlparse

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy.orm import joinedload

from velferdslab.auth.current import set_current_user
from velferdslab.extensions import db
from velferdslab.users.models import User

# In the session: provider, the SHA-256 digest naming its ID token (the token itself is kept
# server-side, velferdslab.auth.models.UsedAssertion), and the token's expiry.
SSO_KEY = "sso"
TOTP_PENDING = "totp_user_id"

# Served the same to everyone: a stylesheet (fetched with every page) or the liveness probe
# need not read the user from the database.
NO_USER_ENDPOINTS = frozenset({"static", "health.healthz"})


def start_session(user: User) -> None:
    """Sign the user in to the pages: a fresh session (no fixation of an earlier one) bound to
    the user's current session epoch. The one way to open a session, whatever checked who the
    user is (password, single sign-on)."""
    clear_keeping_language()
    session["user_id"] = user.id
    session["epoch"] = user.session_epoch
    session["since"] = int(time.time())
    session.permanent = True


def clear_keeping_language() -> None:
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language


def _session_is_current(user: User) -> bool:
    since = session.get("since")
    max_age = int(current_app.config["SESSION_MAX_AGE_SECONDS"])
    return (
        user.active
        and session.get("epoch") == user.session_epoch
        and isinstance(since, int)
        and 0 <= time.time() - since < max_age
    )


def load_session_user() -> None:
    """before_request for pages: the user of the session cookie, if the session still holds."""
    if request.path.startswith("/api/") or request.endpoint in NO_USER_ENDPOINTS:
        return
    user_id = session.get("user_id")
    # The roles in the same round trip: every page asks for them.
    options = [joinedload(User.role_rows)]
    user = db.session.get(User, user_id, options=options) if isinstance(user_id, int) else None
    if user is not None and not _session_is_current(user):
        session.pop("user_id", None)
        session.pop("epoch", None)
        session.pop("since", None)
        user = None
    set_current_user(user)


def login_required(view: Any) -> Any:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("web_auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    # Only paths on this site: an open redirect would let a phishing link borrow our login.
    if not target or urlparse(target).netloc or not target.startswith("/"):
        return url_for("pages.home")
    return target
