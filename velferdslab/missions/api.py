"""/missions: a mission, its steering decisions, and its progress (api.md, `/missions`)."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from velferdslab import policy
from velferdslab.api.common import QueryPage, check_if_match, document_errors
from velferdslab.api.records import ETAG, answer
from velferdslab.auth.current import audit, current_user
from velferdslab.errors import Forbidden
from velferdslab.extensions import db
from velferdslab.missions import services
from velferdslab.missions.schemas import (
    MissionCreateSchema,
    MissionDecisionCreateSchema,
    MissionProgressQuerySchema,
    MissionProgressSchema,
    MissionSchema,
    MissionWriteSchema,
)

MISSION = "/<id:mission_id>"


def _reader() -> Any:
    user = current_user()
    if not policy.may_read_missions(user):
        raise Forbidden()
    return user


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "missions",
        __name__,
        url_prefix="/api/v1/missions",
        description="Missions (samfunnsoppdrag): a target with a deadline over several "
        "municipalities' families, the path it requires, the progress on it and the steering "
        "log. Leaders, auditors and admins read the missions of their scope; admins and "
        "regional leaders create them; progress is for leaders (suppressed) and auditors.",
    )

    @blp.route("", methods=["GET"])
    @blp.response(200, MissionSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 403)
    def list_missions() -> Any:
        """The missions you may see: all for a regional user, else those counting your
        municipality or owned by you."""
        return services.visible_missions(_reader())

    @blp.route("", methods=["POST"])
    @blp.arguments(MissionCreateSchema)
    @blp.response(201, MissionSchema, headers=ETAG)
    @document_errors(blp, 401, 403)
    def create_mission(data: dict[str, Any]) -> ResponseReturnValue:
        """Create a mission (an admin or a regional leader). Without `baseline.value` the
        indicator's value at `baseline.on` is taken from the data (422 when it would reveal a
        small group)."""
        mission = services.create_mission(db.session, _reader(), data)
        return answer(MissionSchema(), mission, 201, "mission")

    @blp.route(MISSION, methods=["GET"])
    @blp.response(200, MissionSchema, headers=ETAG)
    @document_errors(blp, 401, 403, 404)
    def get_mission(mission_id: int) -> ResponseReturnValue:
        """One mission with every target version and its decisions."""
        mission = services.mission_or_404(db.session, _reader(), mission_id)
        return answer(MissionSchema(), mission, etag="mission")

    @blp.route(MISSION, methods=["PATCH"])
    @blp.arguments(MissionWriteSchema)
    @blp.response(200, MissionSchema, headers=ETAG)
    @document_errors(blp, 401, 403, 404, 409, 412)
    def update_mission(data: dict[str, Any], mission_id: int) -> ResponseReturnValue:
        """Change a mission (a regional leader, its owner, an admin of all its municipalities).
        Once a report showed it, a change of target is a new version and its indicator and
        municipalities stay (409). Honours If-Match."""
        user = _reader()
        mission = services.mission_or_404(db.session, user, mission_id)
        check_if_match("mission", mission)
        services.change_mission(db.session, user, mission, data)
        return answer(MissionSchema(), mission, etag="mission")

    @blp.route(f"{MISSION}/decisions", methods=["POST"])
    @blp.arguments(MissionDecisionCreateSchema)
    @blp.response(201, MissionSchema, headers=ETAG)
    @document_errors(blp, 401, 403, 404)
    def add_decision(data: dict[str, Any], mission_id: int) -> ResponseReturnValue:
        """Record a steering decision (its owner or a regional leader): continue, adjust or
        stop; an adjust may bring a new target version. Answers the mission."""
        user = _reader()
        mission = services.mission_or_404(db.session, user, mission_id)
        services.add_decision(db.session, user, mission, data)
        return answer(MissionSchema(), mission, 201, "mission")

    @blp.route(f"{MISSION}/progress", methods=["GET"])
    @blp.arguments(MissionProgressQuerySchema, location="query")
    @blp.response(200, MissionProgressSchema)
    @document_errors(blp, 401, 403, 404)
    def get_progress(args: dict[str, Any], mission_id: int) -> Any:
        """Per quarter end the value, the required path and the gap; the forecast at the
        deadline on the families' plans; the lines per municipality you may see. Suppressed
        like the portfolio: a hidden count comes with the range it lies in."""
        user = _reader()
        mission = services.mission_or_404(db.session, user, mission_id)
        figures = services.progress_for(db.session, user, mission, args.get("as_of"))
        audit("read", "mission_progress", mission.id)
        return figures

    return blp
