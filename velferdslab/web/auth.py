"""The login page, sign-out and the language choice. The session itself (opening one, the
signed-in user of every page, login_required) is velferdslab.web.session; what a sign-in or a
sign-out changes is velferdslab.auth.services."""

from __future__ import annotations

from flask import (
    Blueprint,
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
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from velferdslab.auth import services
from velferdslab.auth.limits import TooManyAttempts
from velferdslab.extensions import db
from velferdslab.users.models import User
from velferdslab.web.session import (
    SSO_KEY,
    TOTP_PENDING,
    clear_keeping_language,
    load_session_user,
    login_required,
    safe_next,
    start_session,
)
from velferdslab.web.sso import logout_target

# the pages import these from here
__all__ = ["create_blueprint", "load_session_user", "login_required", "safe_next", "start_session"]


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def end_session(user: User | None) -> None:
    """Sign out: this session and every other session of the user end (and, for a provider's
    user, the API tokens its sign-ins gave)."""
    if user is not None:
        sso = session.get(SSO_KEY)
        digest = sso.get("token") if isinstance(sso, dict) else None
        services.sign_out(db.session, user, digest if isinstance(digest, str) else None)
    clear_keeping_language()


def create_blueprint(limiter: Limiter) -> Blueprint:
    blp = Blueprint("web_auth", __name__)

    @blp.route("/login", methods=["GET", "POST"])
    def login() -> ResponseReturnValue:
        form = LoginForm()
        if form.validate_on_submit():
            try:
                user = services.authenticate(
                    db.session, form.username.data or "", form.password.data or ""
                )
            except TooManyAttempts as error:
                flash(_l("Too many failed sign-ins: wait a few minutes and try again."), "error")
                return render_template("login.html", form=form), 429, error.headers
            if user is not None and services.needs_second_factor(user):
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
