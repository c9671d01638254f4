"""/families/{id}/assessments, /trajectory and /notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from sqlalchemy import select

from velferdslab import policy
from velferdslab.api.common import QueryPage, check_if_match, document_errors, with_etag
from velferdslab.api.records import ETAG, FAMILY
from velferdslab.assessments import services
from velferdslab.assessments.levels import carry_forward, level_name, level_number
from velferdslab.assessments.models import Assessment, ProgressNote
from velferdslab.assessments.queries import family_assessments
from velferdslab.assessments.schemas import (
    AssessmentCreateSchema,
    AssessmentSchema,
    AssessmentUpdateSchema,
    NoteCreateSchema,
    NoteSchema,
    TrajectoryPointSchema,
    level_names,
)
from velferdslab.auth.current import audit, current_user
from velferdslab.extensions import db


def numbers(levels: dict[str, str | None]) -> dict[str, int | None]:
    return {d: None if v is None else level_number(v) for d, v in levels.items()}


# Instances made once: a schema instantiated per request costs more than using it.
ASSESSMENT = AssessmentSchema()
ASSESSMENT_CREATE = AssessmentCreateSchema()


def assessment_response(assessment: Assessment, status: int = 200) -> ResponseReturnValue:
    response = jsonify(ASSESSMENT.dump(assessment))
    response.status_code = status
    return with_etag(response, "assessment", assessment)


def rule() -> str:
    return str(current_app.config["OVERALL_RULE"])


def trajectory_points(family_id: int) -> list[dict[str, Any]]:
    """Per date the levels in force and the derived overall; the override of the date's last
    reading beside it. Levels only: rationales stay out (auditors read this)."""
    assessments = family_assessments(db.session, family_id)
    override_on = {a.assessed_on: level_name(a.overall_override) for a in assessments}
    readings = [(a.assessed_on, a.id, a.levels()) for a in assessments]
    return [
        {
            "on": p.on,
            "levels": level_names(p.levels),
            "overall": level_name(p.overall),
            "overall_override": override_on[p.on],
        }
        for p in carry_forward(readings, rule())
    ]


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "assessments", __name__, url_prefix="/api/v1/families",
        description="Assessments (a level per domain), the trajectory, and progress notes.",
    )  # fmt: skip

    @blp.route(f"{FAMILY}/assessments", methods=["GET"])
    @blp.response(200, AssessmentSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 404)
    def list_assessments(family_id: int) -> Any:
        """The family's assessments, oldest first."""
        family = policy.family_or_404(db.session, current_user(), family_id, "assessments.read")
        audit("list", "assessment", family_id=family.id)
        return (
            select(Assessment)
            .where(Assessment.family_id == family.id)
            .order_by(Assessment.assessed_on, Assessment.id)
        )

    @blp.route(f"{FAMILY}/assessments", methods=["POST"])
    @blp.arguments(ASSESSMENT_CREATE)
    @blp.response(201, AssessmentSchema, headers=ETAG)
    @document_errors(blp, 401, 404)
    def create_assessment(data: dict[str, Any], family_id: int) -> ResponseReturnValue:
        """Record an assessment: a level per domain.

        A domain left out (or null) is unassessed: its last level carries forward. The overall
        level is derived by the configured rule (OVERALL_RULE) from the levels in force; an
        override needs a reason. The overall levels of later assessments follow."""
        user = current_user()
        family = policy.family_or_404(db.session, user, family_id, "assessments.write")
        override = data.get("overall_override")
        assessment = services.record_assessment(
            db.session, family, user,
            assessed_on=data["assessed_on"],
            levels=numbers(data["levels"]),
            rationale=data["rationale"],
            family_levels=numbers(data["family_levels"]),
            overall_override=None if override is None else level_number(override),
            override_reason=data.get("override_reason"),
            rule=rule(),
        )  # fmt: skip
        return assessment_response(assessment, 201)

    @blp.route(f"{FAMILY}/assessments/<id:assessment_id>", methods=["GET"])
    @blp.response(200, AssessmentSchema, headers=ETAG)
    @document_errors(blp, 401, 404)
    def get_one(family_id: int, assessment_id: int) -> ResponseReturnValue:
        """One assessment."""
        family = policy.family_or_404(db.session, current_user(), family_id, "assessments.read")
        assessment = policy.record_of_family_or_404(
            db.session, Assessment, family.id, assessment_id
        )
        audit("read", "assessment", assessment.id, family_id=family.id)
        return assessment_response(assessment)

    @blp.route(f"{FAMILY}/assessments/<id:assessment_id>", methods=["PATCH"])
    @blp.arguments(AssessmentUpdateSchema)
    @blp.response(200, AssessmentSchema, headers=ETAG)
    @document_errors(blp, 401, 404, 412)
    def update(data: dict[str, Any], family_id: int, assessment_id: int) -> ResponseReturnValue:
        """Correct an assessment.

        Date, levels (the whole reading), rationale, family levels or override; the overall
        levels of the later assessments follow. Honours If-Match."""
        user = current_user()
        family = policy.family_or_404(db.session, user, family_id, "assessments.write")
        assessment = policy.record_of_family_or_404(
            db.session, Assessment, family.id, assessment_id
        )
        check_if_match("assessment", assessment)
        services.update_assessment(db.session, assessment, data, rule())
        return assessment_response(assessment)

    @blp.route(f"{FAMILY}/trajectory", methods=["GET"])
    @blp.response(200, TrajectoryPointSchema(many=True))
    @document_errors(blp, 401, 404)
    def trajectory(family_id: int) -> Any:
        """The journey: per assessment date the levels in force and the overall level.

        Levels carried forward, the derived overall level and the override if any. Auditors
        may read it: levels only, no rationale."""
        family = policy.family_or_404(db.session, current_user(), family_id, "trajectory.read")
        audit("read", "trajectory", family.id, family_id=family.id)
        return trajectory_points(family.id)

    @blp.route(f"{FAMILY}/notes", methods=["GET"])
    @blp.response(200, NoteSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 404)
    def list_notes(family_id: int) -> Any:
        """Progress notes, newest first."""
        family = policy.family_or_404(db.session, current_user(), family_id, "notes.read")
        audit("list", "progress_note", family_id=family.id)
        return (
            select(ProgressNote)
            .where(ProgressNote.family_id == family.id)
            .order_by(ProgressNote.written_on.desc(), ProgressNote.id.desc())
        )

    @blp.route(f"{FAMILY}/notes", methods=["POST"])
    @blp.arguments(NoteCreateSchema)
    @blp.response(201, NoteSchema)
    @document_errors(blp, 401, 404)
    def create_note(data: dict[str, Any], family_id: int) -> ProgressNote:
        """Write a progress note, optionally about one domain.

        Dated today unless written_on (not in the future) says otherwise; you are its author."""
        user = current_user()
        family = policy.family_or_404(db.session, user, family_id, "notes.write")
        note = services.write_note(
            db.session, family, user,
            text=data["text"], domain=data.get("domain"),
            written_on=data.get("written_on") or dt.date.today(),
        )  # fmt: skip
        return note

    return blp
