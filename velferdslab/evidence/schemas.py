"""API schemas of the evidence: the estimate's query, cohorts and pre-registrations."""

from __future__ import annotations

import marshmallow as ma

from velferdslab.api.common import Date, Id, QueryId, StrictSchema, Timestamp, text
from velferdslab.evidence.preregistration import INDICATORS


class EvidenceQuerySchema(ma.Schema):
    municipality_id = QueryId(load_default=None)
    as_of = Date(load_default=None)
    baseline = Date(
        load_default=None,
        metadata={
            "description": "The baseline quarter (any day of it); default: the "
            "pre-registered one, else the first with enough families in both groups."
        },
    )
    later = Date(
        load_default=None,
        metadata={
            "description": "The later quarter; default: the pre-registered horizon, "
            "else the last quarter end on or before as_of."
        },
    )
    assumption_set_id = QueryId(load_default=None)


class MunicipalityQuerySchema(ma.Schema):
    municipality_id = QueryId(load_default=None)


class CohortSchema(ma.Schema):
    id = ma.fields.Integer()
    municipality_id = ma.fields.Integer()
    name = ma.fields.String()
    file_name = ma.fields.String()
    sha256 = ma.fields.String()
    families = ma.fields.Integer(
        allow_none=True, metadata={"description": "null when fewer than the threshold"}
    )
    created_by = ma.fields.Integer()
    created_at = Timestamp()


class TargetSchema(StrictSchema):
    value = ma.fields.Float(
        required=True,
        allow_nan=False,
        validate=ma.validate.Range(min=-1_000_000, max=1_000_000),
        metadata={"description": "the indicator's aim (a share 0–1, or a number of families)"},
    )
    by = Date(required=True)


class PreregistrationCreateSchema(StrictSchema):
    municipality_id = Id(load_default=None)
    indicator = ma.fields.String(required=True, validate=ma.validate.OneOf(INDICATORS))
    baseline_on = Date(required=True)
    horizon_on = Date(required=True)
    targets = ma.fields.List(
        ma.fields.Nested(TargetSchema), required=True, validate=ma.validate.Length(min=1, max=20)
    )
    note = text(2000, load_default="")


class PreregistrationSchema(ma.Schema):
    id = ma.fields.Integer()
    municipality_id = ma.fields.Integer()
    version = ma.fields.Integer()
    indicator = ma.fields.String()
    baseline_on = ma.fields.Date()
    horizon_on = ma.fields.Date()
    targets = ma.fields.List(ma.fields.Dict())
    note = ma.fields.String()
    results_existed = ma.fields.Boolean()
    created_by = ma.fields.Integer()
    created_at = Timestamp()
    immutable = ma.fields.Boolean()
