"""The API's shapes of a family's `moves`, `waterfall` and `evidence_grade` (benefit-model.md,
"Lasting moves, the way from gross to net, and the evidence behind a figure"); the portfolio's
counts are in velferdslab.gains.portfolio_schemas."""

from __future__ import annotations

import marshmallow as ma

from velferdslab.benefits.moves import STATUSES
from velferdslab.benefits.waterfall import GROSS, STEPS

STATUS = ma.validate.OneOf(STATUSES)


class FamilyMovesSchema(ma.Schema):
    """One family's move at T."""

    status = ma.fields.String(
        required=True,
        allow_none=True,
        validate=STATUS,
        metadata={"description": "null before the family's first assessment."},
    )
    reached_on = ma.fields.Date(
        required=True,
        allow_none=True,
        metadata={"description": "The first day at stable or better of the run held at T "
                  "(or, after a fall, of the run fallen from)."},
    )  # fmt: skip
    lasting_since = ma.fields.Date(
        required=True,
        allow_none=True,
        metadata={"description": "reached_on + sustain_months, when the move is lasting at T."},
    )
    fell_back_on = ma.fields.Date(required=True, allow_none=True)
    sustain_months = ma.fields.Integer(required=True)


class WaterfallBarSchema(ma.Schema):
    step = ma.fields.String(
        required=True, validate=ma.validate.OneOf([GROSS, *(step for step, _ in STEPS)])
    )
    parameter = ma.fields.String(required=True, allow_none=True)
    value = ma.fields.Raw(
        required=True,
        allow_none=True,
        metadata={
            "description": "A share (w, α, s, δ), the haircut per confidence grade (ob), or the "
            "discount schedule (r); null for the gross bar.",
            "anyOf": [
                {"type": "number"},
                {"type": "object", "additionalProperties": {"type": "number"}},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "from_year": {"type": "integer"},
                            "rate": {"type": "number"},
                        },
                    },
                },
                {"type": "null"},
            ],
        },
    )
    source = ma.fields.String(required=True, allow_none=True)
    amount = ma.fields.Float(
        required=True, metadata={"description": "The change of the socioeconomic NPV."}
    )
    fiscal_amount = ma.fields.Float(required=True)
    fiscal_npv = ma.fields.Float(required=True)
    socioeconomic_npv = ma.fields.Float(required=True)


def waterfall_field() -> ma.fields.List[dict[str, object]]:
    return ma.fields.List(
        ma.fields.Nested(WaterfallBarSchema),
        required=True,
        metadata={
            "description": "From the gross value to the figure shown, one adjustment at a time "
            "(empty where the portfolio's NPV is hidden)."
        },
    )


def evidence_field() -> ma.fields.Integer:
    return ma.fields.Integer(
        required=True,
        validate=ma.validate.OneOf([1, 3]),
        metadata={
            "description": "Maryland scale: 1 before/after readings only; 3 against a "
            "comparison cohort."
        },
    )
