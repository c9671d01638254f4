"""The admin's pages for municipalities and their agencies: list, add, rename.

The same services and rules as /api/v1/municipalities and /api/v1/agencies: an admin sees the
municipalities in scope (a regional admin all of them), only a regional admin adds one, and an
agency belongs to its municipality for good. Agencies have no active flag in the model, so
there is nothing to deactivate: rename one or correct its kind or level instead.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from velferdslab import policy
from velferdslab.errors import DomainError, NotFound
from velferdslab.extensions import db
from velferdslab.municipalities import services
from velferdslab.municipalities.models import Agency, Municipality
from velferdslab.users.models import User
from velferdslab.vocabulary import AgencyKind, GovernmentLevel
from velferdslab.web.admin import admin_or_404, printable, strip
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import show_errors
from velferdslab.web.labels import GOVERNMENT_LEVEL_LABELS

ID = "<id:{}>"

AGENCY_KIND_LABELS: dict[str, Any] = {
    AgencyKind.NAV: _l("NAV"),
    AgencyKind.CHILD_WELFARE: _l("child welfare"),
    AgencyKind.HOUSING: _l("housing office"),
    AgencyKind.HEALTH: _l("health service"),
    AgencyKind.SCHOOL: _l("school"),
    AgencyKind.KINDERGARTEN: _l("kindergarten"),
    AgencyKind.PPT: _l("educational-psychological service (PPT)"),
    AgencyKind.POLICE: _l("police"),
    AgencyKind.REFUGEE: _l("refugee service"),
    AgencyKind.ECONOMIC_ADVICE: _l("debt and financial advice"),
    AgencyKind.VOLUNTARY: _l("voluntary organisation"),
    AgencyKind.OTHER: _l("other"),
}


class MunicipalityForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the municipality's name.")),
            Length(max=100),
            printable,
        ],
    )
    number = StringField(
        _l("Municipality number"),
        filters=[strip],
        validators=[
            Regexp(r"^[0-9]{4}\Z", message=_l("Exactly 4 digits (kommunenummer), e.g. 0301."))
        ],
    )
    reference_prefix = StringField(
        _l("Reference prefix"),
        filters=[lambda value: value.strip().upper() if isinstance(value, str) else value],
        validators=[
            Optional(),  # empty: derived from the name (Asker → ASK)
            Regexp(r"^[A-ZÆØÅ]{2,5}\Z", message=_l("2–5 capital letters (A–Z, Æ, Ø, Å).")),
        ],
    )


class AgencyForm(FlaskForm):  # type: ignore[misc]
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the agency's name.")),
            Length(max=150),
            printable,
        ],
    )
    kind = SelectField(_l("Kind"), choices=[])
    government_level = SelectField(_l("Government level"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, str(AGENCY_KIND_LABELS[k])) for k in AgencyKind]
        self.government_level.choices = [
            (v.value, str(GOVERNMENT_LEVEL_LABELS[v])) for v in GovernmentLevel
        ]

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "kind": self.kind.data,
            "government_level": self.government_level.data,
        }


def label_helpers() -> dict[str, Any]:
    return {
        "kind_label": lambda k: str(AGENCY_KIND_LABELS.get(str(k), k)),
        "government_level_label": lambda v: str(GOVERNMENT_LEVEL_LABELS.get(str(v), v)),
    }


def create_blueprint() -> Blueprint:
    blp = Blueprint("municipality_pages", __name__, url_prefix="/admin")

    @blp.route("/municipalities", methods=["GET", "POST"])
    @login_required
    def municipalities() -> ResponseReturnValue:
        admin = admin_or_404()
        regional = policy.may_add_municipality(admin)
        form = MunicipalityForm()
        if form.is_submitted() and not regional:
            raise NotFound()  # only a regional admin adds municipalities: no form, no page
        if form.validate_on_submit():
            try:
                row = services.create_municipality(
                    db.session,
                    {
                        "name": form.name.data,
                        "number": form.number.data,
                        "reference_prefix": form.reference_prefix.data,
                    },
                )
            except DomainError as error:
                show_errors(form, error, "name")
            else:
                flash(_l("%(name)s is added.", name=row.name), "success")
                return redirect(url_for(".municipality", municipality_id=row.id))
        return render_template(
            "admin/municipalities.html",
            form=form if regional else None,
            rows=_with_agency_counts(admin),
        ), 422 if form.errors else 200

    @blp.route(f"/municipalities/{ID.format('municipality_id')}", methods=["GET", "POST"])
    @login_required
    def municipality(municipality_id: int) -> ResponseReturnValue:
        admin = admin_or_404()
        row = services.municipality_or_404(db.session, admin, municipality_id)
        form = AgencyForm()
        if form.validate_on_submit():
            try:
                agency = services.create_agency(
                    db.session, admin, {**form.values(), "municipality_id": row.id}
                )
            except DomainError as error:
                show_errors(form, error, "name")
            else:
                flash(_l("%(name)s is added.", name=agency.name), "success")
                return redirect(url_for(".municipality", municipality_id=row.id))
        agencies = db.session.scalars(
            services.visible_agencies(admin, {"municipality_id": row.id})
        ).all()
        return render_template(
            "admin/municipality.html",
            municipality=row,
            agencies=agencies,
            form=form,
            **label_helpers(),
        ), 422 if form.errors else 200

    @blp.route(f"/agencies/{ID.format('agency_id')}", methods=["GET", "POST"])
    @login_required
    def agency(agency_id: int) -> ResponseReturnValue:
        admin = admin_or_404()
        row = services.agency_or_404(db.session, admin, agency_id)
        form = AgencyForm(
            data={
                "name": row.name,
                "kind": _value(row.kind),
                "government_level": _value(row.government_level),
            }
        )
        if form.validate_on_submit():
            changes = {k: v for k, v in form.values().items() if _value(getattr(row, k)) != v}
            try:
                services.update_agency(db.session, row, changes)
            except DomainError as error:
                show_errors(form, error, "name")
            else:
                if changes:
                    flash(_l("%(name)s is saved.", name=row.name), "success")
                else:
                    flash(_l("Nothing was changed."), "info")
                return redirect(url_for(".municipality", municipality_id=row.municipality_id))
        owner = db.session.get(Municipality, row.municipality_id)
        return render_template(
            "admin/agency.html", agency=row, municipality=owner, form=form
        ), 422 if form.errors else 200

    return blp


def _value(member: object) -> str:
    return str(getattr(member, "value", member))


def _with_agency_counts(admin: User) -> list[tuple[Municipality, int]]:
    counts = (
        select(Agency.municipality_id, func.count(Agency.id).label("agencies"))
        .group_by(Agency.municipality_id)
        .subquery()
    )
    query = (
        services.visible_municipalities(admin)
        .add_columns(func.coalesce(counts.c.agencies, 0))
        .outerjoin(counts, counts.c.municipality_id == Municipality.id)
    )
    return [(row, int(count)) for row, count in db.session.execute(query).all()]
