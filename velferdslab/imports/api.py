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
from velferdslab.errors import Conflict, DomainError, Text, ValidationFailed
from velferdslab.extensions import db
from velferdslab.imports import jobs as import_jobs
from velferdslab.imports import rejected, services
from velferdslab.imports.models import ImportRun
from velferdslab.imports.reading import TooManyRows, UnreadableFile, count_rows
from velferdslab.municipalities.models import Agency
from velferdslab.transactions import refused
from velferdslab.users.models import User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
BACKGROUND_ROWS = 5000


class PayloadTooLarge(DomainError):
    status_code = 413


class ImportQuerySchema(ma.Schema):
    dry_run = ma.fields.Boolean(load_default=True)
    language = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["nb", "en"]))


class TemplateQuerySchema(ma.Schema):
    language = ma.fields.String(load_default="nb", validate=ma.validate.OneOf(["nb", "en"]))


class RejectedQuerySchema(ma.Schema):
    format = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(["csv", "xlsx"]),
        metadata={"description": "csv or xlsx; without it the Accept header chooses (xlsx)."},
    )
    language = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["nb", "en"]))


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
    the report, not a failure of the request: the refusals made inside are not the request's.
    A file of more rows than IMPORT_BACKGROUND_ROWS is left to the job `imports.run`."""
    policy.require(user, "imports.run")
    municipality_id = municipality_of(user)
    _bytes, max_rows = limits()
    was_refused = refused()
    try:
        rows = count_rows(file_name, data)
        if rows > max_rows:
            raise TooManyRows(rows, max_rows)
        run = services.new_run(db.session, user, municipality_id, file_name, data, dry_run)
        if rows > int(current_app.config.get("IMPORT_BACKGROUND_ROWS", BACKGROUND_ROWS)):
            import_jobs.start(run, data)
        else:
            services.run_import(
                db.session,
                user,
                run,
                data,
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
        "progress": import_jobs.progress_of(run),
        "error": run.error,
        "dry_run": run.dry_run,
        "file_name": run.file_name,
        "sha256": run.sha256,
        "created_by": run.created_by,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "counts": run.counts,
        "families": run.families,
        "report": services.report_in(run, language),
        "summary": services.summary(run, language),
        "rejected_rows": len(run.rejected.get("rows", [])) if run.rejected else 0,
        "imported_before": before.id if before is not None else None,
    }


def rejected_rows_response(run: ImportRun, kind: str, language: str) -> Response:
    """The refused rows with the reason first, as `.xlsx` or CSV (`;`, UTF-8 with BOM)."""
    stem = f"avviste-rader-{run.id}" if language == "nb" else f"refused-rows-{run.id}"
    if kind == "csv":
        response = Response(
            rejected.as_csv(run.rejected, run.report, language), mimetype="text/csv"
        )
    else:
        response = Response(rejected.as_xlsx(run.rejected, run.report, language), mimetype=XLSX)
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    return response


def rejected_kind(asked: str | None) -> str:
    if asked:
        return asked
    best = request.accept_mimetypes.best_match([XLSX, "text/csv"], default=XLSX)
    return "csv" if best == "text/csv" else "xlsx"


def language_of(args: dict[str, Any]) -> str:
    chosen = args.get("language") or request.accept_languages.best_match(["nb", "en"])
    return str(chosen or "nb")


def template_response(user: User, language: str) -> Response:
    """The template of the user's municipality (its agencies and users in the lists)."""
    from velferdslab.imports import template  # openpyxl: loaded by the first template asked for

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
    @blp.alt_response(202, success=True, description="A large file: queued as a job")
    @document_errors(blp, 401, 403, 413)
    def create_import(args: dict[str, Any]) -> Any:
        """Upload the filled template as multipart `file` (`.xlsx`, `.csv` or `.zip` of CSVs).

        `dry_run=true` (the default) runs every rule and writes nothing but the import's
        history entry; `dry_run=false` imports every family without an error. A file of more
        rows than `IMPORT_BACKGROUND_ROWS` runs as a background job: 202 with `status`
        `queued`; GET the import for its progress and report. Over the size limit 413, over
        the row limit 422."""
        user = current_user()
        policy.require(user, "imports.run")
        file_name, data = uploaded_file()
        run = start_import(user, file_name, data, args["dry_run"])
        body = as_json(run, language_of(args))
        return (body, 202) if run.status in ("queued", "running") else body

    @blp.route("", methods=["GET"])
    @blp.response(200)
    @document_errors(blp, 401, 403)
    def list_imports() -> list[dict[str, Any]]:
        """The municipality's imports and dry runs, newest first (no report: GET one for it).
        The lead, the admin and the auditor of the municipality read them."""
        user = current_user()
        policy.require(user, "imports.read")
        runs = db.session.scalars(
            select(ImportRun)
            .where(policy.scope_filter(user, ImportRun.municipality_id))
            .order_by(ImportRun.id.desc())
            .limit(200)
        )
        return [
            {
                k: v
                for k, v in as_json(run, "nb").items()
                if k not in ("report", "families", "summary")
            }
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
        """One import with its status and progress (`queued` and `running` for a large file
        in the background; `cancelled` when stopped before it committed), its counts, its
        families' outcomes, its report and the report's `summary` (problems per column and
        per kind)."""
        user = current_user()
        policy.require(user, "imports.read")
        run = services.get_run(db.session, import_id, lambda m: policy.in_scope(user, m))
        audit("read", "import", run.id)
        return as_json(run, language_of({"language": request.args.get("language")}))

    @blp.route("/<id:import_id>/rejected-rows", methods=["GET"])
    @blp.arguments(RejectedQuerySchema, location="query")
    @blp.response(200, content_type=XLSX)
    @blp.alt_response(200, content_type="text/csv", success=True, description="As CSV")
    @document_errors(blp, 401, 403, 404)
    def get_rejected_rows(args: dict[str, Any], import_id: int) -> Response:
        """The refused families' rows as typed, to fix and upload again: the reason first (in
        the user's language), national ids masked, a cell Excel would run as a formula written
        with a leading quote (`'=HYPERLINK(…)`). `?format=csv|xlsx` or the Accept header."""
        user = current_user()
        policy.require(user, "imports.rejected_rows")
        run = services.get_run(db.session, import_id, lambda m: policy.in_scope(user, m))
        audit("read", "import_rejected_rows", run.id)
        return rejected_rows_response(run, rejected_kind(args["format"]), language_of(args))

    @blp.route("/<id:import_id>/cancel", methods=["POST"])
    @blp.response(200)
    @document_errors(blp, 401, 403, 404, 409)
    def cancel_import(import_id: int) -> dict[str, Any]:
        """Stop a background import before it commits: nothing of it is kept. 409 once it
        has ended."""
        user = current_user()
        policy.require(user, "imports.run")
        run = services.get_run(db.session, import_id, lambda m: policy.in_scope(user, m))
        if run.status not in ("queued", "running"):
            raise Conflict(
                Text("The import has ended: it can no longer be cancelled."),
                {"status": [Text("Only a queued or running import can be cancelled.")]},
            )
        import_jobs.cancel(run)
        return as_json(run, language_of({}))

    return blp
