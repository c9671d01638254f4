"""API schemas of assumption sets; the rules across fields live in benefits.params.validate."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from velferdslab.api.common import Flag, StrictSchema, text
from velferdslab.assumptions.models import AssumptionSet
from velferdslab.assumptions.services import described
from velferdslab.vocabulary import DOMAINS, LEVELS, Category, Confidence, OverallRule, Payer, values

MAX_ANNUAL_COST = 1e9  # NOK per family and year: far above any real cost


def number(minimum: float, maximum: float, *, below_maximum: bool = False) -> ma.fields.Float:
    return ma.fields.Float(
        required=True,
        allow_nan=False,
        validate=ma.validate.Range(min=minimum, max=maximum, max_inclusive=not below_maximum),
    )


def share() -> ma.fields.Float:
    return number(0, 1)


def choice(options: tuple[str, ...]) -> ma.fields.String:
    return ma.fields.String(required=True, validate=ma.validate.OneOf(options))


class ScheduleEntrySchema(StrictSchema):
    from_year = ma.fields.Integer(
        strict=True, required=True, validate=ma.validate.Range(min=1, max=1000)
    )
    rate = number(0, 1, below_maximum=True)


# {level name: NOK a year}: every level present.
AnnualCostSchema = StrictSchema.from_dict(
    {level: number(0, MAX_ANNUAL_COST) for level in LEVELS}, name="AnnualCostSchema"
)


class OptimismBiasSchema(StrictSchema):
    A = number(0, 1, below_maximum=True)
    B = number(0, 1, below_maximum=True)
    C = number(0, 1, below_maximum=True)


class CostItemSchema(StrictSchema):
    domain = choice(DOMAINS)
    payer = choice(values(Payer))
    category = choice(values(Category))
    confidence = choice(values(Confidence))
    source = text(
        2000,
        min_length=1,
        required=True,
        metadata={"description": "Where the values come from, or 'illustrative'."},
    )
    illustrative = Flag(load_default=False)
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
    sustain_months = ma.fields.Integer(
        strict=True,
        load_default=6,
        validate=ma.validate.Range(min=1, max=120),
        metadata={"description": "Months at stable or better before a move counts as lasting."},
    )
    discount_schedule = ma.fields.List(
        ma.fields.Nested(ScheduleEntrySchema),
        required=True,
        validate=ma.validate.Length(min=1, max=20),
        metadata={"description": "from_year starts at 1 and increases strictly."},
    )
    tax_financing_cost = number(0, 5)
    optimism_bias = ma.fields.Nested(
        OptimismBiasSchema, required=True, metadata={"description": "Haircut per grade."}
    )
    overall_rule = ma.fields.String(
        load_default=OverallRule.LOWEST.value, validate=ma.validate.OneOf(values(OverallRule))
    )
    cost_items = ma.fields.List(
        ma.fields.Nested(CostItemSchema), required=True, validate=ma.validate.Length(min=1, max=200)
    )
    sources = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(max=50)),
        values=ma.fields.String(validate=ma.validate.Length(max=2000)),
        load_default=dict,
        metadata={"description": "{parameter name: source} for the scalar parameters."},
    )
    description = text(5000, load_default="")


class AssumptionSetSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    version = ma.fields.Integer(metadata={"description": "1, 2, … per name."})
    immutable = Flag(
        metadata={"description": "An issued report used the set: it can no longer change."}
    )
    price_year = ma.fields.Integer()
    success_rate = ma.fields.Float()
    deadweight = ma.fields.Float()
    attribution = ma.fields.Float()
    drop_off = ma.fields.Float()
    horizon_years = ma.fields.Integer()
    sustain_months = ma.fields.Integer()
    discount_schedule = ma.fields.List(ma.fields.Nested(ScheduleEntrySchema))
    tax_financing_cost = ma.fields.Float()
    optimism_bias = ma.fields.Nested(OptimismBiasSchema)
    overall_rule = ma.fields.String(metadata={"enum": list(values(OverallRule))})
    cost_items = ma.fields.List(ma.fields.Nested(CostItemSchema))
    sources = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    description = ma.fields.String()

    @ma.pre_dump
    def from_row(self, row: AssumptionSet, **_: Any) -> dict[str, Any]:
        return described(row)


class AssumptionSetPatchSchema(StrictSchema):
    description = text(5000, required=True)
