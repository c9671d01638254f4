"""Login and logout with a session cookie; the signed-in user for every page.

The cookie is signed by Flask and holds the user's id, the user's *session epoch* when the
session was opened, and when it was opened. Every page request reads the user anyway (roles,
active), and checks on that same row that the epoch is still the user's: logout, a new password,
new roles or deactivation raise the epoch and so end every session of the user at once, in every
worker, with no session store. A session also ends after SESSION_TTL_SECONDS without use (the
signature's age, checked by Flask) and SESSION_MAX_AGE_SECONDS after sign-in, however busy.
"""

from __future__ import annotations

import time
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlparse

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from velferdslab.auth.api import authenticate
from velferdslab.auth.current import set_current_user
from velferdslab.auth.limits import TooManyAttempts
from velferdslab.auth.local_login import totp_required
from velferdslab.extensions import db
from velferdslab.users.models import User
from velferdslab.users.services import end_sessions
from velferdslab.web.sso import TOTP_PENDING, logout_target

F = TypeVar("F")


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


# Served the same to everyone: a stylesheet (fetched with every page) or the liveness probe
# need not read the user from the database.
NO_USER_ENDPOINTS = frozenset({"static", "health.healthz"})


def start_session(user: User) -> None:
    """Sign the user in to the pages: a fresh session (no fixation of an earlier one) bound to
    the user's current session epoch. The one way to open a session, whatever checked who the
    user is (password, single sign-on)."""
    language = session.get("language")
    session.clear()
    session["user_id"] = user.id
    session["epoch"] = user.session_epoch
    session["since"] = int(time.time())
    if language:
        session["language"] = language
    session.permanent = True


def end_session(user: User | None) -> None:
    """Sign out: this session and every other session of the user end."""
    if user is not None:
        end_sessions(db.session, user)
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


def create_blueprint(limiter: Limiter) -> Blueprint:
    blp = Blueprint("web_auth", __name__)

    @blp.route("/login", methods=["GET", "POST"])
    def login() -> ResponseReturnValue:
        form = LoginForm()
        if form.validate_on_submit():
            try:
                user = authenticate(form.username.data or "", form.password.data or "")
            except TooManyAttempts as error:
                flash(_l("Too many failed sign-ins: wait a few minutes and try again."), "error")
                return render_template("login.html", form=form), 429, error.headers
            if user is not None and totp_required(user):
                session.clear()  # the password is right: now the second factor
                session.update({TOTP_PENDING: user.id, "totp_next": request.args.get("next")})
                return redirect(url_for("sso.second_factor"))
            if user is not None:
                start_session(user)
                return redirect(safe_next(request.args.get("next")))
            flash(_l("Wrong user name or password."), "error")
            return render_template("login.html", form=form), 401
        return render_template("login.html", form=form)

    @blp.route("/logout", methods=["POST"])
    def logout() -> ResponseReturnValue:
        provider_logout = logout_target()  # signed in through a provider: sign out there too
        end_session(g.get("user"))
        flash(_l("You are signed out."), "info")
        return redirect(provider_logout or url_for("web_auth.login"))

    @blp.route("/language", methods=["POST"])
    def language() -> ResponseReturnValue:
        chosen = request.form.get("language")
        if chosen in ("nb", "en"):
            session["language"] = chosen
        return redirect(safe_next(request.form.get("next")))

    return blp
