"""/audit-events for auditors and admins, and /families/{id}/access-log for the family's lead."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import Select, select

from velferdslab import policy
from velferdslab.api.common import QueryPage, document_errors
from velferdslab.audit.models import AuditEvent
from velferdslab.audit.schemas import AuditEventSchema, AuditQuerySchema
from velferdslab.auth.current import audit, current_user
from velferdslab.extensions import db


def _filtered(query: Select[Any], args: dict[str, Any]) -> Select[Any]:
    for name in ("user_id", "family_id", "action", "entity"):
        if name in args:
            query = query.where(getattr(AuditEvent, name) == args[name])
    if "since" in args:
        query = query.where(AuditEvent.at >= dt.datetime.combine(args["since"], dt.time()))
    if "until" in args:
        end = dt.datetime.combine(args["until"] + dt.timedelta(days=1), dt.time())
        query = query.where(AuditEvent.at < end)
    return query.order_by(AuditEvent.id.desc())


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "audit", __name__, url_prefix="/api/v1", description="The append-only audit log."
    )

    @blp.route("/audit-events", methods=["GET"])
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 403)
    def list_events(args: dict[str, Any]) -> Any:
        """Audit events, newest first (auditors and admins)."""
        user = current_user()
        policy.require(user, "audit_events.read")
        audit("list", "audit_event", details={"filters": {k: str(v) for k, v in args.items()}})
        visible = policy.audit_log_filter(user, dt.date.today())
        return _filtered(select(AuditEvent).where(visible), args)

    @blp.route("/families/<id:family_id>/access-log", methods=["GET"])
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 404)
    def access_log(family_id: int) -> Any:
        """Who read or changed this family's records, newest first."""
        family = policy.family_or_404(db.session, current_user(), family_id, "access_log.read")
        audit("read", "access_log", family.id, family_id=family.id)
        return (
            select(AuditEvent)
            .where(AuditEvent.family_id == family.id)
            .order_by(AuditEvent.id.desc())
        )

    return blp
