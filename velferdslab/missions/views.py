"""A mission's page for leaders: one chart, the municipalities' lines and the steering log, with
the form to record a decision; and its Excel sheet."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from velferdslab import policy
from velferdslab.auth.current import audit
from velferdslab.errors import DomainError, Forbidden
from velferdslab.extensions import db
from velferdslab.formatting import oslo_today
from velferdslab.missions import editor, services
from velferdslab.missions.excel import XLSX, mission_workbook
from velferdslab.missions.presentation import DECISION_LABELS, page_context
from velferdslab.missions.progress import SHARE
from velferdslab.reports import jobs as report_jobs
from velferdslab.reports.services import ReportRequest, issue_report
from velferdslab.vocabulary import ReportKind
from velferdslab.web.auth import login_required
from velferdslab.web.fields import NumberField


class DecisionForm(FlaskForm):  # type: ignore[misc]
    decision = SelectField(_l("Decision"), validators=[DataRequired()])
    on = DateField(_l("Date"), validators=[DataRequired()], default=oslo_today)
    note = TextAreaField(_l("Note"), validators=[Length(max=4000)])
    # Per cent of a share or a count, as typed (60,5 or 1 234,5), bounded as the API bounds it.
    target_value = NumberField(
        _l("New target (with Adjust only)"), places=1, maximum=1_000_000, validators=[Optional()]
    )
    target_by = DateField(_l("New deadline (with Adjust only)"), validators=[Optional()])


def _as_of() -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get("as_of", "")[:10])
    except ValueError:
        return None  # no date, or a malformed one: today's view


def _reader() -> Any:
    user = g.user
    if not policy.may_read_progress(user):
        raise Forbidden()
    return user


def _decision_body(form: DecisionForm, mission: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "decision": form.decision.data, "on": form.on.data, "note": form.note.data or "",
    }  # fmt: skip
    if form.target_value.data is not None or form.target_by.data is not None:
        typed = form.target_value.data or Decimal(0)
        if str(mission.indicator) == SHARE:
            typed = typed / 100  # the form takes per cent
        by = form.target_by.data or mission.target.target_by
        body["target"] = {"value": float(typed), "by": by}
    return body


def create_blueprint() -> Blueprint:
    blp = Blueprint("mission_pages", __name__)
    editor.add_routes(blp)

    @blp.route("/missions/<id:mission_id>", methods=["GET", "POST"])
    @login_required
    def mission_page(mission_id: int) -> ResponseReturnValue:
        user = _reader()
        mission = services.mission_or_404(db.session, user, mission_id)
        steer = policy.may_steer_mission(user, mission)
        form = DecisionForm()
        form.decision.choices = [(k, str(v)) for k, v in DECISION_LABELS.items()]
        status = 200
        if steer and form.validate_on_submit():
            try:
                services.add_decision(db.session, user, mission, _decision_body(form, mission))
                db.session.commit()
                flash(_l("The decision is recorded."), "success")
                return redirect(url_for(".mission_page", mission_id=mission.id))
            except DomainError as error:
                db.session.rollback()
                flash(str(error.message), "error")
                status = 422
        elif form.is_submitted():
            status = 422 if steer else 403
        progress = services.progress_for(db.session, user, mission, _as_of())
        audit("read", "mission_progress", mission.id)
        return (
            render_template(
                "missions/show.html",
                mission=mission,
                progress=progress,
                form=form if steer else None,
                may_report=policy.may_issue_kind(user, ReportKind.MISSION),
                may_change=policy.may_change_mission(user, mission),
                **page_context(mission, progress),
            ),
            status,
        )

    @blp.route("/missions/<id:mission_id>/report", methods=["POST"])
    @login_required
    def issue(mission_id: int) -> ResponseReturnValue:
        """The mission's report for the council, issued through the report machinery."""
        user = _reader()
        mission = services.mission_or_404(db.session, user, mission_id)
        language = str(get_locale() or "nb")
        report = issue_report(
            db.session, user,
            ReportRequest(kind=ReportKind.MISSION, mission_id=mission.id, as_of=_as_of(),
                          language=language),
        )  # fmt: skip
        db.session.commit()
        report_jobs.start(report)
        db.session.commit()
        return redirect(url_for("report_pages.show", report_id=report.id))

    @blp.route("/missions/<id:mission_id>.xlsx")
    @login_required
    def workbook(mission_id: int) -> ResponseReturnValue:
        user = _reader()
        mission = services.mission_or_404(db.session, user, mission_id)
        progress = services.progress_for(db.session, user, mission, _as_of())
        response = Response(mission_workbook(mission, progress), mimetype=XLSX)
        response.headers["Content-Disposition"] = 'attachment; filename="samfunnsoppdrag.xlsx"'
        response.headers["Cache-Control"] = "no-store"
        return response

    return blp
