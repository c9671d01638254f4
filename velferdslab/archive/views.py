"""The admin's archive pages: the outbox with its failures (alerts after N), sending a record
again, and each municipality's classification, screening and what is archived."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from velferdslab import policy
from velferdslab.archive import services
from velferdslab.archive.models import ArchiveKind, ArchiveRecord
from velferdslab.archive.titles import STATE_LABELS, kind_label
from velferdslab.errors import DomainError, NotFound
from velferdslab.extensions import db
from velferdslab.municipalities.models import Municipality
from velferdslab.web.admin import admin_or_404, printable, strip
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import show_errors


class SettingsForm(FlaskForm):  # type: ignore[misc]
    administrative_unit = StringField(
        _l("Administrative unit"), filters=[strip], validators=[Length(max=150), printable]
    )
    classification_system = StringField(
        _l("Classification system"), filters=[strip], validators=[Length(max=50), printable]
    )
    class_id = StringField(
        _l("Class (arkivnøkkel)"), filters=[strip], validators=[Length(max=50), printable]
    )
    screening = BooleanField(_l("Screen every record (skjerming)"))
    access_restriction = StringField(
        _l("Access restriction code"),
        filters=[strip],
        validators=[Optional(), Length(max=20), printable],
    )
    screening_authority = StringField(
        _l("Legal basis of the screening"),
        filters=[strip],
        validators=[Optional(), Length(max=200), printable],
    )
    national_ids = BooleanField(_l("Send the members' national ids"))
    kinds = SelectMultipleField(
        _l("Archive these records"),
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kinds.choices = [(kind.value, kind_label(kind)) for kind in ArchiveKind]

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in services.SETTINGS_FIELDS}


def create_blueprint() -> Blueprint:
    blp = Blueprint("archive_pages", __name__, url_prefix="/admin/archive")

    @blp.route("")
    @login_required
    def outbox() -> ResponseReturnValue:
        admin = admin_or_404()
        municipalities = db.session.scalars(
            select(Municipality)
            .where(policy.scope_filter(admin, Municipality.id))
            .order_by(Municipality.name)
        ).all()
        return render_template(
            "archive/outbox.html",
            outbox=services.outbox(db.session, admin, dt.date.today()),
            municipalities=municipalities,
            state_labels=STATE_LABELS,
        )

    @blp.route("/<id:record_id>/retry", methods=["POST"])
    @login_required
    def retry(record_id: int) -> ResponseReturnValue:
        admin = admin_or_404()
        record = db.session.get(ArchiveRecord, record_id)
        if record is None:
            raise NotFound()
        policy.family_or_404(db.session, admin, record.family_id, "archive.read")
        if not FlaskForm().validate_on_submit():
            raise NotFound()
        services.send_again(db.session, record)
        flash(_l("The record goes to the archive again, with the same key."), "success")
        return redirect(url_for(".outbox"))

    @blp.route("/settings/<id:municipality_id>", methods=["GET", "POST"])
    @login_required
    def settings(municipality_id: int) -> ResponseReturnValue:
        admin = admin_or_404()
        municipality = db.session.get(Municipality, municipality_id)
        if municipality is None or not policy.in_scope(admin, municipality_id):
            raise NotFound()
        row = services.settings_row(db.session, municipality_id)
        form = SettingsForm(data={name: getattr(row, name) for name in services.SETTINGS_FIELDS})
        if form.validate_on_submit():
            try:
                services.save_settings(db.session, municipality_id, form.values())
            except DomainError as error:
                show_errors(form, error, "administrative_unit")
            else:
                flash(
                    _l("The archive settings of %(name)s are saved.", name=municipality.name),
                    "success",
                )
                return redirect(url_for(".outbox"))
        return render_template(
            "archive/settings.html", form=form, municipality=municipality
        ), 422 if form.errors else 200

    return blp
