"""The user's own account: change one's password (the old one required; the rules shown).

A user whose password an admin set (a first password or a reset) reaches no other page until
they have chosen their own: an admin who knows that password cannot use it to read anything.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.users.services import MIN_PASSWORD_LENGTH, change_own_password
from velferdslab.web.auth import login_required, start_session
from velferdslab.web.i18n import show_errors

# What a user with a one-time password may still open.
OPEN_WITH_ONE_TIME_PASSWORD = frozenset(
    {"account.password", "web_auth.logout", "web_auth.language", "static", "health.healthz"}
)


class PasswordForm(FlaskForm):  # type: ignore[misc]
    old_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )
    repeat = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("Must match."))],
    )


def require_own_password() -> ResponseReturnValue | None:
    """before_request: a user with a one-time password is sent to choose their own."""
    user = g.get("user")
    if user is None or not user.must_change_password:
        return None
    if request.endpoint in OPEN_WITH_ONE_TIME_PASSWORD or request.path.startswith("/api/"):
        return None
    return redirect(url_for("account.password"))


def create_blueprint() -> Blueprint:
    blp = Blueprint("account", __name__, url_prefix="/account")

    @blp.route("/password", methods=["GET", "POST"])
    @login_required
    def password() -> ResponseReturnValue:
        form = PasswordForm()
        if form.validate_on_submit():
            try:
                change_own_password(
                    db.session, g.user, form.old_password.data or "", form.new_password.data or ""
                )
            except DomainError as error:
                show_errors(form, error, "new_password")
            else:
                start_session(g.user)  # this session goes on; every other one has ended
                flash(_l("Your password is changed. Other sessions are signed out."), "success")
                return redirect(url_for("pages.home"))
        return render_template(
            "account/password.html",
            form=form,
            min_length=MIN_PASSWORD_LENGTH,
            one_time=g.user.must_change_password,
        ), 422 if form.errors else 200

    return blp
