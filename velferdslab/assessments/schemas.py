"""API schemas of assessments, the trajectory and progress notes."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from velferdslab.api.common import Date, StrictSchema, text
from velferdslab.assessments.models import Assessment
from velferdslab.vocabulary import DOMAINS, LEVELS

LEVEL = ma.fields.String(validate=ma.validate.OneOf(LEVELS), allow_none=True)
DOMAIN_KEY = ma.fields.String(validate=ma.validate.OneOf(DOMAINS))


def level_map(**kwargs: Any) -> ma.fields.Dict:
    return ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf(DOMAINS)),
        values=ma.fields.String(validate=ma.validate.OneOf(LEVELS), allow_none=True),
        **kwargs,
    )


class AssessmentSchema(ma.Schema):
    @ma.pre_dump
    def from_model(self, assessment: Assessment, **_: Any) -> dict[str, Any]:
        return assessment_out(assessment)

    id = ma.fields.Integer()
    assessed_on = ma.fields.Date()
    levels = level_map(
        metadata={"description": "Every domain: its level in this reading, or null."}
    )
    rationale = ma.fields.Dict(keys=DOMAIN_KEY, values=ma.fields.String())
    family_levels = level_map()
    overall = ma.fields.String(
        allow_none=True,
        metadata={"description": "Derived by the configured rule from the levels in force."},
    )
    overall_override = ma.fields.String(allow_none=True)
    override_reason = ma.fields.String(allow_none=True)
    assessed_by = ma.fields.Integer(allow_none=True)


class AssessmentCreateSchema(StrictSchema):
    assessed_on = Date(required=True)
    levels = level_map(
        required=True,
        metadata={"description": "Domain → level name; a domain left out or null is unassessed."},
    )
    rationale = ma.fields.Dict(
        keys=DOMAIN_KEY, values=text(2000), load_default=dict,
        metadata={"description": "Domain → a short rationale (≤ 2000 characters)."},
    )  # fmt: skip
    family_levels = level_map(load_default=dict)
    overall_override = ma.fields.String(validate=ma.validate.OneOf(LEVELS), allow_none=True)
    override_reason = text(2000, allow_none=True)


class AssessmentUpdateSchema(StrictSchema):
    assessed_on = Date()
    levels = level_map(
        metadata={"description": "Replaces the whole reading: a domain left out is unassessed."}
    )
    rationale = ma.fields.Dict(keys=DOMAIN_KEY, values=text(2000))
    family_levels = level_map()
    overall_override = ma.fields.String(validate=ma.validate.OneOf(LEVELS), allow_none=True)
    override_reason = text(2000, allow_none=True)


class TrajectoryPointSchema(ma.Schema):
    on = ma.fields.Date(data_key="assessed_on")
    levels = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.String(allow_none=True),
        metadata={"description": "Every domain: the level in force (carried forward), or null."},
    )  # fmt: skip
    overall = ma.fields.String(
        allow_none=True, metadata={"description": "Derived by the configured rule."}
    )
    overall_override = ma.fields.String(
        allow_none=True, metadata={"description": "The team's override on that date, if any."}
    )


class NoteSchema(ma.Schema):
    id = ma.fields.Integer()
    written_on = ma.fields.Date()
    domain = ma.fields.String(allow_none=True)
    text = ma.fields.String()
    author_id = ma.fields.Integer(allow_none=True)


class NoteCreateSchema(StrictSchema):
    written_on = Date(metadata={"description": "Defaults to today."})
    domain = ma.fields.String(validate=ma.validate.OneOf(DOMAINS), allow_none=True)
    text = text(10_000, min_length=1, required=True)


def level_names(levels: dict[str, int | None]) -> dict[str, str | None]:
    return {d: None if v is None else LEVELS[v] for d, v in levels.items()}


def assessment_out(assessment: Assessment) -> dict[str, Any]:
    family = {d: LEVELS[v] for d, v in assessment.family_levels().items() if v is not None}
    return {
        "id": assessment.id,
        "assessed_on": assessment.assessed_on,
        "levels": level_names(assessment.levels()),
        "rationale": assessment.rationale or {},
        "family_levels": family,
        "overall": None if assessment.overall is None else LEVELS[assessment.overall],
        "overall_override": (
            None if assessment.overall_override is None else LEVELS[assessment.overall_override]
        ),
        "override_reason": assessment.override_reason,
        "assessed_by": assessment.assessed_by,
    }
