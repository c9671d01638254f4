"""/assumption-sets: versioned parameters of the benefit model, readable by all, made by admins."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from sqlalchemy import select

from velferdslab import policy
from velferdslab.api.common import QueryPage, check_if_match, document_errors, with_etag
from velferdslab.api.records import ETAG
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.schemas import (
    AssumptionSetInSchema,
    AssumptionSetPatchSchema,
    AssumptionSetSchema,
)
from velferdslab.assumptions.services import (
    change_description,
    create_set,
    default_set,
)
from velferdslab.auth.current import current_user
from velferdslab.benefits.params import InvalidAssumptions, from_dict
from velferdslab.errors import NotFound, ValidationFailed
from velferdslab.extensions import db
from velferdslab.municipalities.schemas import content_version


def _response(row: AssumptionSet, status: int = 200) -> ResponseReturnValue:
    body = AssumptionSetSchema().dump(row)
    response = jsonify(body)
    response.status_code = status
    return with_etag(response, "assumption_set", content_version(row.id, body))


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "assumptions",
        __name__,
        url_prefix="/api/v1/assumption-sets",
        description="Versioned assumption sets; every value with its source.",
    )

    @blp.route("", methods=["GET"])
    @blp.response(200, AssumptionSetSchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401)
    def list_sets() -> Any:
        """Every assumption set by name, newest version first (the shipped default included)."""
        policy.require(current_user(), "assumptions.read")
        default_set(db.session)  # an empty database shows the shipped default
        return select(AssumptionSet).order_by(AssumptionSet.name, AssumptionSet.version.desc())

    @blp.route("", methods=["POST"])
    @blp.arguments(AssumptionSetInSchema)
    @blp.response(201, AssumptionSetSchema, headers=ETAG)
    @document_errors(blp, 401, 403, 409)
    def create(data: dict[str, Any]) -> ResponseReturnValue:
        """A new set, or the next version of a set with this name (sets never change in place)."""
        user = current_user()
        policy.require(user, "assumptions.write")
        try:
            params = from_dict(data)
        except InvalidAssumptions as error:
            raise ValidationFailed(
                "The assumption set has invalid values.", error.errors
            ) from error
        row = create_set(db.session, params, user.id)
        return _response(row, 201)

    @blp.route("/<id:set_id>", methods=["GET"])
    @blp.response(200, AssumptionSetSchema, headers=ETAG)
    @document_errors(blp, 401, 404)
    def get_one(set_id: int) -> ResponseReturnValue:
        """One assumption set with its cost items and sources."""
        policy.require(current_user(), "assumptions.read")
        row = db.session.get(AssumptionSet, set_id)
        if row is None:
            raise NotFound()
        return _response(row)

    @blp.route("/<id:set_id>", methods=["PATCH"])
    @blp.arguments(AssumptionSetPatchSchema)
    @blp.response(200, AssumptionSetSchema, headers=ETAG)
    @document_errors(blp, 401, 403, 404, 409, 412)
    def patch(data: dict[str, Any], set_id: int) -> ResponseReturnValue:
        """Change the description of a set (admins). Honours If-Match.

        The parameters never change in place: POST a new version. A set an issued report
        used is immutable: any change is a 409.
        """
        user = current_user()
        policy.require(user, "assumptions.write")
        row = db.session.get(AssumptionSet, set_id)
        if row is None:
            raise NotFound()
        check_if_match("assumption_set", content_version(row.id, AssumptionSetSchema().dump(row)))
        change_description(db.session, row, data["description"])
        return _response(row)

    return blp
