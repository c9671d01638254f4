"""The report pages: issue a report, follow its progress, download it, verify a file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from velferdslab import policy
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.auth.current import audit
from velferdslab.errors import DomainError
from velferdslab.extensions import db
from velferdslab.municipalities.models import Municipality
from velferdslab.reports.api import issue_and_start, pdf_response
from velferdslab.reports.forms import FamilyReportForm, IssueForm, VerifyForm
from velferdslab.reports.models import IssuedReport
from velferdslab.reports.services import (
    TITLES,
    ReportRequest,
    effective_status,
    report_or_404,
    verify_pdf,
    visible_reports,
)
from velferdslab.users.models import User
from velferdslab.vocabulary import ReportKind
from velferdslab.web.auth import login_required
from velferdslab.web.i18n import show_errors

ID = "<id:report_id>"


def _reporter() -> User:
    return policy.require_page(g.user, "pages.reports")


def _issue_form(user: User) -> IssueForm:
    form = IssueForm()
    form.kind.choices = [
        (kind.value, str(TITLES[kind]))
        for kind in policy.issuable_kinds(user, (ReportKind.AUDIT, ReportKind.PORTFOLIO))
    ]
    municipalities = db.session.scalars(
        select(Municipality)
        .where(policy.scope_filter(user, Municipality.id))
        .order_by(Municipality.name)
    ).all()
    form.municipality_id.choices = [(m.id, m.name) for m in municipalities]
    if request.method == "GET":
        today = dt.date.today()
        form.period_start.data = dt.date(today.year, 1, 1)
        form.period_end.data = today
        form.as_of.data = today
        form.municipality_id.data = user.municipality_id
    return form


def create_blueprint() -> Blueprint:
    blp = Blueprint("report_pages", __name__, url_prefix="/reports")

    @blp.route("", methods=["GET", "POST"])
    @login_required
    def index() -> ResponseReturnValue:
        user = _reporter()
        form = _issue_form(user)
        refused_with = None
        if form.kind.choices and form.validate_on_submit():
            try:
                report = issue_and_start(
                    user,
                    ReportRequest(
                        kind=ReportKind(form.kind.data),
                        municipality_id=form.municipality_id.data,
                        period_start=form.period_start.data,
                        period_end=form.period_end.data,
                        as_of=form.as_of.data,
                        language=form.language.data,
                    ),
                )
            except DomainError as error:
                show_errors(form, error, "kind")
                refused_with = error.status_code
            else:
                return redirect(url_for(".show", report_id=report.id))
        reports = db.session.scalars(
            select(IssuedReport)
            .where(visible_reports(user))
            .order_by(IssuedReport.id.desc())
            .limit(100)
        ).all()
        audit("list", "report", details={"page": "reports"})
        status = (refused_with or 422) if form.errors else 200
        return render_template(
            "reports/index.html", form=form, reports=reports, titles=TITLES,
            status_of=effective_status,
        ), status  # fmt: skip

    @blp.route("/family/<id:family_id>", methods=["POST"])
    @login_required
    def family_report(family_id: int) -> ResponseReturnValue:
        user = _reporter()
        policy.family_or_404(db.session, user, family_id, "report.family")
        form = FamilyReportForm()
        if not form.validate_on_submit():
            flash(_l("The report was not issued: reload the page and try again."), "error")
            return redirect(url_for("family_pages.family_page", family_id=family_id))
        report = issue_and_start(
            user,
            ReportRequest(kind=ReportKind.FAMILY, family_id=family_id, language=form.language.data),
        )
        return redirect(url_for(".show", report_id=report.id))

    @blp.route(f"/{ID}")
    @login_required
    def show(report_id: int) -> ResponseReturnValue:
        report = report_or_404(db.session, g.user, report_id)
        status = effective_status(report)
        assumption_set = (
            db.session.get(AssumptionSet, report.assumption_set_id)
            if report.assumption_set_id is not None
            else None
        )
        return render_template(
            "reports/show.html", report=report, status=status, title=TITLES[report.kind],
            refresh=status in ("queued", "running"),
            assumption_set_name=assumption_set.name if assumption_set else None,
        )  # fmt: skip

    @blp.route(f"/{ID}.pdf")
    @login_required
    def download(report_id: int) -> ResponseReturnValue:
        report = report_or_404(db.session, g.user, report_id)
        response = pdf_response(report)
        audit("download", "report", report.id, family_id=report.family_id)
        return response

    @blp.route("/verify", methods=["GET", "POST"])
    @login_required
    def verify() -> ResponseReturnValue:
        # The upload limit (REPORT_MAX_UPLOAD_BYTES) is raised before the CSRF check reads the
        # form: velferdslab.web.setup.LARGE_UPLOADS.
        form = VerifyForm()
        result: dict[str, Any] | None = None
        not_a_pdf = False
        if form.validate_on_submit():
            content = form.file.data.read()
            result = verify_pdf(db.session, content)
            # A PDF begins with its header within the first kilobyte (ISO 32000-1, 7.5.2).
            not_a_pdf = b"%PDF-" not in content[:1024]
            audit("verify", "report", result["report_id"], details={"valid": result["valid"]})
        status = 422 if form.errors else 200
        page = render_template("reports/verify.html", form=form, result=result, not_a_pdf=not_a_pdf)
        return page, status

    return blp
