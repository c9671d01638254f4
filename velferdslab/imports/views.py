"""The "Importer" page: download the template, upload a file for a dry run, read its report,
then confirm the import of the very file that was checked (the same pipeline as the API). A
large file runs in the background: its page shows the progress (refreshing itself, no script)
and can cancel it. The history is the lead's, the admin's and the auditor's."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField

from velferdslab import policy
from velferdslab.auth.current import audit
from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.imports import jobs as import_jobs
from velferdslab.imports import services
from velferdslab.imports.api import rejected_rows_response, start_import, template_response
from velferdslab.imports.models import ImportRun
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import show_errors
from velferdslab.web.navigation import current_language

ID = "<id:import_id>"


class UploadForm(FlaskForm):  # type: ignore[misc]
    file = FileField(
        _l("The filled template (.xlsx, .csv or .zip of CSV files)"),
        validators=[FileRequired(_l("Choose a file."))],
    )
    # Empty: a dry run. The SHA-256 of the file a dry run checked: import that very file.
    checked = HiddenField()


class CancelForm(FlaskForm):  # type: ignore[misc]
    pass


def confirm_form(sha256: str) -> UploadForm:
    """The import of the checked file: the same field names, its own id beside the dry run's."""
    form = UploadForm(formdata=None, checked=sha256)
    form.file.id = form.file.label.field_id = "confirm-file"
    return form


def history(user: Any) -> list[ImportRun]:
    return list(
        db.session.scalars(
            select(ImportRun)
            .where(policy.scope_filter(user, ImportRun.municipality_id))
            .order_by(ImportRun.id.desc())
            .limit(20)
        )
    )


def run_context(run: ImportRun) -> dict[str, Any]:
    """What the report block shows: the problems, their counts, the same file before."""
    language = current_language()
    return {
        "run": run,
        "report": services.report_in(run, language),
        "summary": services.summary(run, language),
        "before": services.same_file_before(db.session, run),
        "progress": import_jobs.progress_of(run),
        "may_download": policy.allowed(g.user, "imports.rejected_rows"),
    }


def the_run(import_id: int) -> ImportRun:
    user = policy.require_page(g.user, "pages.imports")
    try:
        return services.get_run(db.session, import_id, lambda m: policy.in_scope(user, m))
    except DomainError:
        abort(404)


def create_blueprint() -> Blueprint:
    blp = Blueprint("import_pages", __name__, url_prefix="/imports")

    @blp.route("", methods=["GET", "POST"])
    @login_required
    def index() -> ResponseReturnValue:
        user = policy.require_page(g.user, "pages.imports")
        form = UploadForm()
        run: ImportRun | None = None
        if request.method == "POST":
            policy.require(user, "imports.run")
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
        if run is not None and run.status in ("queued", "running"):
            return redirect(url_for("import_pages.show", import_id=run.id), 303)
        status = 422 if form.errors else 200
        return render_template(
            "imports/index.html",
            form=form,
            confirm=confirm_form(run.sha256) if run and run.dry_run else None,
            history=history(user),
            may_run=policy.allowed(user, "imports.run"),
            **(run_context(run) if run else {"run": None}),
        ), status

    @blp.route(f"/{ID}")
    @login_required
    def show(import_id: int) -> ResponseReturnValue:
        run = the_run(import_id)
        audit("read", "import", run.id)
        waiting = run.status in ("queued", "running")
        return render_template(
            "imports/show.html",
            refresh=waiting,
            cancel=CancelForm() if waiting and policy.allowed(g.user, "imports.run") else None,
            **run_context(run),
        )

    @blp.route(f"/{ID}/cancel", methods=["POST"])
    @login_required
    def cancel(import_id: int) -> ResponseReturnValue:
        run = the_run(import_id)
        policy.require(g.user, "imports.run")
        if CancelForm().validate_on_submit():
            import_jobs.cancel(run)
            flash(_l("The import is being cancelled: nothing of it is kept."), "success")
        return redirect(url_for("import_pages.show", import_id=run.id), 303)

    @blp.route(f"/{ID}/rejected-rows.<any(csv, xlsx):kind>")
    @login_required
    def rejected_rows(import_id: int, kind: str) -> ResponseReturnValue:
        run = the_run(import_id)
        policy.require(g.user, "imports.rejected_rows")
        audit("read", "import_rejected_rows", run.id)
        return rejected_rows_response(run, kind, current_language())

    @blp.route("/template.xlsx")
    @login_required
    def template() -> ResponseReturnValue:
        policy.require_page(g.user, "pages.imports")
        policy.require(g.user, "imports.run")
        language = "en" if request.args.get("language") == "en" else "nb"
        return template_response(g.user, language)

    return blp
