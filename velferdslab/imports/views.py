"""The "Importer" page: download the template, upload a file for a dry run, read its report,
then confirm the import of the very file that was checked (the same pipeline as the API)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, flash, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField

from velferdslab import policy
from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.imports import services
from velferdslab.imports.api import start_import, template_response
from velferdslab.imports.models import ImportRun
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import show_errors
from velferdslab.web.navigation import current_language


class UploadForm(FlaskForm):  # type: ignore[misc]
    file = FileField(
        _l("The filled template (.xlsx, .csv or .zip of CSV files)"),
        validators=[FileRequired(_l("Choose a file."))],
    )
    # Empty: a dry run. The SHA-256 of the file a dry run checked: import that very file.
    checked = HiddenField()


def history(user: Any) -> list[ImportRun]:
    return list(
        db.session.scalars(
            select(ImportRun)
            .where(policy.scope_filter(user, ImportRun.municipality_id))
            .order_by(ImportRun.id.desc())
            .limit(20)
        )
    )


def create_blueprint() -> Blueprint:
    blp = Blueprint("import_pages", __name__, url_prefix="/imports")

    @blp.route("", methods=["GET", "POST"])
    @login_required
    def index() -> ResponseReturnValue:
        user = policy.require_page(g.user, "pages.imports")
        form = UploadForm()
        run: ImportRun | None = None
        if form.validate_on_submit():
            data = form.file.data.read()
            checked = form.checked.data or ""
            try:
                if checked and hashlib.sha256(data).hexdigest() != checked:
                    flash(
                        _l("This is not the file the dry run checked: run a dry run of it first."),
                        "error",
                    )
                else:
                    run = start_import(user, form.file.data.filename, data, dry_run=not checked)
            except DomainError as error:
                show_errors(form, error, str(_l("The file could not be imported.")))
        report = services.report_in(run, current_language()) if run else []
        status = 422 if form.errors else 200
        return render_template(
            "imports/index.html",
            form=form,
            run=run,
            report=report,
            confirm=UploadForm(formdata=None, checked=run.sha256) if run and run.dry_run else None,
            history=history(user),
        ), status

    @blp.route("/template.xlsx")
    @login_required
    def template() -> ResponseReturnValue:
        policy.require_page(g.user, "pages.imports")
        language = "en" if request.args.get("language") == "en" else "nb"
        return template_response(g.user, language)

    return blp
