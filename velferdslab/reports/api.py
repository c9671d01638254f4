"""/reports: issue a PDF report, follow it, download it, and verify a file against the registry."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask_smorest import Blueprint
from sqlalchemy import select

from velferdslab.api.common import QueryPage, document_errors
from velferdslab.auth.current import audit, current_user
from velferdslab.errors import Conflict, DomainError, ValidationFailed
from velferdslab.extensions import db
from velferdslab.reports import jobs as report_jobs
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.schemas import (
    ReportCreateSchema,
    ReportQuerySchema,
    ReportSchema,
    VerificationSchema,
)
from velferdslab.reports.services import (
    ReportRequest,
    effective_status,
    issue_report,
    report_or_404,
    verify_pdf,
    visible_reports,
)
from velferdslab.users.models import User
from velferdslab.vocabulary import ReportKind

PDF = "application/pdf"


class UnsupportedMediaType(DomainError):
    status_code = 415


def issue_and_start(user: User, request_: ReportRequest) -> IssuedReport:
    """Record the report (audited by the service) and have it made (velferdslab.reports.jobs).
    For the API and the pages alike."""
    report = issue_report(db.session, user, request_)
    report_jobs.start(report)
    return report


def uploaded_pdf() -> bytes:
    """The PDF as the raw body (application/pdf) or as the multipart field `file`."""
    request.max_content_length = int(current_app.config["REPORT_MAX_UPLOAD_BYTES"])
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        content = upload.read() if upload is not None else b""
    elif request.mimetype in (PDF, "application/octet-stream"):
        content = request.get_data(cache=False)
    else:
        raise UnsupportedMediaType(
            "Send the PDF as the body (Content-Type: application/pdf) or as the multipart "
            "field 'file'."
        )
    if not content:
        raise ValidationFailed("No file was sent.", {"file": ["Send the PDF to verify."]})
    return content


def pdf_response(report: IssuedReport) -> Response:
    if effective_status(report) != "ready" or report.pdf is None:
        raise Conflict(
            f"The report is {effective_status(report)}, not ready: poll /reports/{report.id}.",
            {"status": [effective_status(report)]},
        )
    response = Response(report.pdf, mimetype=PDF)
    name = f"velferdslab-{report.kind.value}-{report.id}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "reports",
        __name__,
        url_prefix="/api/v1",
        description="Issued PDF reports (family, portfolio, audit; access packages, made on the "
        "privacy pages, are listed to whoever may see them) and their verification.",
    )

    @blp.route("/reports", methods=["POST"])
    @blp.arguments(ReportCreateSchema)
    @blp.response(201, ReportSchema)
    @document_errors(blp, 401, 403, 404)
    def issue(args: dict[str, Any]) -> IssuedReport:
        """Issue a PDF report.

        The answer says `queued` while the worker makes it in the background (`ready` at once
        when the server makes reports within the request): poll `/reports/{id}` until `ready`,
        then download `/reports/{id}/pdf`. Issuing makes the assumption set immutable."""
        return issue_and_start(
            current_user(), ReportRequest(**{**args, "kind": ReportKind(args["kind"])})
        )

    @blp.route("/reports", methods=["GET"])
    @blp.arguments(ReportQuerySchema, location="query")
    @blp.response(200, ReportSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401)
    def list_reports(args: dict[str, Any]) -> Any:
        """The issued reports you may see, newest first."""
        user = current_user()
        query = select(IssuedReport).where(visible_reports(user))
        if "kind" in args:
            query = query.where(IssuedReport.kind == ReportKind(args["kind"]))
        if "family_id" in args:
            query = query.where(IssuedReport.family_id == args["family_id"])
        audit("list", "report")
        return query.order_by(IssuedReport.id.desc())

    @blp.route("/reports/<id:report_id>", methods=["GET"])
    @blp.response(200, ReportSchema)
    @document_errors(blp, 401, 404)
    def show(report_id: int) -> IssuedReport:
        """One issued report: its parameters, status and progress, and its SHA-256 when ready."""
        report = report_or_404(db.session, current_user(), report_id)
        return report

    @blp.route("/reports/<id:report_id>/pdf", methods=["GET"])
    @blp.response(200, content_type=PDF, description="The PDF/A-3b file, as issued.")
    @document_errors(blp, 401, 404, 409)
    def download(report_id: int) -> Response:
        """Download the PDF once it is ready (409 before)."""
        report = report_or_404(db.session, current_user(), report_id)
        response = pdf_response(report)
        audit("download", "report", report.id, family_id=report.family_id)
        return response

    @blp.route("/reports/verify", methods=["POST"])
    @blp.doc(
        requestBody={
            "required": True,
            "description": "The PDF itself. A browser form may send it instead as the `file` "
            "field of multipart/form-data (`curl -F file=@report.pdf`); one media type is "
            "described here so that every client generator makes one typed body.",
            "content": {PDF: {"schema": {"type": "string", "format": "binary"}}},
        }
    )
    @blp.response(200, VerificationSchema)
    @blp.alt_response(415, response="DEFAULT_ERROR", description="Neither a PDF nor multipart.")
    @blp.alt_response(422, response="DEFAULT_ERROR", description="No file was sent.")
    @document_errors(blp, 401, 413)
    def verify() -> dict[str, Any]:
        """Whether a PDF is, byte for byte, a report in the registry (by its SHA-256)."""
        current_user()
        result = verify_pdf(db.session, uploaded_pdf())
        audit("verify", "report", result["report_id"], details={"valid": result["valid"]})
        return result

    return blp
