"""Login and logout with a session cookie; the signed-in user for every page."""

from __future__ import annotations

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
from velferdslab.auth.local_login import totp_required
from velferdslab.extensions import db
from velferdslab.users.models import User
from velferdslab.web.sso import TOTP_PENDING, logout_target

F = TypeVar("F")


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


# Served the same to everyone: a stylesheet (fetched with every page) or the liveness probe
# need not read the user from the database.
NO_USER_ENDPOINTS = frozenset({"static", "health.healthz"})


def load_session_user() -> None:
    """before_request for pages: the user of the session cookie, if still active."""
    if request.path.startswith("/api/") or request.endpoint in NO_USER_ENDPOINTS:
        return
    user_id = session.get("user_id")
    # The roles in the same round trip: every page asks for them.
    options = [joinedload(User.role_rows)]
    user = db.session.get(User, user_id, options=options) if isinstance(user_id, int) else None
    if user is not None and not user.active:
        session.clear()
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


def start_session(user: User) -> None:
    """The one way a web session starts, after a password (and second factor) or a provider."""
    session.clear()  # a fresh session: no fixation of an earlier one
    session["user_id"] = user.id
    session.permanent = True


def create_blueprint(limiter: Limiter) -> Blueprint:
    blp = Blueprint("web_auth", __name__)

    @blp.route("/login", methods=["GET", "POST"])
    @limiter.limit(
        lambda: str(current_app.config["LOGIN_RATE_LIMIT"]),
        methods=["POST"],
        deduct_when=lambda response: response.status_code == 401,
    )
    def login() -> ResponseReturnValue:
        form = LoginForm()
        if form.validate_on_submit():
            user = authenticate(form.username.data or "", form.password.data or "")
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
        session.clear()
        flash(_l("You are signed out."), "info")
        return redirect(provider_logout or url_for("web_auth.login"))

    @blp.route("/language", methods=["POST"])
    def language() -> ResponseReturnValue:
        chosen = request.form.get("language")
        if chosen in ("nb", "en"):
            session["language"] = chosen
        return redirect(safe_next(request.form.get("next")))

    return blp
