"""/families/{id}/goals and /measures: the shared plan."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from sqlalchemy import select

from velferdslab import policy
from velferdslab.api.common import QueryPage, check_if_match, document_errors, today
from velferdslab.api.records import ETAG, FAMILY, answer, family_for
from velferdslab.auth.current import audit, current_user
from velferdslab.extensions import db
from velferdslab.plans import services
from velferdslab.plans.models import Goal, Measure
from velferdslab.plans.schemas import (
    GoalCreateSchema,
    GoalSchema,
    GoalWriteSchema,
    MeasureCreateSchema,
    MeasureSchema,
    MeasureWriteSchema,
)


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "plans",
        __name__,
        url_prefix="/api/v1/families",
        description="The shared plan: goals per domain and measures.",
    )

    @blp.route(f"{FAMILY}/goals", methods=["GET"])
    @blp.response(200, GoalSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 404)
    def list_goals(family_id: int) -> Any:
        """Goals: a target level per domain by a target date."""
        family = family_for(family_id, "goals.read")
        audit("list", "goal", family_id=family.id)
        return select(Goal).where(Goal.family_id == family.id).order_by(Goal.id)

    @blp.route(f"{FAMILY}/goals", methods=["POST"])
    @blp.arguments(GoalCreateSchema)
    @blp.response(201, GoalSchema, headers=ETAG)
    @document_errors(blp, 401, 404)
    def create_goal(data: dict[str, Any], family_id: int) -> ResponseReturnValue:
        """Set a goal with the family: a target level (by name) in a domain by a target date."""
        user = current_user()
        family = family_for(family_id, "goals.write")
        goal = services.add_goal(db.session, family, user.id, data)
        return answer(GoalSchema(), goal, 201, "goal")

    @blp.route(f"{FAMILY}/goals/<id:goal_id>", methods=["PATCH"])
    @blp.arguments(GoalWriteSchema)
    @blp.response(200, GoalSchema, headers=ETAG)
    @document_errors(blp, 401, 404, 412)
    def update_goal(data: dict[str, Any], family_id: int, goal_id: int) -> ResponseReturnValue:
        """Change a goal. Honours If-Match."""
        family = family_for(family_id, "goals.write")
        goal = policy.record_of_family_or_404(db.session, Goal, family.id, goal_id)
        check_if_match("goal", goal)
        services.change(db.session, goal, data)
        return answer(GoalSchema(), goal, etag="goal")

    @blp.route(f"{FAMILY}/measures", methods=["GET"])
    @blp.response(200, MeasureSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 404)
    def list_measures(family_id: int) -> Any:
        """Measures (tiltak) with their owner, due date and status."""
        family = family_for(family_id, "measures.read")
        audit("list", "measure", family_id=family.id)
        return select(Measure).where(Measure.family_id == family.id).order_by(Measure.id)

    @blp.route(f"{FAMILY}/measures", methods=["POST"])
    @blp.arguments(MeasureCreateSchema)
    @blp.response(201, MeasureSchema, headers=ETAG)
    @document_errors(blp, 401, 404)
    def create_measure(data: dict[str, Any], family_id: int) -> ResponseReturnValue:
        """Add a measure (tiltak); its owner, when named, is a current member of the team."""
        family = family_for(family_id, "measures.write")
        measure = services.add_measure(db.session, family, data, today())
        return answer(MeasureSchema(), measure, 201, "measure")

    @blp.route(f"{FAMILY}/measures/<id:measure_id>", methods=["PATCH"])
    @blp.arguments(MeasureWriteSchema)
    @blp.response(200, MeasureSchema, headers=ETAG)
    @document_errors(blp, 401, 404, 412)
    def update_measure(
        data: dict[str, Any], family_id: int, measure_id: int
    ) -> ResponseReturnValue:
        """Change a measure, e.g. its status. Honours If-Match."""
        family = family_for(family_id, "measures.write")
        measure = policy.record_of_family_or_404(db.session, Measure, family.id, measure_id)
        check_if_match("measure", measure)
        services.check_measure(db.session, family, data, today())
        services.change(db.session, measure, data)
        return answer(MeasureSchema(), measure, etag="measure")

    return blp
