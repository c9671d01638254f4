"""API schemas of staff users: the password is write-only and never part of an answer."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from velferdslab.api.common import Flag, Id, QueryId, StrictSchema, Timestamp
from velferdslab.municipalities.schemas import name_field
from velferdslab.users.services import MIN_PASSWORD_LENGTH
from velferdslab.vocabulary import Role, values

USERNAME_PATTERN = r"^[A-Za-z0-9._@-]{2,80}$"


def _distinct(roles: list[str]) -> None:
    if len(set(roles)) != len(roles):
        raise ma.ValidationError("Each role once.")


def roles_field(**kwargs: Any) -> ma.fields.List[str]:
    return ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(values(Role))),
        validate=[ma.validate.Length(min=1, max=len(Role)), _distinct],
        metadata={"description": "At least one role, each once."},
        **kwargs,
    )


def password_field(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(
        load_only=True,
        validate=ma.validate.Length(min=MIN_PASSWORD_LENGTH, max=200),
        metadata={"description": f"Write-only; at least {MIN_PASSWORD_LENGTH} characters."},
        **kwargs,
    )


def username_field(**kwargs: Any) -> ma.fields.String:
    return ma.fields.String(
        validate=ma.validate.Regexp(
            USERNAME_PATTERN, error="2–80 letters, digits or the characters . _ @ -."
        ),
        metadata={"pattern": USERNAME_PATTERN},
        **kwargs,
    )


class SortedRoles(ma.fields.List[str]):
    """A user's set of roles, always in the same (alphabetical) order."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else sorted(str(role) for role in value)


class UserSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    username = ma.fields.String()
    full_name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    roles = SortedRoles(ma.fields.String(metadata={"enum": list(values(Role))}))
    agency_id = ma.fields.Integer(allow_none=True)
    municipality_id = ma.fields.Integer(
        allow_none=True, metadata={"description": "null: a regional user, who sees every one."}
    )
    active = Flag(
        metadata={"description": "An inactive user cannot log in; their tokens stop working."}
    )
    created_at = Timestamp(dump_only=True)
    last_login_at = Timestamp(dump_only=True, allow_none=True)


class UserCreateSchema(StrictSchema):
    username = username_field(required=True)
    full_name = name_field(150, required=True)
    email = ma.fields.Email(allow_none=True, validate=ma.validate.Length(max=254))
    roles = roles_field(required=True)
    agency_id = Id(allow_none=True)
    municipality_id = Id(
        allow_none=True,
        metadata={
            "description": "null: a regional user (regional admins only). A municipal admin may "
            "leave it out (their own municipality); a regional admin must give it."
        },
    )
    active = Flag(load_default=True)
    password = password_field(required=True)


class UserUpdateSchema(StrictSchema):
    username = username_field()
    full_name = name_field(150)
    email = ma.fields.Email(allow_none=True, validate=ma.validate.Length(max=254))
    roles = roles_field()
    agency_id = Id(allow_none=True)
    municipality_id = Id(allow_none=True)
    active = Flag()
    password = password_field()


class UserQuerySchema(ma.Schema):
    municipality_id = QueryId()
    role = ma.fields.String(validate=ma.validate.OneOf(values(Role)))
    active = Flag()
