"""The report registry at the API edge."""

from __future__ import annotations

import marshmallow as ma

from velferdslab.api.common import Date, Id, QueryId, StrictSchema, Timestamp
from velferdslab.vocabulary import ReportKind, values

# What the API issues; an access package (velferdslab/privacy) is made on the privacy pages
# only, and is listed here like every report to whoever may see it (the family's lead, or the
# admin who made it for a letter).
KINDS = tuple(kind for kind in values(ReportKind) if kind != ReportKind.ACCESS)
ALL_KINDS = values(ReportKind)


class ReportCreateSchema(StrictSchema):
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(KINDS),
        metadata={
            "description": "family (lead, team), portfolio (leader: suppressed; auditor), "
            "audit (auditor), mission (leader: a mission's report for the council)."
        },
    )
    municipality_id = Id(
        metadata={"description": "Default: your municipality; required for regional users."}
    )
    family_id = Id(metadata={"description": "Required for kind family."})
    mission_id = Id(metadata={"description": "Required for kind mission."})
    period_start = Date(metadata={"description": "Default: 1 January of as_of's year."})
    period_end = Date(metadata={"description": "Default: as_of."})
    as_of = Date(metadata={"description": "Valuation date; default today."})
    assumption_set_id = Id(
        metadata={"description": "Default: the newest standard set. Issuing makes it immutable."}
    )
    language = ma.fields.String(load_default="nb", validate=ma.validate.OneOf(("nb", "en")))


class ReportParametersSchema(ma.Schema):
    """What the report was made for, as fixed when it was issued. Every kind has `as_of`; a
    family, portfolio or audit report has its period and `suppressed`; an access package the
    day its request was received."""

    # Stored as ISO text in the registry's JSON column.
    as_of = ma.fields.String(required=True, metadata={"format": "date"})
    period_start = ma.fields.String(
        metadata={"format": "date", "description": "family, portfolio and audit reports."}
    )
    period_end = ma.fields.String(
        metadata={"format": "date", "description": "family, portfolio and audit reports."}
    )
    suppressed = ma.fields.Boolean(
        metadata={
            "description": "Small groups hidden (a leader's portfolio); family, portfolio and "
            "audit reports."
        }
    )
    mission_id = ma.fields.Integer(metadata={"description": "mission reports: the mission."})
    mission_version = ma.fields.Integer(
        metadata={"description": "mission reports: the target version shown."}
    )
    received_on = ma.fields.String(
        metadata={"format": "date", "description": "access packages: the request's date."}
    )


STATUSES = ("queued", "running", "ready", "failed")


class ReportSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.Function(
        lambda r: r.kind.value,
        metadata={"type": "string", "enum": list(ALL_KINDS)},
    )
    status = ma.fields.Function(
        lambda r: _status(r),
        metadata={
            "type": "string",
            "enum": list(STATUSES),
            "description": "queued, running, ready or failed; poll until ready.",
        },
    )
    progress = ma.fields.Integer(metadata={"description": "Percent done."})
    error = ma.fields.String(allow_none=True)
    municipality_id = ma.fields.Integer(allow_none=True)
    family_id = ma.fields.Integer(allow_none=True)
    parameters = ma.fields.Nested(ReportParametersSchema)
    assumption_set_id = ma.fields.Integer(allow_none=True)
    assumption_set_version = ma.fields.Integer(allow_none=True)
    language = ma.fields.String()
    issued_by = ma.fields.Integer()
    created_at = Timestamp()
    data_snapshot_at = Timestamp(allow_none=True)
    sha256 = ma.fields.String(allow_none=True)


def _status(report: object) -> str:
    from velferdslab.reports.services import effective_status

    return effective_status(report)  # type: ignore[arg-type]


class ReportQuerySchema(StrictSchema):
    kind = ma.fields.String(validate=ma.validate.OneOf(ALL_KINDS))
    family_id = QueryId()


class VerificationSchema(ma.Schema):
    """A file that is no issued report has only its digest: the rest is null."""

    valid = ma.fields.Boolean(required=True)
    report_id = ma.fields.Integer(required=True, allow_none=True, dump_default=None)
    sha256 = ma.fields.String(required=True)
    kind = ma.fields.String(
        required=True, allow_none=True, dump_default=None, validate=ma.validate.OneOf(ALL_KINDS)
    )
    created_at = Timestamp(required=True, allow_none=True, dump_default=None)
