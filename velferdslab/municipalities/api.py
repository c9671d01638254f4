"""/municipalities and /agencies: the tenants and the services that staff teams and pay."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from velferdslab import policy
from velferdslab.api.common import QueryPage, check_if_match, document_errors, with_etag
from velferdslab.api.records import ETAG
from velferdslab.auth.current import current_user
from velferdslab.errors import Forbidden
from velferdslab.extensions import db
from velferdslab.municipalities import services
from velferdslab.municipalities.schemas import (
    AgencyCreateSchema,
    AgencyQuerySchema,
    AgencySchema,
    AgencyUpdateSchema,
    MunicipalityCreateSchema,
    MunicipalitySchema,
    MunicipalityUpdateSchema,
    content_version,
)

SCHEMAS: dict[str, ma.Schema] = {"municipality": MunicipalitySchema(), "agency": AgencySchema()}
ID = "<id:{}>"


def tagged_response(entity: str, record: Any, status: int = 200) -> ResponseReturnValue:
    body = SCHEMAS[entity].dump(record)
    response = jsonify(body)
    response.status_code = status
    return with_etag(response, entity, content_version(record.id, body))


def check_etag(entity: str, record: Any) -> None:
    check_if_match(entity, content_version(record.id, SCHEMAS[entity].dump(record)))


def create_blueprint() -> Blueprint:
    blp = Blueprint(
        "municipalities",
        __name__,
        url_prefix="/api/v1",
        description="Municipalities and their agencies. Everyone reads those in their scope "
        "(a regional user sees all); admins add and change them.",
    )
    _municipality_routes(blp)
    _agency_routes(blp)
    return blp


def _municipality_routes(blp: Blueprint) -> None:
    @blp.route("/municipalities", methods=["GET"])
    @blp.response(200, MunicipalitySchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401)
    def list_municipalities() -> Any:
        """Municipalities in your scope, by name: your own, or all for a regional user."""
        user = current_user()
        policy.require(user, "municipalities.read")
        return services.visible_municipalities(user)

    @blp.route("/municipalities", methods=["POST"])
    @blp.arguments(MunicipalityCreateSchema)
    @blp.response(201, MunicipalitySchema, headers=ETAG)
    @document_errors(blp, 401, 403, 409)
    def create_municipality(data: dict[str, Any]) -> ResponseReturnValue:
        """Add a municipality (regional admins; 409 when name, number or prefix is taken)."""
        user = current_user()
        policy.require(user, "municipalities.write")
        if not policy.may_add_municipality(user):
            raise Forbidden("Only a regional admin adds municipalities.")
        row = services.create_municipality(db.session, data)
        return tagged_response("municipality", row, 201)

    @blp.route(f"/municipalities/{ID.format('municipality_id')}", methods=["GET"])
    @blp.response(200, MunicipalitySchema, headers=ETAG)
    @document_errors(blp, 401, 404)
    def get_municipality(municipality_id: int) -> ResponseReturnValue:
        """One municipality in your scope."""
        user = current_user()
        policy.require(user, "municipalities.read")
        row = services.municipality_or_404(db.session, user, municipality_id)
        return tagged_response("municipality", row)

    @blp.route(f"/municipalities/{ID.format('municipality_id')}", methods=["PATCH"])
    @blp.arguments(MunicipalityUpdateSchema)
    @blp.response(200, MunicipalitySchema, headers=ETAG)
    @document_errors(blp, 401, 403, 404, 409, 412)
    def update_municipality(data: dict[str, Any], municipality_id: int) -> ResponseReturnValue:
        """Rename or renumber a municipality (admins). Honours If-Match.

        The reference prefix can change only while the municipality has no families (409).
        """
        user = current_user()
        policy.require(user, "municipalities.write")
        row = services.municipality_or_404(db.session, user, municipality_id)
        check_etag("municipality", row)
        services.update_municipality(db.session, row, data)
        return tagged_response("municipality", row)


def _agency_routes(blp: Blueprint) -> None:
    @blp.route("/agencies", methods=["GET"])
    @blp.arguments(AgencyQuerySchema, location="query")
    @blp.response(200, AgencySchema(many=True))
    @blp.paginate(QueryPage, page_size=50, max_page_size=500)
    @document_errors(blp, 401)
    def list_agencies(args: dict[str, Any]) -> Any:
        """Agencies of the municipalities in your scope, by name."""
        user = current_user()
        policy.require(user, "agencies.read")
        return services.visible_agencies(user, args)

    @blp.route("/agencies", methods=["POST"])
    @blp.arguments(AgencyCreateSchema)
    @blp.response(201, AgencySchema, headers=ETAG)
    @document_errors(blp, 401, 403, 409)
    def create_agency(data: dict[str, Any]) -> ResponseReturnValue:
        """Add an agency to a municipality in your scope (admins; 409 when the name is taken)."""
        user = current_user()
        policy.require(user, "agencies.write")
        row = services.create_agency(db.session, user, data)
        return tagged_response("agency", row, 201)

    @blp.route(f"/agencies/{ID.format('agency_id')}", methods=["GET"])
    @blp.response(200, AgencySchema, headers=ETAG)
    @document_errors(blp, 401, 404)
    def get_agency(agency_id: int) -> ResponseReturnValue:
        """One agency of a municipality in your scope."""
        user = current_user()
        policy.require(user, "agencies.read")
        return tagged_response("agency", services.agency_or_404(db.session, user, agency_id))

    @blp.route(f"/agencies/{ID.format('agency_id')}", methods=["PATCH"])
    @blp.arguments(AgencyUpdateSchema)
    @blp.response(200, AgencySchema, headers=ETAG)
    @document_errors(blp, 401, 403, 404, 409, 412)
    def update_agency(data: dict[str, Any], agency_id: int) -> ResponseReturnValue:
        """Rename an agency or correct its kind or level (admins). Honours If-Match."""
        user = current_user()
        policy.require(user, "agencies.write")
        row = services.agency_or_404(db.session, user, agency_id)
        check_etag("agency", row)
        services.update_agency(db.session, row, data)
        return tagged_response("agency", row)
