"""The admin's pages for assumption sets: the versions, a new version from a TOML file, and the
description of a set that no issued report has used yet.

A file goes through what the API's POST does (its schema, then benefits.params.from_dict, the
loader of `velferdslab assumptions load`) and is stored by the same service as the next version
under its name. Sets never change in place; only the description may, until a report used it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from typing import Any

import marshmallow as ma
from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import Length

from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.schemas import AssumptionSetInSchema
from velferdslab.assumptions.services import (
    change_description,
    create_set,
    default_set,
    described,
    get_set,
)
from velferdslab.assumptions.toml_guard import TomlTooComplex, check_toml_shape
from velferdslab.assumptions.wording import drop_english_beside
from velferdslab.benefits.params import AssumptionParams, InvalidAssumptions, from_dict
from velferdslab.errors import Conflict
from velferdslab.extensions import db
from velferdslab.web.admin import admin_or_404, normalise_text, printable
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import localise

MAX_FILE_BYTES = 512 * 1024  # the standard set is about 10 kB


class UploadForm(FlaskForm):  # type: ignore[misc]
    file = FileField(
        _l("TOML file"), validators=[FileRequired(message=_l("Choose a TOML file to upload."))]
    )


class DescriptionForm(FlaskForm):  # type: ignore[misc]
    description = TextAreaField(
        _l("Description"), filters=[normalise_text], validators=[Length(max=5000), printable]
    )


class RefusedFile(ValueError):
    """Why an uploaded file is not an assumption set: a headline and the details."""

    def __init__(self, headline: Any, details: list[str] | None = None) -> None:
        super().__init__(str(headline))
        self.headline = str(headline)
        self.details = details or []


def _flatten(errors: Any, path: str = "") -> Iterator[str]:
    """marshmallow's nested messages as 'cost_items.2.domain: Must be one of: …' lines."""
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            yield from _flatten(value, f"{path}.{key}" if path else str(key))
    elif isinstance(errors, list | tuple):
        for message in errors:
            yield from _flatten(message, path)
    else:
        yield f"{path}: {errors}" if path and path != "_schema" else str(errors)


def params_from_toml(raw: bytes) -> AssumptionParams:
    """Read an uploaded file in the format of defaults/assumptions/*.toml; raises RefusedFile."""
    if len(raw) > MAX_FILE_BYTES:
        raise RefusedFile(_l("The file is larger than 512 kB: not an assumption set."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RefusedFile(_l("The file is not UTF-8 text.")) from None
    try:
        check_toml_shape(text)
        data = tomllib.loads(text)
    except TomlTooComplex as error:
        raise RefusedFile(
            _l(
                "The file is too complex to be an assumption set: %(why)s.",
                why=localise(error.reason),
            )
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise RefusedFile(_l("The file is not valid TOML: %(why)s", why=str(error))) from None
    except RecursionError:
        raise RefusedFile(_l("The file is nested too deeply to be an assumption set.")) from None
    if "\x00" in text:
        raise RefusedFile(_l("The file contains a NUL character."))
    # The next version number is given when the set is stored, as by the command line.
    data.pop("version", None)
    drop_english_beside(data)
    invalid = _l("The file is not a valid assumption set; nothing was stored.")
    try:
        loaded = AssumptionSetInSchema().load(data)
        return from_dict(loaded)
    except ma.ValidationError as error:
        raise RefusedFile(invalid, sorted(_flatten(error.messages))) from None
    except InvalidAssumptions as error:
        raise RefusedFile(invalid, sorted(_flatten(error.errors))) from None


def create_blueprint() -> Blueprint:
    blp = Blueprint("assumption_pages", __name__, url_prefix="/admin/assumption-sets")

    @blp.route("", methods=["GET", "POST"])
    @login_required
    def assumption_sets() -> ResponseReturnValue:
        admin = admin_or_404()
        form = UploadForm()
        details: list[str] = []
        if form.validate_on_submit():
            try:
                params = params_from_toml(form.file.data.read(MAX_FILE_BYTES + 1))
            except RefusedFile as refusal:
                form.file.errors = [refusal.headline]
                details = refusal.details
            else:
                row = create_set(db.session, params, admin.id)
                flash(
                    _l(
                        "%(name)s version %(version)s is stored.",
                        name=row.name,
                        version=row.version,
                    ),
                    "success",
                )
                return redirect(url_for(".assumption_set", set_id=row.id))
        default_set(db.session)  # an empty database shows the shipped default, as the API does
        rows = db.session.scalars(
            select(AssumptionSet).order_by(AssumptionSet.name, AssumptionSet.version.desc())
        ).all()
        return render_template(
            "admin/assumption_sets.html", rows=rows, form=form, details=details
        ), 422 if form.errors else 200

    @blp.route("/<id:set_id>", methods=["GET", "POST"])
    @login_required
    def assumption_set(set_id: int) -> ResponseReturnValue:
        admin_or_404()
        row = get_set(db.session, set_id)
        form = DescriptionForm(data={"description": row.description})
        status = 200
        if form.validate_on_submit():
            try:
                change_description(db.session, row, form.description.data or "")
            except Conflict:
                form.description.errors = [
                    str(
                        _l(
                            "An issued report used this assumption set: its description can no "
                            "longer change. Upload a new version instead."
                        )
                    )
                ]
                status = 409
            else:
                flash(_l("The description is saved."), "success")
                return redirect(url_for(".assumption_set", set_id=row.id))
        elif form.errors:
            status = 422
        return render_template(
            "admin/assumption_set.html", row=row, set=described(row, str(get_locale())), form=form
        ), status

    return blp
