"""API schemas of families, members, consents and team memberships."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from velferdslab.api.common import Date, Id, Money, QueryId, StrictSchema, text
from velferdslab.people.national_id import InvalidNationalId, parse
from velferdslab.vocabulary import FamilyStatus, Protection, Relation, TeamRole, values


class FamilySchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    reference = ma.fields.String(
        dump_only=True, metadata={"description": "PREFIX-YEAR-NNNN, no personal data."}
    )
    municipality_id = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": list(values(FamilyStatus))})
    referred_on = ma.fields.Date()
    enrolled_on = ma.fields.Date(allow_none=True)
    concluded_on = ma.fields.Date(
        allow_none=True, metadata={"description": "The end date: concluded or withdrawn."}
    )
    investment_lead_id = ma.fields.Integer(allow_none=True)
    protection = ma.fields.String(metadata={"enum": list(values(Protection))})
    external_reference = ma.fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "The lab's own id (an import's Referanse), unique in the "
            "municipality; set by the import. `GET /families?external_reference=` finds it."
        },
    )


class FamilyCreateSchema(StrictSchema):
    municipality_id = Id(metadata={"description": "Defaults to your own municipality."})
    referred_on = Date(required=True)
    investment_lead_id = Id(
        allow_none=True, metadata={"description": "Defaults to you, the investment lead."}
    )
    protection = ma.fields.String(
        load_default=Protection.NONE.value, validate=ma.validate.OneOf(values(Protection))
    )


class FamilyUpdateSchema(StrictSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(values(FamilyStatus)))
    enrolled_on = Date(allow_none=True)
    concluded_on = Date(allow_none=True)
    investment_lead_id = Id()
    protection = ma.fields.String(validate=ma.validate.OneOf(values(Protection)))


class FamilyQuerySchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(values(FamilyStatus)))
    municipality_id = QueryId()
    external_reference = ma.fields.String(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "The lab's own id: the family a spreadsheet import named so."},
    )


def validate_national_id(value: str) -> None:
    try:
        parse(value)
    except InvalidNationalId as error:
        raise ma.ValidationError(str(error)) from error


class MemberSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    full_name = ma.fields.String()
    national_id = ma.fields.String(allow_none=True)
    birth_date = ma.fields.Date(allow_none=True)
    relation = ma.fields.String(metadata={"enum": list(values(Relation))})


class MemberWriteSchema(StrictSchema):
    full_name = text(150, min_length=1)
    national_id = ma.fields.String(
        allow_none=True,
        validate=validate_national_id,
        metadata={"description": "Fødselsnummer, D- or H-number (11 digits), check digits valid."},
    )
    birth_date = Date(allow_none=True)
    relation = ma.fields.String(validate=ma.validate.OneOf(values(Relation)))

    @ma.validates_schema
    def birth_date_matches(self, data: dict[str, Any], **_: Any) -> None:
        from velferdslab.people.national_id import matches_birth_date

        number, born = data.get("national_id"), data.get("birth_date")
        if number and born and not matches_birth_date(number, born):
            raise ma.ValidationError(
                "Does not match the birth date in the national id.", "birth_date"
            )


class MemberCreateSchema(MemberWriteSchema):
    full_name = text(150, min_length=1, required=True)
    relation = ma.fields.String(required=True, validate=ma.validate.OneOf(values(Relation)))


class ConsentSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    given_on = ma.fields.Date()
    expires_on = ma.fields.Date(allow_none=True)
    withdrawn_on = ma.fields.Date(allow_none=True)
    agency_ids = ma.fields.List(ma.fields.Integer())
    scope = ma.fields.String()


class ConsentCreateSchema(StrictSchema):
    given_on = Date(required=True)
    expires_on = Date(allow_none=True)
    withdrawn_on = Date(allow_none=True)
    agency_ids = ma.fields.List(Id(), required=True, validate=ma.validate.Length(min=1, max=50))
    scope = text(2000, load_default="")


class ConsentUpdateSchema(StrictSchema):
    expires_on = Date(allow_none=True)
    withdrawn_on = Date(allow_none=True)
    scope = text(2000)


class TeamMemberSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    user_id = ma.fields.Integer()
    agency_id = ma.fields.Integer()
    team_role = ma.fields.String(metadata={"enum": list(values(TeamRole))})
    mandate_nok = Money()
    joined_on = ma.fields.Date()
    left_on = ma.fields.Date(allow_none=True)


class TeamMemberCreateSchema(StrictSchema):
    user_id = Id(required=True)
    agency_id = Id(required=True)
    team_role = ma.fields.String(required=True, validate=ma.validate.OneOf(values(TeamRole)))
    mandate_nok = Money(load_default=0)
    joined_on = Date(required=True)
    left_on = Date(allow_none=True)


class TeamMemberUpdateSchema(StrictSchema):
    team_role = ma.fields.String(validate=ma.validate.OneOf(values(TeamRole)))
    mandate_nok = Money()
    left_on = Date(allow_none=True)
