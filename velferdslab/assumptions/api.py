"""/assumption-sets: versioned parameters of the benefit model, readable by all, made by admins."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from sqlalchemy import select

from velferdslab import policy
from velferdslab.api.common import QueryPage, StrictSchema, document_errors, text
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import (
    change_description,
    default_set,
    store_params,
    to_params,
)
from velferdslab.auth.current import audit, current_user
from velferdslab.benefits.params import InvalidAssumptions, from_dict, to_dict
from velferdslab.errors import NotFound, ValidationFailed
from velferdslab.extensions import db
from velferdslab.vocabulary import DOMAINS, Category, Confidence, OverallRule, Payer, values


def share() -> ma.fields.Float:
    return ma.fields.Float(required=True, allow_nan=False, validate=ma.validate.Range(min=0, max=1))


def money() -> ma.fields.Float:
    return ma.fields.Float(
        required=True, allow_nan=False, validate=ma.validate.Range(min=0, max=1e9)
    )


class ScheduleEntrySchema(StrictSchema):
    from_year = ma.fields.Integer(
        strict=True, required=True, validate=ma.validate.Range(min=1, max=1000)
    )
    rate = ma.fields.Float(
        required=True, allow_nan=False, validate=ma.validate.Range(min=0, max=0.99)
    )


class AnnualCostSchema(StrictSchema):
    unsustainable = ma.fields.Float(
        required=True, allow_nan=False, validate=ma.validate.Range(min=0, max=1e9)
    )
    exposed = ma.fields.Float(
        required=True, allow_nan=False, validate=ma.validate.Range(min=0, max=1e9)
    )
    stable = ma.fields.Float(
        required=True, allow_nan=False, validate=ma.validate.Range(min=0, max=1e9)
    )
    sustainable = ma.fields.Float(
        required=True, allow_nan=False, validate=ma.validate.Range(min=0, max=1e9)
    )


class CostItemSchema(StrictSchema):
    domain = ma.fields.String(required=True, validate=ma.validate.OneOf(DOMAINS))
    payer = ma.fields.String(required=True, validate=ma.validate.OneOf(values(Payer)))
    category = ma.fields.String(required=True, validate=ma.validate.OneOf(values(Category)))
    confidence = ma.fields.String(required=True, validate=ma.validate.OneOf(values(Confidence)))
    source = text(2000, min_length=1, required=True)
    illustrative = ma.fields.Boolean(load_default=False)
    label = text(200, load_default="")
    annual_cost = ma.fields.Nested(AnnualCostSchema, required=True)


class AssumptionSetInSchema(StrictSchema):
    name = text(150, min_length=1, required=True)
    price_year = ma.fields.Integer(
        strict=True, required=True, validate=ma.validate.Range(min=1990, max=2100)
    )
    success_rate = share()
    deadweight = share()
    attribution = share()
    drop_off = share()
    horizon_years = ma.fields.Integer(
        strict=True, required=True, validate=ma.validate.Range(min=0, max=200)
    )
    discount_schedule = ma.fields.List(
        ma.fields.Nested(ScheduleEntrySchema),
        required=True,
        validate=ma.validate.Length(min=1, max=20),
    )
    tax_financing_cost = ma.fields.Float(required=True, validate=ma.validate.Range(min=0, max=5))
    optimism_bias = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf(values(Confidence))),
        values=ma.fields.Float(validate=ma.validate.Range(min=0, max=0.99)),
        required=True,
    )
    overall_rule = ma.fields.String(
        load_default="lowest", validate=ma.validate.OneOf(values(OverallRule))
    )
    cost_items = ma.fields.List(
        ma.fields.Nested(CostItemSchema), required=True, validate=ma.validate.Length(min=1, max=200)
    )
    sources = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(max=50)),
        values=ma.fields.String(validate=ma.validate.Length(max=2000)),
        load_default=dict,
    )
    description = text(5000, load_default="")


class AssumptionSetSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    id = ma.fields.Integer()
    name = ma.fields.String()
    version = ma.fields.Integer()
    immutable = ma.fields.Boolean()
    price_year = ma.fields.Integer()
    success_rate = ma.fields.Float()
    deadweight = ma.fields.Float()
    attribution = ma.fields.Float()
    drop_off = ma.fields.Float()
    horizon_years = ma.fields.Integer()
    discount_schedule = ma.fields.List(ma.fields.Dict())
    tax_financing_cost = ma.fields.Float()
    optimism_bias = ma.fields.Dict()
    overall_rule = ma.fields.String()
    cost_items = ma.fields.List(ma.fields.Dict())
    sources = ma.fields.Dict()
    description = ma.fields.String()

    @ma.pre_dump
    def from_row(self, row: AssumptionSet, **_: Any) -> dict[str, Any]:
        return {
            **to_dict(to_params(row)),
            "id": row.id,
            "version": row.version,
            "immutable": row.immutable,
        }


class AssumptionSetPatchSchema(StrictSchema):
    description = text(5000, required=True)


def _response(row: AssumptionSet, status: int = 200) -> ResponseReturnValue:
    response = jsonify(AssumptionSetSchema().dump(row))
    response.status_code = status
    return response


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
        """Every assumption set, newest version first."""
        policy.require(current_user(), "assumptions.read")
        default_set(db.session)  # an empty database shows the shipped default
        return select(AssumptionSet).order_by(AssumptionSet.name, AssumptionSet.version.desc())

    @blp.route("", methods=["POST"])
    @blp.arguments(AssumptionSetInSchema)
    @blp.response(201, AssumptionSetSchema)
    @document_errors(blp, 401, 403)
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
        row = store_params(db.session, params, user.id)
        audit("create", "assumption_set", row.id)
        return _response(row, 201)

    @blp.route("/<int(max=2147483647):set_id>", methods=["GET"])
    @blp.response(200, AssumptionSetSchema)
    @document_errors(blp, 401, 404)
    def get_one(set_id: int) -> ResponseReturnValue:
        """One assumption set with its cost items and sources."""
        policy.require(current_user(), "assumptions.read")
        row = db.session.get(AssumptionSet, set_id)
        if row is None:
            raise NotFound()
        return _response(row)

    @blp.route("/<int(max=2147483647):set_id>", methods=["PATCH"])
    @blp.arguments(AssumptionSetPatchSchema)
    @blp.response(200, AssumptionSetSchema)
    @document_errors(blp, 401, 403, 404, 409)
    def patch(data: dict[str, Any], set_id: int) -> ResponseReturnValue:
        """Only the description may change, and only while no issued report used the set (409)."""
        user = current_user()
        policy.require(user, "assumptions.write")
        row = db.session.get(AssumptionSet, set_id)
        if row is None:
            raise NotFound()
        change_description(row, data["description"])
        audit("update", "assumption_set", row.id)
        return _response(row)

    return blp
