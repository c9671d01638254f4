"""/families: the case records, visible through the policy's relations only."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from sqlalchemy import select

from velferdslab import policy
from velferdslab.api.common import (
    QueryPage,
    check_if_match,
    document_errors,
    today,
    with_etag,
)
from velferdslab.auth.current import audit, current_user
from velferdslab.errors import ValidationFailed
from velferdslab.extensions import db
from velferdslab.families import services
from velferdslab.families.models import Family
from velferdslab.families.schemas import (
    FamilyCreateSchema,
    FamilyQuerySchema,
    FamilySchema,
    FamilyUpdateSchema,
)
from velferdslab.users.models import User

FAMILY = FamilySchema()


def family_response(family: Family, status: int = 200) -> ResponseReturnValue:
    response = jsonify(FAMILY.dump(family))
    response.status_code = status
    return with_etag(response, "family", family)


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "families",
        __name__,
        url_prefix="/api/v1/families",
        description="Families (the cases). Visible to their lead, to consented team members, "
        "and by reference and status to auditors and admins of the municipality.",
    )

    @blp.route("", methods=["GET"])
    @blp.arguments(FamilyQuerySchema, location="query")
    @blp.response(200, FamilySchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401, 403)
    def list_families(args: dict[str, Any]) -> Any:
        """Families you may see, newest referral first."""
        user = current_user()
        policy.require(user, "families.list")
        query = select(Family).where(policy.visible_families(user, "family.read", today()))
        if "status" in args:
            query = query.where(Family.status == args["status"])
        if "municipality_id" in args:
            query = query.where(Family.municipality_id == args["municipality_id"])
        if "external_reference" in args:
            query = query.where(Family.external_reference == args["external_reference"])
        audit("list", "family", details={"filters": {k: str(v) for k, v in args.items()}})
        return query.order_by(Family.referred_on.desc(), Family.id.desc())

    @blp.route("", methods=["POST"])
    @blp.arguments(FamilyCreateSchema)
    @blp.response(201, FamilySchema, headers={"ETag": {"schema": {"type": "string"}}})
    @document_errors(blp, 401, 403)
    def create_family(data: dict[str, Any]) -> ResponseReturnValue:
        """Enrol a referred family; you become its investment lead unless you name another."""
        user = current_user()
        policy.require(user, "families.create")
        municipality_id = _municipality_for(user, data.get("municipality_id"))
        family = services.create_family(
            db.session,
            municipality_id=municipality_id,
            referred_on=data["referred_on"],
            investment_lead_id=data.get("investment_lead_id") or user.id,
            protection=data["protection"],
        )
        services.put_lead_on_team(db.session, family)
        return family_response(family, 201)

    @blp.route("/<id:family_id>", methods=["GET"])
    @blp.response(200, FamilySchema, headers={"ETag": {"schema": {"type": "string"}}})
    @document_errors(blp, 401, 404)
    def get_family(family_id: int) -> ResponseReturnValue:
        """One family."""
        family = policy.family_or_404(db.session, current_user(), family_id, "family.read")
        audit("read", "family", family.id, family_id=family.id)
        return family_response(family)

    @blp.route("/<id:family_id>", methods=["PATCH"])
    @blp.arguments(FamilyUpdateSchema)
    @blp.response(200, FamilySchema, headers={"ETag": {"schema": {"type": "string"}}})
    @document_errors(blp, 401, 404, 409, 412)
    def update_family(data: dict[str, Any], family_id: int) -> ResponseReturnValue:
        """Change status (with its dates), lead or protection. Honours If-Match."""
        user = current_user()
        family = policy.family_or_404(db.session, user, family_id, "family.update")
        check_if_match("family", family)
        services.update_family(db.session, family, data)
        return family_response(family)

    return blp


def _municipality_for(user: User, requested: int | None) -> int:
    if requested is None:
        if user.municipality_id is None:
            raise ValidationFailed(
                "Regional users name the municipality.",
                {"municipality_id": ["Required for a regional user."]},
            )
        return user.municipality_id
    if not policy.in_scope(user, requested):
        raise ValidationFailed(
            "Not your municipality.", {"municipality_id": ["Outside your municipality."]}
        )
    return requested
