"""/imports: upload a filled template (dry run or import), read an import's report, download
the template. The lead imports their municipality's families; the admin too (policy.py)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, current_app, g, request
from flask_smorest import Blueprint
from sqlalchemy import select

from velferdslab import policy
from velferdslab.api.common import document_errors
from velferdslab.auth.current import audit, current_user
from velferdslab.errors import DomainError, Text, ValidationFailed
from velferdslab.extensions import db
from velferdslab.imports import services, template
from velferdslab.imports.models import ImportRun
from velferdslab.imports.reading import TooManyRows, UnreadableFile
from velferdslab.municipalities.models import Agency
from velferdslab.transactions import refused
from velferdslab.users.models import User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000


class PayloadTooLarge(DomainError):
    status_code = 413


class ImportQuerySchema(ma.Schema):
    dry_run = ma.fields.Boolean(load_default=True)
    language = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["nb", "en"]))


class TemplateQuerySchema(ma.Schema):
    language = ma.fields.String(load_default="nb", validate=ma.validate.OneOf(["nb", "en"]))


def limits() -> tuple[int, int]:
    config = current_app.config
    return (
        int(config.get("IMPORT_MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES)),
        int(config.get("IMPORT_MAX_ROWS", MAX_ROWS)),
    )


def uploaded_file() -> tuple[str, bytes]:
    max_bytes, _rows = limits()
    if (request.content_length or 0) > max_bytes:
        raise PayloadTooLarge(
            Text(
                "The file is larger than %(mb)s MB: split it (one sheet or one year at a time).",
                mb=max_bytes // (1024 * 1024),
            ),
            {"file": [Text("At most %(mb)s MB.", mb=max_bytes // (1024 * 1024))]},
        )
    request.max_content_length = max_bytes
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed(
            Text("No file was sent."), {"file": [Text("Send the filled template as `file`.")]}
        )
    return upload.filename, upload.read()


def municipality_of(user: User) -> int:
    if user.municipality_id is None:
        raise ValidationFailed(
            Text("Import into a municipality: a regional user cannot import."),
            {"municipality_id": [Text("Your account has no municipality.")]},
        )
    return user.municipality_id


def start_import(user: User, file_name: str, data: bytes, dry_run: bool) -> ImportRun:
    """The pipeline for the API and the page alike. A family refused by the rules is part of
    the report, not a failure of the request: the refusals made inside are not the request's."""
    policy.require(user, "imports.run")
    _bytes, max_rows = limits()
    was_refused = refused()
    try:
        run = services.run_import(
            db.session,
            user,
            municipality_id=municipality_of(user),
            file_name=file_name,
            data=data,
            dry_run=dry_run,
            rule=str(current_app.config["OVERALL_RULE"]),
            max_rows=max_rows,
        )
    except TooManyRows as error:
        raise ValidationFailed(
            Text(
                "The file has %(rows)s rows; at most %(limit)s.", rows=error.rows, limit=error.limit
            ),
            {
                "file": [
                    Text("Split the file into parts of at most %(limit)s rows.", limit=error.limit)
                ]
            },
        ) from error
    except UnreadableFile as error:
        raise ValidationFailed(
            Text("The file cannot be read."),
            {"file": [Text("Send an .xlsx workbook, a .csv file or a .zip of CSV files.")]},
        ) from error
    g.refused = was_refused
    return run


def as_json(run: ImportRun, language: str) -> dict[str, Any]:
    before = services.same_file_before(db.session, run)
    return {
        "id": run.id,
        "status": run.status,
        "dry_run": run.dry_run,
        "file_name": run.file_name,
        "sha256": run.sha256,
        "created_by": run.created_by,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "counts": run.counts,
        "families": run.families,
        "report": services.report_in(run, language),
        "imported_before": before.id if before is not None else None,
    }


def language_of(args: dict[str, Any]) -> str:
    chosen = args.get("language") or request.accept_languages.best_match(["nb", "en"])
    return str(chosen or "nb")


def template_response(user: User, language: str) -> Response:
    """The template of the user's municipality (its agencies and users in the lists)."""
    policy.require(user, "imports.run")
    municipality_id = municipality_of(user)
    agencies = db.session.scalars(
        select(Agency.name).where(Agency.municipality_id == municipality_id).order_by(Agency.name)
    ).all()
    users = db.session.scalars(
        select(User.username)
        .where(User.municipality_id == municipality_id, User.active)
        .order_by(User.username)
    ).all()
    content = template.build(language, list(agencies), list(users))
    name = "velferdslab-import.xlsx" if language == "en" else "velferdslab-import-mal.xlsx"
    response = Response(content, mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "imports",
        __name__,
        url_prefix="/api/v1/imports",
        description="Spreadsheet import of a lab's records (import.md's template): a dry run "
        "that writes nothing, the report, and re-imports that change only what changed.",
    )

    @blp.route("", methods=["POST"])
    @blp.arguments(ImportQuerySchema, location="query")
    @blp.response(201)
    @document_errors(blp, 401, 403, 413)
    def create_import(args: dict[str, Any]) -> dict[str, Any]:
        """Upload the filled template as multipart `file` (`.xlsx`, `.csv` or `.zip` of CSVs).

        `dry_run=true` (the default) runs every rule and writes nothing but the import's
        history entry; `dry_run=false` imports every family without an error."""
        user = current_user()
        policy.require(user, "imports.run")
        file_name, data = uploaded_file()
        run = start_import(user, file_name, data, args["dry_run"])
        return as_json(run, language_of(args))

    @blp.route("", methods=["GET"])
    @blp.response(200)
    @document_errors(blp, 401, 403)
    def list_imports() -> list[dict[str, Any]]:
        """The municipality's imports and dry runs, newest first (no report: GET one for it)."""
        user = current_user()
        policy.require(user, "imports.run")
        runs = db.session.scalars(
            select(ImportRun)
            .where(policy.scope_filter(user, ImportRun.municipality_id))
            .order_by(ImportRun.id.desc())
            .limit(200)
        )
        return [
            {k: v for k, v in as_json(run, "nb").items() if k not in ("report", "families")}
            for run in runs
        ]

    @blp.route("/template", methods=["GET"])
    @blp.arguments(TemplateQuerySchema, location="query")
    @blp.response(200, content_type=XLSX)
    @document_errors(blp, 401, 403)
    def get_template(args: dict[str, Any]) -> Response:
        """The template as `.xlsx`: every sheet, a help row, drop-down lists, an example."""
        return template_response(current_user(), args["language"])

    @blp.route("/<id:import_id>", methods=["GET"])
    @blp.arguments(TemplateQuerySchema(partial=True), location="query")
    @blp.response(200)
    @document_errors(blp, 401, 403, 404)
    def get_import(args: dict[str, Any], import_id: int) -> dict[str, Any]:
        """One import with its counts, its families' outcomes and its report."""
        user = current_user()
        policy.require(user, "imports.run")
        run = services.get_run(db.session, import_id, lambda m: policy.in_scope(user, m))
        audit("read", "import", run.id)
        return as_json(run, language_of({"language": request.args.get("language")}))

    return blp
