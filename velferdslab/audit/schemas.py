"""API schemas of audit events."""

from __future__ import annotations

import marshmallow as ma

from velferdslab.api.common import Date, QueryId, Timestamp


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    at = Timestamp()
    user_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String()
    entity = ma.fields.String()
    entity_id = ma.fields.Integer(allow_none=True)
    family_id = ma.fields.Integer(allow_none=True)
    ip = ma.fields.String(allow_none=True)


class AuditQuerySchema(ma.Schema):
    user_id = QueryId()
    family_id = QueryId()
    action = ma.fields.String(validate=ma.validate.Length(max=40))
    entity = ma.fields.String(validate=ma.validate.Length(max=40))
    since = Date()
    until = Date()
