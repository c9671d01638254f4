"""The admin's page: municipalities, agencies and users; add a user, (de)activate one, change
a user's roles, agency and municipality, set a one-time password, and link an account to the
person's identity at a provider (the only way an existing account signs in through one)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget, PasswordInput

from velferdslab import policy
from velferdslab.auth import oidc, services
from velferdslab.auth.current import audit
from velferdslab.auth.limits import second_factor_alerts
from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.users.labels import ROLE_LABELS
from velferdslab.users.models import User
from velferdslab.users.services import add_user, update_user, user_or_404, visible_users
from velferdslab.vocabulary import Role
from velferdslab.web.admin import admin_or_404
from velferdslab.web.i18n import localise, show_errors
from velferdslab.web.session import login_required


def _placement_fields() -> tuple[Any, Any, Any]:
    """The roles, municipality and agency of a user, as both the new and the edit form ask."""
    roles = SelectMultipleField(
        _l("Roles"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired()],
    )
    municipality = SelectField(_l("Municipality"), coerce=int, choices=[])
    agency = SelectField(_l("Agency"), coerce=int, choices=[])
    return roles, municipality, agency


class UserForm(FlaskForm):  # type: ignore[misc]
    username = StringField(
        _l("User name"),
        validators=[
            DataRequired(),
            Regexp(r"^[A-Za-z0-9._-]{2,80}$", message=_l("2–80 letters, digits, '.', '_' or '-'.")),
        ],
    )
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=150)])
    roles, municipality_id, agency_id = _placement_fields()
    # A refused form keeps the password typed, as it keeps every other field.
    password = PasswordField(
        _l("First password"),
        validators=[DataRequired(), Length(min=10, max=200)],
        widget=PasswordInput(hide_value=False),
    )


class IdentityForm(FlaskForm):  # type: ignore[misc]
    provider = SelectField(_l("Identity provider"), choices=[])
    subject = StringField(
        _l("The person's identifier at the provider (sub)"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired(), Length(max=255)],
        description=_l(
            "The token's sub claim (never the user name or e-mail, which can change). Once "
            "linked, the account signs in only through the provider: its password stops working."
        ),
    )


def _identity_form() -> IdentityForm:
    form = IdentityForm(prefix="identity")
    form.provider.choices = [(p.name, p.title) for p in oidc.providers().values()]
    return form


class EditUserForm(FlaskForm):  # type: ignore[misc]
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=150)])
    roles, municipality_id, agency_id = _placement_fields()
    password = PasswordField(
        _l("New one-time password"),
        validators=[Optional(), Length(min=10, max=200)],
        widget=PasswordInput(hide_value=False),
        description=_l(
            "Leave empty to keep the password. A password you set works once: the user must "
            "choose their own at the next sign-in, and is signed out everywhere now."
        ),
    )


def _admin() -> User:
    # The same answer as every admin page (404 for others): policy.py's page table decides.
    return admin_or_404()


def _form(admin: User, form: FlaskForm | None = None) -> Any:
    form = form or UserForm()
    form.roles.choices = [(role.value, str(ROLE_LABELS[role.value])) for role in Role]
    municipalities = db.session.scalars(
        select(Municipality)
        .where(policy.scope_filter(admin, Municipality.id))
        .order_by(Municipality.name)
    ).all()
    form.municipality_id.choices = [(m.id, m.name) for m in municipalities]
    agencies = db.session.scalars(
        select(Agency)
        .where(policy.scope_filter(admin, Agency.municipality_id))
        .order_by(Agency.name)
    ).all()
    form.agency_id.choices = [(0, "–"), *[(a.id, a.name) for a in agencies]]
    return form


def _ask_deactivation(user: User) -> ResponseReturnValue:
    return render_template(
        "admin/confirm.html",
        title=_l("Deactivate %(name)s?", name=user.full_name),
        consequences=[
            _l(
                "%(name)s (%(username)s) can no longer sign in and is signed out everywhere now.",
                name=user.full_name, username=user.username,
            ),
            _l("What they wrote stays, under their name; their team memberships stay as they are."),
            _l("An admin can activate the user again."),
        ],
        confirm_label=_l("Deactivate"),
        cancel_url=url_for(".index"),
        action=request.path,
        hidden={"active": "0"},
    )  # fmt: skip


def _deactivated(user: User) -> Any:
    return _l(
        "%(name)s is deactivated: they can no longer sign in and were signed out everywhere.",
        name=user.username,
    )


def _activated(user: User) -> Any:
    return _l("%(name)s is active again and can sign in.", name=user.username)


def _current(user: User) -> dict[str, Any]:
    return {
        "full_name": user.full_name,
        "roles": sorted(user.roles),
        "municipality_id": user.municipality_id or 0,
        "agency_id": user.agency_id or 0,
    }


def _edit_form(admin: User, current: dict[str, Any]) -> Any:
    form = _form(admin, EditUserForm(data=current))
    if admin.municipality_id is None:
        form.municipality_id.choices = [
            (0, str(_l("all (regional)"))),
            *form.municipality_id.choices,
        ]
    return form


def create_blueprint() -> Blueprint:
    blp = Blueprint("admin_pages", __name__, url_prefix="/admin")

    @blp.route("", methods=["GET", "POST"])
    @login_required
    def index() -> ResponseReturnValue:
        admin = _admin()
        form = _form(admin)
        if form.validate_on_submit():
            try:
                user = add_user(
                    db.session,
                    admin,
                    {
                        "username": form.username.data,
                        "full_name": form.full_name.data,
                        "roles": form.roles.data,
                        "municipality_id": form.municipality_id.data,
                        "agency_id": form.agency_id.data or None,
                        "password": form.password.data,
                        "active": True,
                    },
                )
            except DomainError as error:
                show_errors(form, error, "username")
            else:
                flash(_l("%(name)s can now sign in.", name=user.username), "success")
                return redirect(url_for(".index"))
        users = db.session.scalars(visible_users(admin, {})).all()
        audit("list", "user", details={"page": "admin"})
        alerts = second_factor_alerts(db.session, admin)
        names = {m: n for m, n in form.municipality_id.choices}
        return render_template(
            "admin/index.html",
            form=form,
            users=users,
            municipalities=names,
            role_labels=ROLE_LABELS,
            second_factor_alerts=alerts,
        ), 422 if form.errors else 200

    @blp.route("/users/<id:user_id>", methods=["GET", "POST"])
    @login_required
    def edit(user_id: int) -> ResponseReturnValue:
        admin = _admin()
        user = user_or_404(db.session, admin, user_id)
        current = _current(user)
        form = _edit_form(admin, current)
        if form.validate_on_submit():
            wanted = {
                "full_name": form.full_name.data,
                "roles": sorted(form.roles.data or []),
                "municipality_id": form.municipality_id.data,
                "agency_id": form.agency_id.data,
            }
            changes: dict[str, Any] = {k: v for k, v in wanted.items() if v != current[k]}
            for key in ("municipality_id", "agency_id"):
                if key in changes and not changes[key]:
                    changes[key] = None
            if form.password.data:
                changes["password"] = form.password.data
            try:
                if changes:
                    update_user(db.session, admin, user, changes)
            except DomainError as error:
                show_errors(form, error, "full_name")
            else:
                flash(_l("%(name)s is saved.", name=user.username), "success")
                return redirect(url_for(".index"))
        audit("read", "user", user.id)
        return render_template(
            "admin/user.html",
            form=form,
            user=user,
            role_labels=ROLE_LABELS,
            identity=_identity_form(),
        ), 422 if form.errors else 200

    @blp.route("/users/<id:user_id>/identity", methods=["POST"])
    @login_required
    def identity(user_id: int) -> ResponseReturnValue:
        admin = _admin()
        user = user_or_404(db.session, admin, user_id)
        if request.form.get("unlink") == "1":
            services.unlink_identity(db.session, user)
            flash(_l("%(name)s no longer signs in through a provider.", name=user.username), "info")
            return redirect(url_for(".edit", user_id=user.id))
        form = _identity_form()
        if form.validate_on_submit():
            try:
                services.link_identity(
                    db.session, admin, user, form.provider.data, form.subject.data
                )
            except DomainError as error:
                show_errors(form, error, "subject")
            else:
                flash(
                    _l("%(name)s now signs in through the provider.", name=user.username), "success"
                )
                return redirect(url_for(".edit", user_id=user.id))
        audit("read", "user", user.id)
        return render_template(
            "admin/user.html",
            form=_edit_form(admin, _current(user)),
            user=user,
            role_labels=ROLE_LABELS,
            identity=form,
        ), 422

    @blp.route("/users/<id:user_id>/active", methods=["POST"])
    @login_required
    def toggle(user_id: int) -> ResponseReturnValue:
        admin = _admin()
        user = user_or_404(db.session, admin, user_id)
        active = request.form.get("active") == "1"
        if not active and user.active and request.form.get("confirmed") != "yes":
            return _ask_deactivation(user)
        try:
            update_user(db.session, admin, user, {"active": active})
        except DomainError as error:
            flash(localise(error.message), "error")
        else:
            flash(_deactivated(user) if not active else _activated(user), "success")
        return redirect(url_for(".index"))

    return blp
