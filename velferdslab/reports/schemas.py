"""The report registry at the API edge."""

from __future__ import annotations

import marshmallow as ma

from velferdslab.api.common import Date, Id, QueryId, StrictSchema, Timestamp
from velferdslab.vocabulary import ReportKind, values

# Access packages are issued through /access-requests (velferdslab.privacy), not here.
KINDS = tuple(kind for kind in values(ReportKind) if kind != ReportKind.ACCESS)


class ReportCreateSchema(StrictSchema):
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(KINDS),
        metadata={
            "description": "family (lead, team), portfolio (leader: suppressed; auditor), "
            "audit (auditor)."
        },
    )
    municipality_id = Id(
        metadata={"description": "Default: your municipality; required for regional users."}
    )
    family_id = Id(metadata={"description": "Required for kind family."})
    period_start = Date(metadata={"description": "Default: 1 January of as_of's year."})
    period_end = Date(metadata={"description": "Default: as_of."})
    as_of = Date(metadata={"description": "Valuation date; default today."})
    assumption_set_id = Id(
        metadata={"description": "Default: the newest standard set. Issuing makes it immutable."}
    )
    language = ma.fields.String(load_default="nb", validate=ma.validate.OneOf(("nb", "en")))


class ReportSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.Function(lambda r: r.kind.value)
    status = ma.fields.Function(
        lambda r: _status(r),
        metadata={"description": "queued, running, ready or failed; poll until ready."},
    )
    progress = ma.fields.Integer(metadata={"description": "Percent done."})
    error = ma.fields.String(allow_none=True)
    municipality_id = ma.fields.Integer(allow_none=True)
    family_id = ma.fields.Integer(allow_none=True)
    parameters = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(allow_none=True))
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
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS))
    family_id = QueryId()


class VerificationSchema(ma.Schema):
    valid = ma.fields.Boolean()
    report_id = ma.fields.Integer(allow_none=True)
    sha256 = ma.fields.String()
    kind = ma.fields.String()
    created_at = Timestamp()
