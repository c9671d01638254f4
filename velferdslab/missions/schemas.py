"""The missions at the API edge: a mission, its target versions and log, and its progress."""

from __future__ import annotations

import marshmallow as ma

from velferdslab.api.common import Date, Id, StrictSchema, text
from velferdslab.missions.models import MissionDecisionKind, MissionIndicator
from velferdslab.vocabulary import values

INDICATORS = values(MissionIndicator)
VALUE = {
    "description": "share_stable_or_better: a share from 0 to 1 (0.6 = 60 %); lasting_moves "
    "and families: a count."
}


BASELINE = {
    "type": "object",
    "properties": {"value": {"type": "number"}, "on": {"type": "string", "format": "date"}},
}
TARGET = {
    "type": "object",
    "properties": {"value": {"type": "number"}, "by": {"type": "string", "format": "date"}},
}


class MissionBaselineSchema(StrictSchema):
    value = ma.fields.Float(
        allow_none=True,
        validate=ma.validate.Range(min=0, max=1_000_000),
        metadata={**VALUE, "description": VALUE["description"] + " Leave out to take the "
                  "indicator's value at `on` from the data."},
    )  # fmt: skip
    on = Date(required=True)


class MissionTargetSchema(StrictSchema):
    value = ma.fields.Float(
        required=True, validate=ma.validate.Range(min=0, max=1_000_000), metadata=VALUE
    )
    by = Date(required=True)


class MissionDecisionSchema(ma.Schema):
    on = ma.fields.Date(attribute="decided_on")
    decision = ma.fields.Function(
        lambda d: str(d.decision),
        metadata={"type": "string", "enum": list(values(MissionDecisionKind))},
    )
    note = ma.fields.String()
    decided_by = ma.fields.Integer()
    target_version = ma.fields.Integer(allow_none=True)


class MissionVersionSchema(ma.Schema):
    version = ma.fields.Integer()
    baseline = ma.fields.Function(
        lambda t: {"value": t.baseline_value, "on": t.baseline_on.isoformat()}, metadata=BASELINE
    )
    target = ma.fields.Function(
        lambda t: {"value": t.target_value, "by": t.target_by.isoformat()}, metadata=TARGET
    )
    shown_in_report = ma.fields.Boolean()
    created_at = ma.fields.DateTime()


class MissionSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    indicator = ma.fields.Function(
        lambda m: str(m.indicator), metadata={"type": "string", "enum": list(INDICATORS)}
    )
    baseline = ma.fields.Function(
        lambda m: {"value": m.target.baseline_value, "on": m.target.baseline_on.isoformat()},
        metadata=BASELINE,
    )
    target = ma.fields.Function(
        lambda m: {"value": m.target.target_value, "by": m.target.target_by.isoformat()},
        metadata=TARGET,
    )
    version = ma.fields.Function(
        lambda m: m.target.version,
        metadata={"type": "integer", "description": "The target version in force."},
    )
    municipality_ids = ma.fields.List(ma.fields.Integer())
    owner_id = ma.fields.Integer()
    decisions = ma.fields.List(ma.fields.Nested(MissionDecisionSchema))
    targets = ma.fields.List(
        ma.fields.Nested(MissionVersionSchema),
        metadata={"description": "Every target version, the one in force last."},
    )


class MissionWriteSchema(StrictSchema):
    name = text(200, min_length=1)
    indicator = ma.fields.String(validate=ma.validate.OneOf(INDICATORS))
    baseline = ma.fields.Nested(MissionBaselineSchema)
    target = ma.fields.Nested(MissionTargetSchema)
    municipality_ids = ma.fields.List(Id(), validate=ma.validate.Length(min=1, max=500))
    owner_id = Id()


class MissionCreateSchema(MissionWriteSchema):
    name = text(200, min_length=1, required=True)
    indicator = ma.fields.String(required=True, validate=ma.validate.OneOf(INDICATORS))
    baseline = ma.fields.Nested(MissionBaselineSchema, required=True)
    target = ma.fields.Nested(MissionTargetSchema, required=True)
    municipality_ids = ma.fields.List(
        Id(), required=True, validate=ma.validate.Length(min=1, max=500)
    )


class MissionDecisionCreateSchema(StrictSchema):
    decision = ma.fields.String(
        required=True, validate=ma.validate.OneOf(values(MissionDecisionKind))
    )
    on = Date(metadata={"description": "Default: today."})
    note = text(4000, load_default="")
    target = ma.fields.Nested(
        MissionTargetSchema, metadata={"description": "With `adjust` only: a new target version."}
    )


class MissionProgressQuerySchema(ma.Schema):
    as_of = Date(metadata={"description": "Default: today; read at the last quarter end."})


def _cell() -> ma.fields.Dict:
    return ma.fields.Dict(
        metadata={"description": "{value, suppressed}: value null when suppressed."}
    )


class MissionPointSchema(ma.Schema):
    value = ma.fields.Float(allow_none=True)
    value_range = ma.fields.List(ma.fields.Float(), allow_none=True)
    required = ma.fields.Float()
    gap = ma.fields.Float(allow_none=True)
    gap_range = ma.fields.List(ma.fields.Float(), allow_none=True)
    families = _cell()
    count = _cell()
    count_range = ma.fields.List(ma.fields.Integer(), allow_none=True)
    status = ma.fields.String(allow_none=True, metadata={"enum": ["ahead", "on_track", "behind"]})


class MissionSeriesSchema(MissionPointSchema):
    quarter_end = ma.fields.Date()


class MissionForecastSchema(MissionPointSchema):
    on = ma.fields.Date()


class MissionLineSchema(ma.Schema):
    municipality_id = ma.fields.Integer()
    municipality = ma.fields.String(allow_none=True)
    now = ma.fields.Nested(MissionPointSchema, allow_none=True)
    forecast = ma.fields.Nested(MissionPointSchema)


class MissionProgressSchema(ma.Schema):
    mission_id = ma.fields.Integer()
    indicator = ma.fields.String()
    version = ma.fields.Integer()
    as_of = ma.fields.Date(allow_none=True)
    baseline = ma.fields.Dict()
    target = ma.fields.Dict()
    series = ma.fields.List(ma.fields.Nested(MissionSeriesSchema))
    gap = ma.fields.Float(allow_none=True)
    gap_range = ma.fields.List(ma.fields.Float(), allow_none=True)
    status = ma.fields.String(allow_none=True)
    forecast_at_deadline = ma.fields.Float(allow_none=True)
    forecast = ma.fields.Nested(MissionForecastSchema)
    by_municipality = ma.fields.List(ma.fields.Nested(MissionLineSchema))
    suppression = ma.fields.Dict()
    assumption_set = ma.fields.Dict()
