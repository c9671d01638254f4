"""API schemas of goals and measures (target levels by name, stored as 0–3)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from velferdslab.api.common import Date, Id, StrictSchema, text
from velferdslab.vocabulary import DOMAINS, LEVELS, MeasureStatus, values


class GoalSchema(ma.Schema):
    id = ma.fields.Integer()
    domain = ma.fields.String()
    target_level = ma.fields.Function(
        lambda goal: LEVELS[goal.target_level], metadata={"enum": list(LEVELS)}
    )
    target_date = ma.fields.Date(allow_none=True)
    description = ma.fields.String()
    closed_on = ma.fields.Date(allow_none=True)


class GoalWriteSchema(StrictSchema):
    domain = ma.fields.String(validate=ma.validate.OneOf(DOMAINS))
    target_level = ma.fields.String(validate=ma.validate.OneOf(LEVELS))
    target_date = Date(allow_none=True)
    description = text(2000)
    closed_on = Date(allow_none=True)

    @ma.post_load
    def level_number(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "target_level" in data:
            data["target_level"] = LEVELS.index(data["target_level"])
        return data


class GoalCreateSchema(GoalWriteSchema):
    domain = ma.fields.String(required=True, validate=ma.validate.OneOf(DOMAINS))
    target_level = ma.fields.String(required=True, validate=ma.validate.OneOf(LEVELS))
    description = text(2000, load_default="")


class MeasureSchema(ma.Schema):
    id = ma.fields.Integer()
    goal_id = ma.fields.Integer(allow_none=True)
    description = ma.fields.String()
    domain = ma.fields.String(allow_none=True)
    owner_user_id = ma.fields.Integer(allow_none=True)
    due_on = ma.fields.Date(allow_none=True)
    status = ma.fields.Function(
        lambda m: getattr(m.status, "value", m.status),
        metadata={"enum": list(values(MeasureStatus))},
    )


class MeasureWriteSchema(StrictSchema):
    goal_id = Id(allow_none=True)
    description = text(2000, min_length=1)
    domain = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(DOMAINS))
    owner_user_id = Id(allow_none=True)
    due_on = Date(allow_none=True)
    status = ma.fields.String(validate=ma.validate.OneOf(values(MeasureStatus)))


class MeasureCreateSchema(MeasureWriteSchema):
    description = text(2000, min_length=1, required=True)
    status = ma.fields.String(
        load_default="planned", validate=ma.validate.OneOf(values(MeasureStatus))
    )
